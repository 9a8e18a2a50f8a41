/**
 * One figure of two sets of runs side by side (README "Repeats, compare and trends"): the
 * difference, and whether it is beyond noise. Single runs: beyond the sum of their ± (the
 * measurement's precision, not run-to-run variation). Several runs on a side: a two-sided
 * Mann–Whitney U test at ALPHA; with too few runs to reach ALPHA at all, it says so.
 */
import { rankedSamples, sampleAtPercentile, type FigureSample } from "./distribution.js";
import { mannWhitney } from "./rank-test.js";
import { RUN_FIGURES, type RunFigureKey } from "./run-figures.js";

/** The significance level of the rank test. */
export const ALPHA = 0.05;

export const NOISE_VERDICTS = ["beyond-noise", "within-noise", "too-few-runs", "not-measured"] as const;
export type NoiseVerdict = (typeof NOISE_VERDICTS)[number];

export interface SideFigure {
  /** Runs with the figure (an "absent" figure leaves out runs without it). */
  n: number;
  /** The single run's value, or the median run's (nearest rank); null when that run did not measure it. */
  center: FigureSample | null;
  min: FigureSample | null;
  max: FigureSample | null;
  samples: FigureSample[];
}

export interface FigureComparison {
  figure: RunFigureKey;
  base: SideFigure;
  new: SideFigure;
  /** new − base: of the values (single runs) or the Hodges–Lehmann shift (repeats); Infinity when only the new side never ended. */
  difference: number | null;
  /** difference / |base|; null when base is 0 or unknown. */
  relative: number | null;
  method: "precision" | "mann-whitney";
  /** Of the rank test; null for single runs. */
  pValue: number | null;
  verdict: NoiseVerdict;
  /** Why, in words: "beyond the sum of the ± (10.3 ms)", "p = 0.003 (exact)". */
  reason: string;
}

export function sideFigure(figure: RunFigureKey, samples: readonly FigureSample[]): SideFigure {
  const ranked = rankedSamples(samples, RUN_FIGURES[figure].unmeasured);
  return { n: ranked.length, center: sampleAtPercentile(ranked, 50), min: sampleAtPercentile(ranked, 0), max: sampleAtPercentile(ranked, 100), samples: ranked };
}

export function compareFigure(figure: RunFigureKey, baseSamples: readonly FigureSample[], newSamples: readonly FigureSample[]): FigureComparison {
  const base = sideFigure(figure, baseSamples);
  const next = sideFigure(figure, newSamples);
  const result = { figure, base, new: next };
  if (base.n === 0 || next.n === 0) {
    return { ...result, difference: null, relative: null, method: "precision", pValue: null, verdict: "not-measured", reason: `not measured on the ${base.n === 0 ? "base" : "new"} side` };
  }
  if (base.n === 1 && next.n === 1) return { ...result, ...singleRuns(base.center!, next.center!) };
  const value = (s: FigureSample): number => s.value ?? Infinity;
  const test = mannWhitney(base.samples.map(value), next.samples.map(value));
  const [from, to] = [base.center!.value, next.center!.value];
  // No finite pair for the shift: the medians, where a run that never ended is Infinity.
  const difference = test.shift ?? (from === null ? (to === null ? null : -Infinity) : to === null ? Infinity : to - from);
  const p = `p = ${formatP(test.pValue)} (${test.method})`;
  const verdict: NoiseVerdict = test.minPValue > ALPHA ? "too-few-runs" : test.pValue < ALPHA ? "beyond-noise" : "within-noise";
  const reason =
    verdict === "too-few-runs"
      ? `${base.n} vs ${next.n} runs cannot show a difference at ${ALPHA} (the smallest p they allow is ${formatP(test.minPValue)})`
      : `Mann–Whitney U ${p}${verdict === "beyond-noise" ? ` < ${ALPHA}` : ` ≥ ${ALPHA}`}`;
  return { ...result, difference, relative: relativeTo(from, difference), method: "mann-whitney", pValue: test.pValue, verdict, reason };
}

function singleRuns(a: FigureSample, b: FigureSample): Omit<FigureComparison, "figure" | "base" | "new"> {
  const common = { method: "precision" as const, pValue: null };
  if (a.value === null || b.value === null) {
    if (a.value === b.value) return { ...common, difference: null, relative: null, verdict: "not-measured", reason: "neither run measured it (neither recovered)" };
    const difference = b.value === null ? Infinity : -Infinity;
    return { ...common, difference, relative: null, verdict: "beyond-noise", reason: `only the ${b.value === null ? "new" : "base"} run never recovered` };
  }
  const difference = b.value - a.value;
  const noise = (a.precision ?? 0) + (b.precision ?? 0);
  const verdict: NoiseVerdict = Math.abs(difference) > noise ? "beyond-noise" : "within-noise";
  return { ...common, difference, relative: relativeTo(a.value, difference), verdict, reason: `${verdict === "beyond-noise" ? "beyond" : "within"} the sum of the ± (${noise.toFixed(1)})` };
}

const relativeTo = (base: number | null, difference: number | null): number | null =>
  base === null || base === 0 || difference === null || !Number.isFinite(difference) ? null : difference / Math.abs(base);

const formatP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
