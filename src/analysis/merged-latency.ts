/**
 * Latency per phase over every iteration of a repeated run: each iteration's HDR histogram (report.json
 * `analysis.latency[phase].histogram`) decoded and added, so the percentiles are those of every
 * successful probe of the run, not an average of percentiles.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { LATENCY_PHASES, type LatencyPhase } from "../model/scenario.js";
import { HDR_SETTINGS, hdrPercentilesMs } from "./phase-latency.js";
import type { PhaseLatency } from "./types.js";

/** A phase's latency over many runs: PhaseLatency without the one run's bounds. */
export type MergedPhaseLatency = Omit<PhaseLatency, "fromMs" | "toMs"> & {
  /** Iterations in which the phase happened. */
  iterations: number;
};

export function mergeLatency(runs: ReadonlyArray<Readonly<Record<LatencyPhase, PhaseLatency>>>): Record<LatencyPhase, MergedPhaseLatency> {
  return Object.fromEntries(LATENCY_PHASES.map((phase) => [phase, mergePhase(phase, runs.map((r) => r[phase]))])) as Record<LatencyPhase, MergedPhaseLatency>;
}

function mergePhase(phase: LatencyPhase, phases: readonly PhaseLatency[]): MergedPhaseLatency {
  const total = build(HDR_SETTINGS);
  let count = 0;
  let ok = 0;
  for (const p of phases) {
    count += p.count;
    ok += p.ok;
    const histogram = decodeFromCompressedBase64(p.histogram, HDR_SETTINGS.bitBucketSize, false);
    total.add(histogram);
    histogram.destroy();
  }
  const merged: MergedPhaseLatency = {
    phase,
    iterations: phases.filter((p) => p.count > 0).length,
    count,
    ok,
    failed: count - ok,
    ...hdrPercentilesMs(total, ok),
    // The runs' recorded maxima are exact; the merged histogram knows only the bucket's top.
    max: ok === 0 ? null : Math.max(...phases.flatMap((p) => (p.max === null ? [] : [p.max]))),
    histogram: encodeIntoCompressedBase64(total),
  };
  total.destroy();
  return merged;
}
