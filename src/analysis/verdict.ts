import type { BudgetResult } from "./types.js";

/** The run passes when every checked budget held (no budget checked: nothing breached). */
export function verdictOf(results: readonly BudgetResult[]): "pass" | "fail" {
  return results.every((r) => r.pass) ? "pass" : "fail";
}
