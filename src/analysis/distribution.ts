/**
 * A figure's distribution over the iterations of a repeated run: n, min, p50, p90, p95, max by
 * nearest rank (README "Repeats, compare and trends"), each an iteration's own value with its own ±.
 */
import { nearestRankIndex } from "../model/percentile.js";
import type { FigureValue, RunFigure } from "./run-figures.js";

/** One run's value of a figure: which iteration (1-based), its value and ±. */
export interface FigureSample extends FigureValue {
  iteration: number;
}

/** A percentile of the distribution: the iteration whose value it is; value null when that run did not measure it (it never ended). */
export type DistributionPoint = FigureSample;

export const DISTRIBUTION_PERCENTILES = { min: 0, p50: 50, p90: 90, p95: 95, max: 100 } as const;
export type DistributionStat = keyof typeof DISTRIBUTION_PERCENTILES;

export interface Distribution {
  /** Iterations in the distribution: all of them, less those with nothing to measure (an "absent" figure). */
  n: number;
  /** Iterations without a value: ranked above every value ("worst"), or left out ("absent"). */
  unmeasured: number[];
  /** Null when n is 0. */
  stats: Record<DistributionStat, DistributionPoint | null>;
  /** Every iteration's value with its ±, in iteration order (the unmeasured too). */
  samples: FigureSample[];
}

/** Sorted as the percentiles rank them: by value, a run that never ended after every value. */
export function rankedSamples(samples: readonly FigureSample[], unmeasured: RunFigure["unmeasured"]): FigureSample[] {
  const kept = unmeasured === "absent" ? samples.filter((s) => s.value !== null) : [...samples];
  return kept.sort((a, b) => (a.value ?? Infinity) - (b.value ?? Infinity) || a.iteration - b.iteration);
}

/** The sample at a percentile of ranked samples (nearest rank; min is the first). */
export function sampleAtPercentile(ranked: readonly FigureSample[], percentile: number): FigureSample | null {
  if (ranked.length === 0) return null;
  return percentile === 0 ? ranked[0]! : ranked[nearestRankIndex(percentile, ranked.length)]!;
}

export function distributionOf(samples: readonly FigureSample[], unmeasured: RunFigure["unmeasured"]): Distribution {
  const ranked = rankedSamples(samples, unmeasured);
  const stats = Object.fromEntries(
    Object.entries(DISTRIBUTION_PERCENTILES).map(([stat, percentile]) => [stat, sampleAtPercentile(ranked, percentile)]),
  ) as Record<DistributionStat, DistributionPoint | null>;
  return {
    n: ranked.length,
    unmeasured: samples.filter((s) => s.value === null).map((s) => s.iteration),
    stats,
    samples: [...samples].sort((a, b) => a.iteration - b.iteration),
  };
}
