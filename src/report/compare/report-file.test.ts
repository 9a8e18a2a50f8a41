import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticDrillReport } from "../../../test/helpers/synthetic-report.js";
import { parseReport, readReport } from "./report-file.js";
import { REPORT_SCHEMA_VERSION } from "../report-types.js";
import { thrownMessage } from "../../../test/helpers/thrown.js";

const good = JSON.stringify(syntheticDrillReport({ durationMs: 20_000, intervalMs: 10 }), null, 1);
const errorOf = (fn: () => unknown): string => thrownMessage(fn, /^VIPDRILL_REPORT_/);

describe("reading report.json back", () => {
  it("reads vipdrill's own report", () => {
    const report = parseReport(good, "r/report.json");
    expect(report.scenario.name).toBe("synthetic-link-pull");
    expect(report.faults[0]?.failoverMs).toEqual(expect.any(Number));
  });

  it("refuses a JSON file that is not vipdrill's, in one line", () => {
    expect(errorOf(() => parseReport('{"name": "k6 summary"}', "r/summary.json"))).toBe(
      'r/summary.json: not a vipdrill report.json (expected an object with "vipdrill", "scenario", "faults", got a mapping without a "vipdrill" field)',
    );
    expect(errorOf(() => parseReport("[1, 2]", "r/list.json"))).toMatch(/not a vipdrill report\.json .* got a list\)$/);
  });

  it("refuses a truncated file, naming the line where it stops", () => {
    // A write cut off at a line's end (a full disk), and one cut inside a string.
    const atLine = good.slice(0, good.indexOf("\n", good.length / 2));
    expect(errorOf(() => parseReport(atLine, "r/report.json"))).toMatch(new RegExp(`^r/report\\.json: truncated or not JSON \\(line ${atLine.split("\n").length}: `));
    const inString = good.slice(0, good.indexOf('"', good.length / 2) + 3);
    expect(errorOf(() => parseReport(inString, "r/report.json"))).toMatch(new RegExp(`^r/report\\.json: truncated or not JSON \\(line ${inString.split("\n").length}: `));
  });

  it("refuses a report of a newer format, saying what to do", () => {
    const newer = JSON.stringify({ ...JSON.parse(good), schemaVersion: REPORT_SCHEMA_VERSION + 1, vipdrill: "9.0.0" });
    expect(errorOf(() => parseReport(newer, "r/report.json"))).toBe(
      `r/report.json: written by vipdrill 9.0.0 in report format ${REPORT_SCHEMA_VERSION + 1}; this vipdrill reads format ${REPORT_SCHEMA_VERSION} and older: upgrade vipdrill to read it`,
    );
  });

  it("names the path of a field that is wrong", () => {
    const data = JSON.parse(good) as { faults: Array<Record<string, unknown>> };
    data.faults[0]!.failoverMs = "3.4 s";
    expect(errorOf(() => parseReport(JSON.stringify(data), "r/report.json"))).toBe('r/report.json: faults[0].failoverMs: expected a number, got "3.4 s"');
  });

  it("follows reports/latest where it is the text file written when symlinks cannot be made", async () => {
    const reports = await mkdtemp(join(tmpdir(), "vipdrill-latest-"));
    const run = join(reports, "2026-12-01T05-00-00-link-pull");
    await mkdir(run);
    await writeFile(join(run, "report.json"), good);
    await writeFile(join(reports, "latest"), `${run}\n`);
    expect((await readReport(join(reports, "latest"))).report.scenario.name).toBe("synthetic-link-pull");
    // Written relative to where vipdrill ran, read from elsewhere: the folder beside the file.
    await writeFile(join(reports, "latest"), "somewhere/else/2026-12-01T05-00-00-link-pull\n");
    expect((await readReport(join(reports, "latest"))).file).toBe(join(run, "report.json"));
  });

  it("refuses a folder without a report, pointing into the report folders it holds", async () => {
    const reports = await mkdtemp(join(tmpdir(), "vipdrill-reports-"));
    await mkdir(join(reports, "2026-12-01T10-00-00Z-link-pull-vip-owner"));
    await expect(readReport(reports)).rejects.toThrow(/: no report\.json in this folder \(it holds folders such as .*2026-12-01T10-00-00Z-link-pull-vip-owner: name one of those\)$/);
    await expect(readReport(join(reports, "nothing-here"))).rejects.toThrow(/nothing-here: no such report folder or file$/);
    await writeFile(join(reports, "2026-12-01T10-00-00Z-link-pull-vip-owner", "report.json"), good);
    expect((await readReport(join(reports, "2026-12-01T10-00-00Z-link-pull-vip-owner"))).report.verdict).toEqual(expect.stringMatching(/pass|fail/));
  });
});
