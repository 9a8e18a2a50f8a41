import type { ProbeErrorKind, ProbeEvent } from "../model/timeline.js";
import type { ProbeStats } from "./types.js";

/** Counts and scheduler lag of one stream's sent probes; `skipped` comes from probe-skipped events. */
export function probeStats(probes: readonly ProbeEvent[], skipped: number): ProbeStats {
  const failedByKind: Partial<Record<ProbeErrorKind, number>> = {};
  let ok = 0;
  for (const probe of probes) {
    if (probe.outcome === "ok") ok++;
    else failedByKind[probe.outcome] = (failedByKind[probe.outcome] ?? 0) + 1;
  }
  const lags = probes.map((p) => p.sentMs - p.dueMs).sort((a, b) => a - b);
  return {
    sent: probes.length,
    ok,
    failed: probes.length - ok,
    failedByKind,
    skipped,
    schedulerLagMs: { p50: nearestRank(lags, 50), p99: nearestRank(lags, 99), max: lags.at(-1) ?? 0 },
  };
}

/** Nearest-rank percentile of sorted values: an observed value, never an interpolation; 0 when empty. */
export function nearestRank(sorted: readonly number[], percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
