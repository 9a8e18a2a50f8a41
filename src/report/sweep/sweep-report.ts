/**
 * sweep.json: one drill (or --repeat N of them) per combination of the swept settings, each with
 * its figures, their ±, and the window the settings predict (README "Sweeps").
 */
import { RUN_FIGURES, type FigureValue, type RunFigureKey } from "../../analysis/run-figures.js";
import { figureSourceOfReport } from "../aggregate/report-figures.js";
import type { Report } from "../report-types.js";

/** The figures a sweep tabulates and plots. */
export const SWEEP_FIGURES = ["failover", "vipMove", "outage", "failback", "failedProbes"] as const satisfies readonly RunFigureKey[];
export type SweepFigure = (typeof SWEEP_FIGURES)[number];

export interface SweepFigureValue extends FigureValue {
  /** With --repeat: the lowest and highest iteration's value (value is the median run's). */
  min?: number | null;
  max?: number | null;
  n?: number;
}

export interface SweepEntry {
  /** Each swept setting's value: as typed, and as a number (seconds, ms for durations, a count). */
  settings: Array<{ key: string; text: string; value: number }>;
  /** The drill's report folder, relative to sweep.json. */
  dir: string;
  verdict: "pass" | "fail";
  exitCode: number;
  /** What the settings implied (VRRPv3 for a fractional advert_int, authentication ignored). */
  implied: string[];
  /** The failover window the settings allow, counted from when the fault took effect; null where none was derived. */
  predicted: { fromMs: number; toMs: number; terms: string[]; source: string } | null;
  /**
   * How long the inject command ran (T_f − its start; with repeats, the first iteration's): the fault
   * took effect somewhere in it, so counted from T_f, as the failover is, the window starts this much earlier.
   */
  injectCommandMs: number | null;
  /** The failover with its ± lies wholly outside `predicted` (with repeats: any iteration's); null without one. */
  outsidePrediction: boolean | null;
  figures: Record<SweepFigure, SweepFigureValue>;
}

export interface SweepReport {
  vipdrill: string;
  scenario: { name: string; file: string };
  startedAt: string;
  /** Where it ran: the lab's name. */
  lab: string;
  /** The swept settings, in --set order. */
  keys: string[];
  /** Iterations per combination (--repeat). */
  repeat: number;
  entries: SweepEntry[];
  /** Combinations not drilled because the sweep stopped (an error, Ctrl-C): their settings. */
  notDrilled: string[];
  wallMs: number;
}

/**
 * One combination's entry from its drill's report (a repeated run's: its distribution, with each
 * iteration's own verdict on the prediction, `iterationsOutside`).
 */
export function sweepEntryOf(report: Report, settings: SweepEntry["settings"], dir: string, exitCode: number, implied: string[], iterationsOutside: ReadonlyArray<boolean | null> = []): SweepEntry {
  const fault = report.faults[0];
  const figures = Object.fromEntries(
    SWEEP_FIGURES.map((key) => {
      const distribution = report.repeat?.figures[key];
      if (distribution) {
        const { p50, min, max } = distribution.stats;
        return [key, { value: p50?.value ?? null, precision: p50?.precision ?? null, min: min?.value ?? null, max: max?.value ?? null, n: distribution.n }];
      }
      return [key, RUN_FIGURES[key].read(figureSourceOfReport(report))];
    }),
  ) as Record<SweepFigure, SweepFigureValue>;
  // The analysis' own verdict (it counts the inject command's duration in), per iteration where repeated.
  const outside = report.repeat ? (iterationsOutside.some((o) => o === true) ? true : iterationsOutside.every((o) => o === null) ? null : false) : (fault?.outsidePrediction ?? null);
  const injectCommandMs = fault?.injectedAtMs != null && fault.injectStartMs != null ? fault.injectedAtMs - fault.injectStartMs : null;
  return { settings, dir, verdict: report.verdict, exitCode, implied, predicted: fault?.predicted ?? null, injectCommandMs, outsidePrediction: fault?.predicted ? outside : null, figures };
}
