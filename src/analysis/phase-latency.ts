import { build, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { ProbeTable } from "../model/probe-table.js";
import type { LatencyPhase } from "../model/scenario.js";
import type { PhaseLatency } from "./types.js";

const HIGHEST_TRACKABLE_US = 3_600_000_000;

/** How every phase histogram is built (µs, 3 significant digits), so that runs' histograms add up. */
export const HDR_SETTINGS = {
  bitBucketSize: 64,
  numberOfSignificantValueDigits: 3,
  lowestDiscernibleValue: 1,
  highestTrackableValue: HIGHEST_TRACKABLE_US,
  useWebAssembly: false,
} as const;

/**
 * Latency of one phase: probes due in [fromMs, toMs) are counted; the successful ones' latency
 * (from the due time, so a stalled scheduler shows) goes into an HDR histogram in µs. A null
 * bound means the phase did not happen: nothing is counted.
 */
export function phaseLatency(
  phase: LatencyPhase,
  probes: ProbeTable,
  fromMs: number | null,
  toMs: number | null,
): PhaseLatency {
  const histogram = build(HDR_SETTINGS);
  let count = 0;
  let ok = 0;
  if (fromMs !== null && toMs !== null) {
    const { dueMs, latencyMs } = probes;
    for (let i = 0; i < probes.length; i++) {
      if (dueMs[i]! < fromMs || dueMs[i]! >= toMs) continue;
      count++;
      if (probes.failed(i)) continue;
      ok++;
      histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, Math.round(latencyMs[i]! * 1000))));
    }
  }
  return {
    phase,
    fromMs,
    toMs,
    count,
    ok,
    failed: count - ok,
    ...hdrPercentilesMs(histogram, ok),
    max: ok === 0 ? null : histogram.maxValue / 1000,
    histogram: encodeIntoCompressedBase64(histogram),
  };
}

/** p50, p90, p99 and p99.9 of a µs histogram in ms; null without a recorded value. */
export function hdrPercentilesMs(histogram: Histogram, ok: number): Pick<PhaseLatency, "p50" | "p90" | "p99" | "p99.9"> {
  // HDR percentiles are the highest value equivalent to their bucket (3 significant digits), which can
  // lie above the largest value recorded in it: never report a percentile above the max.
  const at = (percentile: number): number | null => (ok === 0 ? null : Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue) / 1000);
  return { p50: at(50), p90: at(90), p99: at(99), "p99.9": at(99.9) };
}
