import { describe, expect, it } from "vitest";
import type { DistributionBudget } from "../model/scenario.js";
import type { FigureSample } from "./distribution.js";
import { everyIterationBudgets } from "./every-iteration-budgets.js";
import { evaluatePercentileBudgets } from "./percentile-budgets.js";
import type { BudgetResult } from "./types.js";

const samples = (failover: Array<number | null>, failedProbes: number[] = []): Record<DistributionBudget, FigureSample[]> => ({
  failover: failover.map((value, i) => ({ iteration: i + 1, value, precision: value === null ? null : 5 })),
  outage: [],
  failback: [],
  failedProbes: failedProbes.map((value, i) => ({ iteration: i + 1, value, precision: null })),
});
// Twenty failovers 2.6 … 4.5 s; iteration 20 took 6 s.
const twenty = Array.from({ length: 20 }, (_, i) => (i === 19 ? 6000 : 2600 + i * 100));

describe("evaluatePercentileBudgets", () => {
  it("judges p95 on the 19th of 20 runs: one slow run does not breach it, but breaches max", () => {
    const [p95, max] = evaluatePercentileBudgets(
      { failover: [{ name: "p95", percentile: 95, limit: 5000 }, { name: "max", percentile: 100, limit: 5000 }] },
      samples(twenty),
    );
    expect(p95).toMatchObject({ name: "failover.p95", pass: true, measured: "4.400 s ± 5 ms (iteration 19)", limit: "5.000 s", measuredMs: 4400, limitMs: 5000, precisionMs: 5 });
    expect(max).toMatchObject({ name: "failover.max", pass: false, measured: "6.000 s ± 5 ms (iteration 20)", measuredMs: 6000 });
  });

  it("fails when the percentile falls on a run that never recovered, and names it", () => {
    const values: Array<number | null> = twenty.slice(0, 10);
    values[3] = null;
    const [p95] = evaluatePercentileBudgets({ failover: [{ name: "p95", percentile: 95, limit: 5000 }] }, samples(values));
    expect(p95).toMatchObject({ pass: false, measured: "not measured (iteration 4)", measuredMs: null });
    expect(p95!.detail).toContain("iteration 4 not measured");
  });

  it("judges counts as counts", () => {
    const [p50] = evaluatePercentileBudgets({ failedProbes: [{ name: "p50", percentile: 50, limit: 600 }] }, samples([], [500, 700, 650]));
    expect(p50).toMatchObject({ name: "failed-probes.p50", measured: "650 (iteration 3)", limit: "600", pass: false, measuredCount: 650, limitCount: 600 });
  });
});

describe("everyIterationBudgets", () => {
  const result = (name: string, measuredMs: number, pass: boolean): BudgetResult => ({
    name,
    limit: "5.000 s",
    measured: `${measuredMs} ms`,
    precision: null,
    pass,
    measuredMs,
    limitMs: 5000,
    precisionMs: null,
    measuredCount: null,
    limitCount: null,
  });

  it("holds a per-run budget only when it held in every iteration, keeping its name", () => {
    const [failover] = everyIterationBudgets([
      { iteration: 1, budgets: [result("failover", 3000, true)] },
      { iteration: 2, budgets: [result("failover", 5200, false)] },
      { iteration: 3, budgets: [result("failover", 3600, true)] },
    ]);
    expect(failover).toMatchObject({ name: "failover", pass: false, measured: "held in 2 of 3 iterations; breached in 2", detail: "iteration 2: 5200 ms", measuredMs: 5200 });
  });

  it("names the worst iteration when every one held", () => {
    const [failover] = everyIterationBudgets([1, 2, 3].map((iteration) => ({ iteration, budgets: [result("failover", [3000, 4100, 3600][iteration - 1]!, true)] })));
    expect(failover).toMatchObject({ pass: true, measured: "held in 3 of 3 iterations; worst 4100 ms (iteration 2)" });
  });
});
