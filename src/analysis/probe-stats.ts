import type { ProbeTable } from "../model/probe-table.js";
import type { ProbeErrorKind } from "../model/timeline.js";
import type { ProbeStats } from "./types.js";

/** Counts and scheduler lag of one stream's sent probes; `skipped` comes from probe-skipped events. */
export function probeStats(probes: ProbeTable, skipped: number): ProbeStats {
  const failedByKind: Partial<Record<ProbeErrorKind, number>> = {};
  let ok = 0;
  for (let i = 0; i < probes.length; i++) {
    if (!probes.failed(i)) ok++;
    else {
      const kind = probes.outcome(i) as ProbeErrorKind;
      failedByKind[kind] = (failedByKind[kind] ?? 0) + 1;
    }
  }
  // A typed array sorts numerically, natively: an hour at 200/s is 720,000 lags.
  const lags = probes.lagMs.slice(0, probes.length);
  lags.sort();
  return {
    sent: probes.length,
    ok,
    failed: probes.length - ok,
    failedByKind,
    skipped,
    schedulerLagMs: { p50: nearestRank(lags, 50), p99: nearestRank(lags, 99), max: lags.length === 0 ? 0 : lags[lags.length - 1]! },
  };
}

/** Nearest-rank percentile of sorted values: an observed value, never an interpolation; 0 when empty. */
export function nearestRank(sorted: ArrayLike<number>, percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
