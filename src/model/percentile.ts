/**
 * Percentiles as users name them in budgets and gates, k6 style: `p50`, `p95`, `p99.9`, or `max`
 * (= p100). The percentile is the nearest rank: of n values sorted, the ⌈p/100 · n⌉-th — always a
 * value that was measured, so it keeps that run's ±.
 */

/** What a percentile name looks like, for messages. */
export const PERCENTILE_NAME_HELP = "a percentile such as p50, p90, p95, p99.9 or max (p above 0, at most 100)";

const NAME = /^p(\d{1,3}(?:\.\d+)?)$/;

/** "p95" → 95, "p99.9" → 99.9, "max" → 100; anything else (p0, p101, q95, P95) → undefined. */
export function parsePercentileName(name: string): number | undefined {
  if (name === "max") return 100;
  const match = NAME.exec(name);
  if (!match) return undefined;
  const percentile = Number(match[1]);
  return percentile > 0 && percentile <= 100 ? percentile : undefined;
}

/** The ⌈p/100 · n⌉-th smallest of n values (1-based), as an index into them sorted; n ≥ 1. */
export function nearestRankIndex(percentile: number, n: number): number {
  // The epsilon keeps 95 % of 20 at rank 19, not 20 through float noise (0.95 · 20 = 19.000000000000004).
  return Math.min(n, Math.max(1, Math.ceil((percentile / 100) * n - 1e-9))) - 1;
}
