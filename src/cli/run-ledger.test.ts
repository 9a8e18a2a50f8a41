import { mkdtemp, readFile, readdir, readlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJunit } from "../../test/helpers/junit-xml.js";
import { syntheticDrillReport } from "../../test/helpers/synthetic-report.js";
import { AbortedError, LabError, UsageError } from "../common/errors.js";
import type { Scenario } from "../model/scenario.js";
import { RunLedger } from "./run-ledger.js";
import { EXIT } from "./exit-codes.js";

const scenario = (name: string): Scenario => ({ name }) as Scenario;
const reportsDir = (): Promise<string> => mkdtemp(join(tmpdir(), "vipdrill-ledger-"));

describe("RunLedger: every scenario of a run ends with a report folder", () => {
  it("a scenario that drilled is published; the one after it, stopped by Ctrl-C, gets a junit.xml saying so", async () => {
    const reports = await reportsDir();
    const stepSummary = join(reports, "step-summary.md");
    const ledger = new RunLedger(["a.yaml", "b.yaml"], reports, { GITHUB_STEP_SUMMARY: stepSummary });
    const [a] = await ledger.load(async (file) => scenario(file === "a.yaml" ? "synthetic-link-pull" : "second"));
    const report = syntheticDrillReport({ durationMs: 30_000, intervalMs: 10 });
    const drilled = join(reports, "2026-11-25T05-00-00Z-synthetic-link-pull");
    await ledger.reported(a!, drilled, report, EXIT.budgetBreached);
    ledger.failed(new AbortedError("aborted by SIGINT: faults were restored"));
    const document = await ledger.finish(EXIT.aborted);

    expect(document).toMatchObject({ ok: false, exitCode: EXIT.aborted, reports });
    expect(document.scenarios.map((s) => [s.file, s.verdict, s.exitCode, s.error?.code ?? null])).toEqual([
      ["a.yaml", report.verdict, EXIT.budgetBreached, null],
      ["b.yaml", "error", EXIT.aborted, "VIPDRILL_ABORTED"],
    ]);
    expect(document.scenarios[0]!.budgets).toEqual(report.budgets);
    const second = document.scenarios[1]!;
    expect(document.latest).toBe(second.dir);
    expect(await readlink(join(reports, "latest"))).toBe(second.dir.slice(reports.length + 1));
    const junit = parseJunit(await readFile(second.junitXml, "utf8"));
    expect(junit.suites[0]!.cases[0]!.error).toMatchObject({ type: "VIPDRILL_ABORTED", message: "aborted by SIGINT: faults were restored" });
    // Both summaries reached GitHub's job summary, in order.
    const summary = await readFile(stepSummary, "utf8");
    expect(summary.indexOf("# synthetic-link-pull:")).toBeLessThan(summary.indexOf("# second: ⚠️ did not run"));
  });

  it("a file that does not validate is thrown (nothing runs); each file gets its own reason", async () => {
    const reports = await reportsDir();
    const ledger = new RunLedger(["good.yaml", "scenarios/bad drill.yaml"], reports, {});
    const invalid = new UsageError("VIPDRILL_SCENARIO_INVALID", "scenarios/bad drill.yaml:3: fault: expected a mapping");
    await expect(ledger.load(async (file) => (file === "good.yaml" ? scenario("good") : Promise.reject(invalid)))).rejects.toBe(invalid);
    ledger.failed(invalid);
    const document = await ledger.finish(EXIT.usage);
    expect(document.scenarios.map((s) => [s.name, s.verdict, s.exitCode, s.error?.message])).toEqual([
      ["good", "error", EXIT.usage, invalid.message],
      ["bad-drill", "error", EXIT.usage, invalid.message],
    ]);
    expect((await readdir(reports)).sort()).toEqual([expect.stringMatching(/-bad-drill$/), expect.stringMatching(/-good$/), "latest"]);
  });

  it("the latest error is why the scenarios left were not drilled, not an earlier drill's", async () => {
    const ledger = new RunLedger(["a.yaml", "b.yaml"], await reportsDir(), {});
    const [a] = await ledger.load(async (file) => scenario(file));
    const faultless = { ...syntheticDrillReport({ durationMs: 30_000, intervalMs: 10 }), error: { code: "VIPDRILL_FAULT_NO_EFFECT", message: "the link stayed up" } };
    await ledger.reported(a!, join(await reportsDir(), "a"), faultless, EXIT.fault);
    ledger.failed(new LabError("VIPDRILL_NOT_HEALTHY", "the endpoint did not become healthy within 60 s"));
    const document = await ledger.finish(EXIT.lab);
    expect(document.scenarios[1]).toMatchObject({ file: "b.yaml", verdict: "error", error: { code: "VIPDRILL_NOT_HEALTHY" } });
  });

  it("the lab that would not start: the scenario's own exit code is the run's", async () => {
    const ledger = new RunLedger(["a.yaml"], await reportsDir(), {});
    await ledger.load(async () => scenario("a"));
    ledger.failed(new LabError("VIPDRILL_NO_DOCKER", "no Docker engine at /var/run/docker.sock"));
    const document = await ledger.finish(EXIT.lab);
    expect(document.scenarios[0]).toMatchObject({ verdict: "error", exitCode: EXIT.lab, reportJson: null, error: { code: "VIPDRILL_NO_DOCKER" } });
  });
});
