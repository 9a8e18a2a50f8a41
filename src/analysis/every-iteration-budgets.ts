/**
 * A per-run budget on a repeated run (`failover: 5s`) applies to every iteration: it holds when it
 * held in each. The result keeps the budget's name, so a CI test keeps its identity across runs.
 */
import type { BudgetResult } from "./types.js";

export interface IterationBudgets {
  /** 1-based. */
  iteration: number;
  budgets: readonly BudgetResult[];
}

/** One result per budget name (in first-seen order): held when it held in every iteration that checked it. */
export function everyIterationBudgets(iterations: readonly IterationBudgets[]): BudgetResult[] {
  const byName = new Map<string, Array<{ iteration: number; result: BudgetResult }>>();
  for (const { iteration, budgets } of iterations) {
    for (const result of budgets) byName.set(result.name, [...(byName.get(result.name) ?? []), { iteration, result }]);
  }
  return [...byName.values()].map(combine);
}

function combine(runs: Array<{ iteration: number; result: BudgetResult }>): BudgetResult {
  const failed = runs.filter((r) => !r.result.pass);
  // The worst run shows the margin: the largest figure, a failed run before any that held.
  const worst = [...runs].sort((a, b) => Number(a.result.pass) - Number(b.result.pass) || worstValue(b.result) - worstValue(a.result))[0]!;
  const first = runs[0]!.result;
  const held = `held in ${runs.length - failed.length} of ${runs.length} iterations`;
  const measured = failed.length === 0 ? `${held}; worst ${worst.result.measured} (iteration ${worst.iteration})` : `${held}; breached in ${failed.map((r) => r.iteration).join(", ")}`;
  const result: BudgetResult = {
    name: first.name,
    limit: first.limit,
    measured,
    precision: worst.result.precision,
    pass: failed.length === 0,
    measuredMs: worst.result.measuredMs,
    limitMs: first.limitMs,
    precisionMs: worst.result.precisionMs,
    measuredCount: worst.result.measuredCount,
    limitCount: first.limitCount,
  };
  if (failed.length > 0) result.detail = failed.map((r) => `iteration ${r.iteration}: ${r.result.measured}`).join("; ");
  return result;
}

const worstValue = (r: BudgetResult): number => r.measuredMs ?? r.measuredCount ?? -Infinity;
