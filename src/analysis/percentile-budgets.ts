/**
 * Budgets on percentiles of a figure's distribution over repeats (`failover: { p95: 5s }`), k6
 * style. The percentile is the nearest rank, so it is one iteration's value and carries that run's
 * ±; a run that never recovered ranks above every measured one, so p95 of 20 tolerates one.
 */
import { DISTRIBUTION_BUDGETS, type Budgets, type DistributionBudget, type PercentileLimit } from "../model/scenario.js";
import { rankedSamples, sampleAtPercentile, type FigureSample } from "./distribution.js";
import { formatDurationMs, formatWithPrecision } from "./format.js";
import { RUN_FIGURES, type FigureSource } from "./run-figures.js";
import type { BudgetResult } from "./types.js";

/** Budget names as the scalar budgets spell them (failed-probes), with the percentile after a dot. */
const BUDGET_NAMES: Record<DistributionBudget, string> = { failover: "failover", outage: "outage", failback: "failback", failedProbes: "failed-probes" };

/** The name of a percentile budget's result: "failover.p95". */
export const percentileBudgetName = (figure: DistributionBudget, limit: PercentileLimit): string => `${BUDGET_NAMES[figure]}.${limit.name}`;

/** "p50 ≤ 3.000 s, p95 ≤ 5.000 s" (for plans and summaries). */
export function describePercentileLimits(limits: readonly PercentileLimit[], format: (value: number) => string): string {
  return limits.map((l) => `${l.name} ≤ ${format(l.limit)}`).join(", ");
}

/** Each percentile limit checked on the samples of its figure (one sample per iteration). */
export function evaluatePercentileBudgets(percentiles: Budgets["percentiles"], samples: Readonly<Record<DistributionBudget, readonly FigureSample[]>>): BudgetResult[] {
  const results: BudgetResult[] = [];
  for (const [figure, limits] of Object.entries(percentiles ?? {}) as Array<[DistributionBudget, PercentileLimit[]]>) {
    const spec = RUN_FIGURES[figure];
    const ranked = rankedSamples(samples[figure], spec.unmeasured);
    for (const limit of limits) results.push(percentileBudget(figure, limit, ranked, samples[figure].length));
  }
  return results;
}

function percentileBudget(figure: DistributionBudget, limit: PercentileLimit, ranked: readonly FigureSample[], iterations: number): BudgetResult {
  const isMs = RUN_FIGURES[figure].unit === "ms";
  const name = percentileBudgetName(figure, limit);
  const base = { name, limit: isMs ? formatDurationMs(limit.limit) : String(limit.limit), limitMs: isMs ? limit.limit : null, limitCount: isMs ? null : limit.limit };
  const none = { measuredMs: null, precisionMs: null, measuredCount: null, precision: null };
  const at = sampleAtPercentile(ranked, limit.percentile);
  const never = ranked.filter((s) => s.value === null).map((s) => s.iteration);
  const unmeasured = never.length === 0 ? "" : `; iteration${never.length === 1 ? "" : "s"} ${never.join(", ")} not measured (ranked worst)`;
  const of = `of ${iterations} iteration${iterations === 1 ? "" : "s"}`;
  if (at === null) return { ...base, ...none, measured: "no iteration", pass: false, detail: `${limit.name} ${of}` };
  if (at.value === null) {
    return { ...base, ...none, measured: `not measured (iteration ${at.iteration})`, pass: false, detail: `${limit.name} ${of} falls on a run that did not recover${unmeasured}` };
  }
  const measured = isMs ? formatWithPrecision(at.value, at.precision) : String(at.value);
  return {
    ...base,
    measured: `${measured} (iteration ${at.iteration})`,
    precision: isMs && at.precision !== null ? formatDurationMs(at.precision) : null,
    pass: at.value <= limit.limit,
    detail: `${limit.name} ${of}, nearest rank${unmeasured}`,
    measuredMs: isMs ? at.value : null,
    precisionMs: isMs ? at.precision : null,
    measuredCount: isMs ? null : at.value,
  };
}

/** The samples of one run alone: a single drill judges its percentile budgets on itself. */
export function oneRunSamples(source: FigureSource): Record<DistributionBudget, FigureSample[]> {
  return Object.fromEntries(DISTRIBUTION_BUDGETS.map((figure) => [figure, [{ iteration: 1, ...RUN_FIGURES[figure].read(source) }]])) as Record<
    DistributionBudget,
    FigureSample[]
  >;
}
