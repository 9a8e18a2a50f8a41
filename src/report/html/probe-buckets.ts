/**
 * A run's probes in time buckets, for the HTML timeline. A 10 min drill at 200 probes/s is 120,000
 * probe events, far too many to embed, so probes are counted per bucket by outcome and successes'
 * latency is reduced to a median and a max. Downsampling never hides a failure: each failure kind
 * is its own row of counts, so a bucket holding one failed probe among a hundred successes still
 * reads 1 in that kind's row (and the page draws any non-zero count at least 2 px wide).
 */
import type { ProbeTable } from "../../model/probe-table.js";
import { PROBE_ERROR_KINDS, type ProbeOutcome } from "../../model/timeline.js";

/**
 * At most this many buckets, whatever the run's length: a bucket costs ~30 bytes of page data (~45
 * with every failure kind present), so the page stays well under its 1 MB goal, while a bucket of
 * a 10 min drill is 100 ms, fine enough to zoom into.
 */
export const MAX_BUCKETS = 10_000;

/** Buckets hold multiples of Δ (1, 2, 5, 10, 20, 50 … probes) so that each holds as many due slots. */
const STEPS = [1, 2, 5] as const;

export type BucketOutcome = ProbeOutcome | "skipped";

export interface ProbeBuckets {
  /** Bucket i covers due times [i·bucketMs, (i+1)·bucketMs), up to the run's end. */
  bucketMs: number;
  count: number;
  /** Probes of the stream due in each bucket by outcome: "ok", each failure kind seen, "skipped" (never sent) if any. */
  outcomes: Array<{ outcome: BucketOutcome; counts: number[] }>;
  /** Latency from the due time of the bucket's successful probes (ms, 0.01 ms); null without a success. */
  latencyP50Ms: Array<number | null>;
  latencyMaxMs: Array<number | null>;
}

/** The smallest bucket — a multiple of Δ on a 1-2-5 ladder — that keeps [0, endMs) within maxBuckets. */
export function bucketSizeMs(endMs: number, intervalMs: number, maxBuckets = MAX_BUCKETS): number {
  if (!(intervalMs > 0)) throw new Error(`bucketSizeMs: the probe interval must be positive, got ${intervalMs}`);
  for (let decade = 1; ; decade *= 10) {
    for (const step of STEPS) {
      const sizeMs = intervalMs * step * decade;
      if (Math.ceil(endMs / sizeMs) <= maxBuckets) return sizeMs;
    }
  }
}

/** The stream's probes due in [0, endMs) — the ones the figures count — in buckets. */
export function bucketProbes(probes: ProbeTable, options: { endMs: number; intervalMs: number; maxBuckets?: number }): ProbeBuckets {
  const { endMs } = options;
  const bucketMs = bucketSizeMs(endMs, options.intervalMs, options.maxBuckets);
  const count = Math.max(1, Math.ceil(endMs / bucketMs));
  const counts = new Map<BucketOutcome, number[]>();
  const countsOf = (outcome: BucketOutcome): number[] => {
    let row = counts.get(outcome);
    if (row === undefined) counts.set(outcome, (row = new Array<number>(count).fill(0)));
    return row;
  };
  countsOf("ok");
  const latencies: number[][] = Array.from({ length: count }, () => []);
  for (const dueMs of probes.skippedDueMs) if (dueMs >= 0 && dueMs < endMs) countsOf("skipped")[Math.floor(dueMs / bucketMs)]!++;
  for (let p = 0; p < probes.length; p++) {
    const dueMs = probes.dueMs[p]!;
    if (dueMs < 0 || dueMs >= endMs) continue;
    const i = Math.floor(dueMs / bucketMs);
    countsOf(probes.outcome(p))[i]!++;
    if (!probes.failed(p)) latencies[i]!.push(probes.latencyMs[p]!);
  }
  const order: readonly BucketOutcome[] = ["ok", ...PROBE_ERROR_KINDS, "skipped"];
  const outcomes = order.flatMap((outcome) => {
    const row = counts.get(outcome);
    return row === undefined ? [] : [{ outcome, counts: row }];
  });
  const latencyP50Ms: Array<number | null> = [];
  const latencyMaxMs: Array<number | null> = [];
  for (const values of latencies) {
    // Nearest-rank median, as the analysis' percentiles.
    values.sort((a, b) => a - b);
    latencyP50Ms.push(values.length === 0 ? null : hundredths(values[Math.ceil(values.length / 2) - 1]!));
    latencyMaxMs.push(values.length === 0 ? null : hundredths(values.at(-1)!));
  }
  return { bucketMs, count, outcomes, latencyP50Ms, latencyMaxMs };
}

const hundredths = (ms: number): number => Math.round(ms * 100) / 100;
