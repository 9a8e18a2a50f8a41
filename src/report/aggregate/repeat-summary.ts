/** The `repeat` section of a repeated run's report.json: every iteration, and each figure's distribution over them. */
import type { Distribution } from "../../analysis/distribution.js";
import type { MergedPhaseLatency } from "../../analysis/merged-latency.js";
import type { FigureValue, RunFigureKey } from "../../analysis/run-figures.js";
import type { BudgetResult } from "../../analysis/types.js";
import type { LatencyPhase } from "../../model/scenario.js";

/** One iteration of a repeated run, as its own report found it. */
export interface RepeatIteration {
  /** 1-based. */
  iteration: number;
  /** Its own report's folder, relative to the aggregate report's: "iteration-03". */
  dir: string;
  startedAt: string;
  verdict: "pass" | "fail";
  error: { code: string; message: string } | null;
  /** ms waited before this iteration until the VIP was back on its intended master and the lab healthy; null for the first. */
  failbackWaitMs: number | null;
  /** Each figure with its ±; value null where the run did not measure it. */
  figures: Record<RunFigureKey, FigureValue>;
  /** The per-run budgets as judged on this iteration alone. */
  budgets: BudgetResult[];
}

export interface RepeatSummary {
  /** Iterations asked for (--repeat, or the scenario's repeat:). */
  requested: number;
  /** Iterations that ran to a report: fewer than requested when the run was stopped (an error, Ctrl-C). */
  completed: number;
  iterations: RepeatIteration[];
  /** Each figure's distribution over the iterations: n, min, p50, p90, p95, max (nearest rank), every run's value with its ±. */
  figures: Record<RunFigureKey, Distribution>;
  /** Latency per phase over every iteration's successful probes: the iterations' HDR histograms added. */
  latency: Record<LatencyPhase, MergedPhaseLatency>;
  /** The wait between iterations (failback to the intended master, lab healthy), ms. */
  failbackWaitMs: { total: number; max: number };
  /** From the first iteration's start to the last one's report, ms. */
  wallMs: number;
}
