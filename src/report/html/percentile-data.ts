/**
 * Latency by percentile per phase, decoded from report.json's HDR histograms, for a wrk2-style plot:
 * x is 1/(1−p) on a log axis, so 90 %, 99 %, 99.9 %, 99.99 %, 99.999 % are evenly spaced and the tail
 * gets the room it deserves.
 */
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import type { PhaseLatency } from "../../analysis/types.js";

/** HdrHistogram's own percentile ladder: 5 steps per halving of the distance to 100 %. */
const TICKS_PER_HALF_DISTANCE = 5;
export const TOP_PERCENTILE = 99.999;

export interface PercentileData {
  /** Percentiles on the ladder, 0 → 99.999. */
  percentiles: number[];
  /** The same points as 1/(1−p): the plot's x, 1 → 100,000. */
  inverseTail: number[];
  /** One curve per phase with successful probes; a curve ends at the first point that reads the phase's max. */
  phases: Array<{ phase: string; ok: number; maxMs: number; valuesMs: Array<number | null> }>;
}

export function percentileData(latency: Readonly<Record<string, PhaseLatency>>): PercentileData {
  const inverseTail: number[] = [];
  for (let k = 0; 2 ** (k / TICKS_PER_HALF_DISTANCE) < 100 / (100 - TOP_PERCENTILE); k++) inverseTail.push(2 ** (k / TICKS_PER_HALF_DISTANCE));
  inverseTail.push(100 / (100 - TOP_PERCENTILE));
  const percentiles = inverseTail.map((x) => 100 * (1 - 1 / x));
  const phases = Object.values(latency)
    .filter((l) => l.ok > 0)
    .map((l) => {
      const histogram = decodeFromCompressedBase64(l.histogram, 64, false);
      const topMs = histogram.maxValue / 1000;
      let reachedMax = false;
      // Past the max every percentile reads the max: a flat line there would claim a resolution
      // that a phase of n probes does not have (p > 1 − 1/n).
      const valuesMs = percentiles.map((p) => {
        if (reachedMax) return null;
        const ms = histogram.getValueAtPercentile(p) / 1000;
        reachedMax = ms >= topMs;
        return ms;
      });
      histogram.destroy();
      // The analysis' max is the recorded one; the decoded histogram knows only its bucket's top.
      return { phase: l.phase, ok: l.ok, maxMs: l.max ?? topMs, valuesMs };
    });
  return { percentiles, inverseTail, phases };
}
