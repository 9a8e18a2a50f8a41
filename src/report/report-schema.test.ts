import { readFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { reportJsonSchema } from "../../scripts/report-schema.js";
import { syntheticDrillReport } from "../../test/helpers/synthetic-report.js";
import { REPORT_SCHEMA_VERSION } from "./report-types.js";
import { reportSchemaFile, writeReport } from "./report.js";

const committedSchema = async (): Promise<object> => JSON.parse(await readFile(reportSchemaFile(), "utf8")) as object;

describe("report.json's JSON Schema", () => {
  it("the committed reports/report.schema.json is the one the types generate (npm run schema)", async () => {
    expect(await readFile(reportSchemaFile(), "utf8")).toBe(reportJsonSchema());
  }, 60_000);

  it("a written report.json validates against it, names it in $schema and carries its version", async () => {
    const dir = await writeReport(syntheticDrillReport({ durationMs: 30_000, intervalMs: 10 }), await mkdtemp(join(tmpdir(), "vipdrill-schema-")));
    const json = JSON.parse(await readFile(join(dir, "report.json"), "utf8")) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(await committedSchema());
    expect(validate(json), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(json.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    // $schema leads from the report's folder to the schema file, wherever the reports went.
    expect(join(dir, json.$schema as string)).toBe(reportSchemaFile());
  });

  it("refuses a report whose budget numbers are not numbers, or that lacks its schema version", async () => {
    const report = syntheticDrillReport({ durationMs: 30_000, intervalMs: 10 });
    const validate = new Ajv({ allErrors: true, strict: false }).compile(await committedSchema());
    const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    const budgetAsText = asJson({ ...report, budgets: report.budgets.map((b) => ({ ...b, measuredMs: String(b.measuredMs) })) });
    expect(validate(budgetAsText)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toMatch(/^\/budgets\/\d+\/measuredMs$/);
    const { schemaVersion: _dropped, ...unversioned } = report;
    expect(validate(asJson(unversioned))).toBe(false);
    expect(validate.errors?.[0]?.params).toEqual({ missingProperty: "schemaVersion" });
  });
});
