import { describe, expect, it } from "vitest";
import { iterationReport } from "../../../test/helpers/iteration-report.js";
import type { Budgets } from "../../model/scenario.js";
import { aggregateReport, type IterationRun } from "./aggregate-report.js";
import { repeatMarkdown } from "./repeat-markdown.js";
import { renderMarkdown } from "../markdown.js";

const runsOf = (outages: Array<number | null>): IterationRun[] =>
  outages.map((ms, i) => ({ iteration: i + 1, report: iterationReport(ms, 2 + i), dir: `iteration-${String(i + 1).padStart(2, "0")}`, failbackWaitMs: i === 0 ? null : 400 + i }));
const budgets = (extra: Partial<Budgets> = {}): Budgets => ({ failoverMs: 5000, errorsAfterRecovery: 0, vipMove: "any", splitBrain: "forbid", healthyAfterRestore: true, latency: {}, ...extra });

describe("aggregateReport", () => {
  it("keeps the first iteration's report where readers find it, beside each figure's distribution", () => {
    const runs = runsOf([3000, 3400, 2700, 3100]);
    const report = aggregateReport({ runs, budgets: budgets(), requested: 4, wallMs: 120_000 });
    expect(report.faults[0]).toEqual(runs[0]!.report.faults[0]);
    expect(report.timeline).toBe(runs[0]!.report.timeline);
    const failover = report.repeat!.figures.failover;
    expect(failover.n).toBe(4);
    expect(failover.samples.map((s) => s.value)).toEqual(runs.map((r) => r.report.faults[0]!.failoverMs));
    expect(failover.stats.min?.iteration).toBe(3);
    expect(failover.stats.max?.iteration).toBe(2);
    // Nearest rank: p50 of 4 is the 2nd smallest (3000 ms, iteration 1).
    expect(failover.stats.p50?.iteration).toBe(1);
    expect(report.repeat).toMatchObject({ requested: 4, completed: 4, failbackWaitMs: { total: 401 + 402 + 403, max: 403 } });
  });

  it("passes when every per-run budget held in every iteration and every percentile budget on the distribution", () => {
    const report = aggregateReport({
      runs: runsOf([3000, 3400, 2700, 3100]),
      budgets: budgets({ percentiles: { failover: [{ name: "p50", percentile: 50, limit: 3500 }] } }),
      requested: 4,
      wallMs: 1,
    });
    expect(report.verdict).toBe("pass");
    expect(report.budgets.map((b) => b.name)).toEqual(["failover", "errors-after-recovery", "vip-move", "split-brain", "healthy-after-restore", "failover.p50"]);
  });

  it("fails a per-run budget breached in one iteration only, and a percentile budget on the distribution", () => {
    const report = aggregateReport({
      runs: runsOf([3000, 5600, 2700]),
      budgets: budgets({ percentiles: { failover: [{ name: "p50", percentile: 50, limit: 2900 }] } }),
      requested: 3,
      wallMs: 1,
    });
    // Iteration reports judge only the per-run budgets (repeat-run.ts strips percentiles from them).
    expect(report.verdict).toBe("fail");
    const failover = report.budgets.find((b) => b.name === "failover")!;
    expect(failover.pass).toBe(false);
    expect(failover.measured).toBe("held in 2 of 3 iterations; breached in 2");
    expect(report.budgets.find((b) => b.name === "failover.p50")).toMatchObject({ pass: false, measuredMs: runsOf([3000])[0]!.report.faults[0]!.failoverMs });
  });

  it("adds the iterations' latency histograms", () => {
    const runs = runsOf([3000, 3000]);
    const report = aggregateReport({ runs, budgets: budgets(), requested: 2, wallMs: 1 });
    const baseline = report.repeat!.latency.baseline;
    const oneRun = (runs[0]!.report.analysis as { latency: { baseline: { ok: number } } }).latency.baseline.ok;
    expect(baseline.iterations).toBe(2);
    expect(baseline.ok).toBe(2 * oneRun);
    // Half the baseline probes took 2 ms, half 3 ms.
    expect(baseline.p50).toBeCloseTo(2, 2);
    expect(baseline.p90).toBeCloseTo(3, 2);
  });

  it("fails a run cut short, whatever its iterations said", () => {
    const report = aggregateReport({ runs: runsOf([3000]), budgets: budgets(), requested: 5, wallMs: 1, stopped: { code: "VIPDRILL_NOT_BACK", message: "the VIP did not come back" } });
    expect(report.verdict).toBe("fail");
    expect(report.error).toEqual({ code: "VIPDRILL_NOT_BACK", message: "the VIP did not come back" });
    expect(report.repeat).toMatchObject({ requested: 5, completed: 1 });
  });
});

describe("repeatMarkdown", () => {
  it("tables each figure's distribution for summary.md, and is empty for a single run", () => {
    const runs = runsOf([3000, 3400, 2700]);
    const md = repeatMarkdown(aggregateReport({ runs, budgets: budgets(), requested: 3, wallMs: 1 }));
    expect(md).toContain("### 3 of 3 iterations");
    expect(md).toContain("| figure | n | min | p50 | p90 | p95 | max |");
    const failover = md.split("\n").find((l) => l.startsWith("| failover |"))!;
    expect(failover.split(" | ")).toHaveLength(7);
    expect(failover).toMatch(/^\| failover \| 3 \| 2\.\d{3} s ± [\d.]+ ms \| 3\.\d{3} s ± /);
    expect(repeatMarkdown(runs[0]!.report)).toBe("");
  });

  it("is in a repeated run's summary.md, after its figures", () => {
    const summary = renderMarkdown(aggregateReport({ runs: runsOf([3000, 3400, 2700]), budgets: budgets(), requested: 3, wallMs: 1 }));
    expect(summary).toContain("### 3 of 3 iterations");
    expect(summary.indexOf("### 3 of 3 iterations")).toBeGreaterThan(summary.indexOf("| budget | measured | limit |"));
  });
});
