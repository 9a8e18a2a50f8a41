/**
 * The figures of one run that repeats, comparisons and trends put side by side: each read from a
 * fault's figures (report.json `faults[0]`, or the analysis itself), with its ± where it has one.
 * Every figure is better lower.
 */
import type { LatencyPhase } from "../model/scenario.js";
import { roundUpToTenthMs } from "./format.js";
import type { FaultAnalysis, RunAnalysis } from "./types.js";

/** The fault's figures a run figure is read from: report.json's `faults[0]` and FaultAnalysis both have them. */
export type FaultFigures = Pick<
  FaultAnalysis,
  | "failoverMs"
  | "precisionMs"
  | "outageMs"
  | "outagePrecisionMs"
  | "vipMoveMs"
  | "vipMovePrecisionMs"
  | "failbackMs"
  | "failbackPrecisionMs"
  | "failbackRecoveryMs"
  | "failbackRecoveryPrecisionMs"
  | "vipMoveBackMs"
  | "vipMoveBackPrecisionMs"
  | "errorsAfterRecovery"
>;

export interface FigureSource {
  /** Null when no fault was injected (an aborted run). */
  fault: FaultFigures | null;
  /** Failed probes over the whole run. */
  failedProbes: number;
  latency: Partial<Record<LatencyPhase, { p50: number | null; p99: number | null }>>;
}

/** A figure's value in one run; value null when it was not measured. */
export interface FigureValue {
  value: number | null;
  /** ± of value, in its unit; null where it has none (counts). */
  precision: number | null;
}

export interface RunFigure {
  /** As people read it: "failover", "VIP move back". */
  label: string;
  unit: "ms" | "count";
  /**
   * What a run without the figure means: "worst" — it did not end (never recovered), so it ranks
   * above every measured value; "absent" — there was nothing to measure (the VIP did not move), so
   * the run is left out of the figure's distribution.
   */
  unmeasured: "worst" | "absent";
  read(source: FigureSource): FigureValue;
}

const ms = (value: number | null | undefined, precision: number | null | undefined): FigureValue => ({ value: value ?? null, precision: precision ?? null });
const fault = (read: (f: FaultFigures) => FigureValue) => (s: FigureSource): FigureValue => (s.fault === null ? ms(null, null) : read(s.fault));
/** HDR histograms keep 3 significant digits: a percentile is ± one part in a thousand. */
const hdr = (value: number | null | undefined): FigureValue => ms(value, value === null || value === undefined ? null : roundUpToTenthMs(value / 1000));

export const RUN_FIGURES = {
  failover: { label: "failover", unit: "ms", unmeasured: "worst", read: fault((f) => ms(f.failoverMs, f.precisionMs)) },
  outage: { label: "outage", unit: "ms", unmeasured: "worst", read: fault((f) => ms(f.outageMs, f.outagePrecisionMs)) },
  vipMove: { label: "VIP move", unit: "ms", unmeasured: "absent", read: fault((f) => ms(f.vipMoveMs, f.vipMovePrecisionMs)) },
  failback: { label: "failback", unit: "ms", unmeasured: "worst", read: fault((f) => ms(f.failbackMs, f.failbackPrecisionMs)) },
  failbackRecovery: { label: "failback recovery", unit: "ms", unmeasured: "worst", read: fault((f) => ms(f.failbackRecoveryMs, f.failbackRecoveryPrecisionMs)) },
  vipMoveBack: { label: "VIP move back", unit: "ms", unmeasured: "absent", read: fault((f) => ms(f.vipMoveBackMs, f.vipMoveBackPrecisionMs)) },
  failedProbes: { label: "failed probes", unit: "count", unmeasured: "worst", read: (s) => ms(s.failedProbes, null) },
  errorsAfterRecovery: { label: "errors after recovery", unit: "count", unmeasured: "worst", read: fault((f) => ms(f.errorsAfterRecovery, null)) },
  baselineLatencyP50: { label: "baseline latency p50", unit: "ms", unmeasured: "absent", read: (s) => hdr(s.latency.baseline?.p50) },
  baselineLatencyP99: { label: "baseline latency p99", unit: "ms", unmeasured: "absent", read: (s) => hdr(s.latency.baseline?.p99) },
} as const satisfies Record<string, RunFigure>;

export type RunFigureKey = keyof typeof RUN_FIGURES;
export const RUN_FIGURE_KEYS = Object.keys(RUN_FIGURES) as RunFigureKey[];

/** Every figure of one run. */
export function runFigureValues(source: FigureSource): Record<RunFigureKey, FigureValue> {
  return Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, RUN_FIGURES[key].read(source)])) as Record<RunFigureKey, FigureValue>;
}

/** The figures' source in a run's own analysis. */
export const figureSourceOf = (analysis: RunAnalysis): FigureSource => ({ fault: analysis.fault, failedProbes: analysis.probes.failed, latency: analysis.latency });
