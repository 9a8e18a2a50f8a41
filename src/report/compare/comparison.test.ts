import { describe, expect, it } from "vitest";
import { iterationReport } from "../../../test/helpers/iteration-report.js";
import { aggregateReport } from "../aggregate/aggregate-report.js";
import type { Report } from "../report-types.js";
import { comparisonMarkdown } from "./comparison-markdown.js";
import { compareSides } from "./comparison.js";
import { sideOfReport } from "./compare-side.js";
import { parseMaxRegression } from "./max-regression.js";
import { parseReport } from "./report-file.js";

/** A report as compare reads it back from disk. */
const side = (report: Report, label: string) => sideOfReport({ file: label, report: parseReport(JSON.stringify(report), label) });
const repeated = (outages: number[]): Report =>
  aggregateReport({
    runs: outages.map((ms, i) => ({ iteration: i + 1, report: iterationReport(ms), dir: `iteration-${i + 1}`, failbackWaitMs: null })),
    budgets: { failoverMs: 5000, errorsAfterRecovery: 0, vipMove: "any", splitBrain: "forbid", healthyAfterRestore: true, latency: {} },
    requested: outages.length,
    wallMs: 1,
  });
const row = (c: ReturnType<typeof compareSides>, figure: string) => c.rows.find((r) => r.figure === figure)!;

describe("compare", () => {
  it("single runs: the difference, beyond the sum of the ±, and a regression beyond --max-regression", () => {
    const c = compareSides(side(iterationReport(3000), "base"), side(iterationReport(3600), "new"), { maxRegression: parseMaxRegression("10%") });
    const failover = row(c, "failover");
    expect(failover.difference).toBeCloseTo(600, 0);
    expect(failover.verdict).toBe("beyond-noise");
    expect(failover.regression).toBe("worse by more than 10%");
    expect(compareSides(side(iterationReport(3000), "base"), side(iterationReport(3600), "new"), { maxRegression: parseMaxRegression("700ms") }).rows.every((r) => r.regression === null)).toBe(true);
  });

  it("repeats: a rank test over the iterations, and no regression where the shift is noise", () => {
    const base = repeated([3000, 3300, 2800, 3500, 3100, 2900]);
    const next = repeated([3050, 3250, 2850, 3450, 3150, 2950]);
    const c = compareSides(side(base, "base"), side(next, "new"), { maxRegression: parseMaxRegression("1%") });
    expect(row(c, "failover")).toMatchObject({ method: "mann-whitney", verdict: "within-noise", regression: null });
    expect(c.base.runs).toBe(6);
  });

  it("refuses two different scenarios unless forced, saying why", () => {
    const other = { ...iterationReport(3000), scenario: { ...iterationReport(3000).scenario, name: "keepalived-stop-vip-owner" } };
    expect(() => compareSides(side(iterationReport(3000), "a/report.json"), side(other, "b/report.json"))).toThrow(
      "a/report.json and b/report.json are different drills (scenario synthetic-link-pull vs keepalived-stop-vip-owner): their figures measure different things; --force compares them all the same",
    );
    const forced = compareSides(side(iterationReport(3000), "a"), side(other, "b"), { force: true });
    expect(forced.notes[0]).toBe("compared with --force although scenario synthetic-link-pull vs keepalived-stop-vip-owner");
  });

  it("writes Markdown for a change ticket: both sides, a row per figure, the gate", () => {
    const md = comparisonMarkdown(compareSides(side(iterationReport(3000), "base/report.json"), side(iterationReport(3600), "new/report.json"), { maxRegression: parseMaxRegression("10%") }));
    expect(md).toContain("- **base** base/report.json: synthetic-link-pull, a single run");
    expect(md).toMatch(/\| failover \| 3\.\d{3} s ± [\d.]+ ms \| 3\.\d{3} s ± [\d.]+ ms \| \+6\d\d ms \(\+\d+\.\d%\) \| beyond noise \|/);
    expect(md).toMatch(/\*\*REGRESSED beyond 10%: failover \+6\d\d ms/);
  });

  it("refuses a --max-regression it cannot read", () => {
    expect(() => parseMaxRegression("ten")).toThrow('--max-regression: expected a share of the base such as 10% or a duration such as 200ms, got "ten"');
  });
});
