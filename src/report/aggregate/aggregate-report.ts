/**
 * A repeated run's report.json: the first iteration's report (its timeline, faults and analysis stay
 * where every reader finds them) with the whole run's verdict and budgets, and a `repeat` section
 * holding every iteration and each figure's distribution (README "Repeats, compare and trends").
 */
import { distributionOf, type FigureSample } from "../../analysis/distribution.js";
import { everyIterationBudgets } from "../../analysis/every-iteration-budgets.js";
import { mergeLatency } from "../../analysis/merged-latency.js";
import { evaluatePercentileBudgets } from "../../analysis/percentile-budgets.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES, runFigureValues, type RunFigureKey } from "../../analysis/run-figures.js";
import type { RunAnalysis } from "../../analysis/types.js";
import { verdictOf } from "../../analysis/verdict.js";
import { DISTRIBUTION_BUDGETS, type Budgets, type DistributionBudget } from "../../model/scenario.js";
import type { Report } from "../report-types.js";
import { figureSourceOfReport } from "./report-figures.js";
import type { RepeatIteration, RepeatSummary } from "./repeat-summary.js";

/** One iteration as the repeat loop ran it. */
export interface IterationRun {
  /** 1-based. */
  iteration: number;
  report: Report;
  /** Its folder relative to the aggregate's. */
  dir: string;
  /** The wait before it (none before the first). */
  failbackWaitMs: number | null;
}

export interface AggregateInput {
  /** At least one, in order. */
  runs: readonly IterationRun[];
  /** The scenario's budgets as written (with their percentile forms). */
  budgets: Budgets;
  requested: number;
  wallMs: number;
  /** What stopped the run before `requested` iterations, when something did outside an iteration (the VIP did not come back). */
  stopped?: { code: string; message: string };
}

/** An iteration as the run's report lists it: its figures and per-run budgets. */
export function repeatIteration(run: IterationRun): RepeatIteration {
  return {
    iteration: run.iteration,
    dir: run.dir,
    startedAt: run.report.startedAt,
    verdict: run.report.verdict,
    error: run.report.error,
    failbackWaitMs: run.failbackWaitMs,
    figures: runFigureValues(figureSourceOfReport(run.report)),
    budgets: run.report.budgets,
  };
}

export function aggregateReport(input: AggregateInput): Report {
  const { runs } = input;
  const first = runs[0]?.report;
  if (first === undefined) throw new Error("aggregateReport: no iteration");
  const iterations = runs.map(repeatIteration);
  const samples = (key: RunFigureKey): FigureSample[] => iterations.map((it) => ({ iteration: it.iteration, ...it.figures[key] }));
  const budgets = [
    ...everyIterationBudgets(iterations),
    ...evaluatePercentileBudgets(
      input.budgets.percentiles,
      Object.fromEntries(DISTRIBUTION_BUDGETS.map((figure) => [figure, samples(figure)])) as Record<DistributionBudget, FigureSample[]>,
    ),
  ];
  const waits = runs.flatMap((r) => (r.failbackWaitMs === null ? [] : [r.failbackWaitMs]));
  const repeat: RepeatSummary = {
    requested: input.requested,
    completed: runs.length,
    iterations,
    figures: Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, distributionOf(samples(key), RUN_FIGURES[key].unmeasured)])) as RepeatSummary["figures"],
    latency: mergeLatency(runs.map((r) => (r.report.analysis as RunAnalysis).latency)),
    failbackWaitMs: { total: waits.reduce((a, b) => a + b, 0), max: waits.length === 0 ? 0 : Math.max(...waits) },
    wallMs: input.wallMs,
  };
  const stoppedBy = input.stopped ?? runs.find((r) => r.report.error !== null)?.report.error ?? null;
  const aborted = runs.find((r) => r.report.aborted !== null)?.report.aborted ?? null;
  // A run cut short decided nothing, whatever its iterations so far say.
  const complete = stoppedBy === null && aborted === null && runs.length === input.requested;
  return { ...first, verdict: complete ? verdictOf(budgets) : "fail", budgets, error: stoppedBy, aborted, repeat };
}
