/**
 * What analysis reads and what it concludes. All times are ms since the run origin (the timeline's
 * monotonic clock); durations end in Ms. The definitions are the README's "Measurement definitions".
 */
import type { ProbeTable } from "../model/probe-table.js";
import type { ProbeErrorKind, TimelineEvent } from "../model/timeline.js";
import type { Budgets, LatencyPhase } from "../model/scenario.js";
import type { PredictedWindow } from "../model/prediction.js";

export interface AnalysisInput {
  /** The run's events. The stream's probe events are among them, unless its probes come in `probes`. */
  events: readonly TimelineEvent[];
  /** The stream's probes due before endMs, where they are kept apart from the events (the timeline's columns): then probe events in `events` are not read. */
  probes?: ProbeTable;
  /** The probe stream the figures come from, normally "fresh". */
  stream: string;
  /** Δ of that stream. */
  intervalMs: number;
  /** Stable recovery = N consecutive successes, N = max(1, ceil(stableMs / intervalMs)). */
  stableMs: number;
  /** End of the run (end of settle): the run covers probes due in [0, endMs) and VIP events up to endMs. */
  endMs: number;
  budgets: Budgets;
  /** Two VIP owners for at most this long (a handover) is reported in notes, not as split brain. Default 0. */
  splitBrainGraceMs?: number;
  /** ± of VIP event times (how the observer stamps them); null when unknown. Default null. */
  vipTimePrecisionMs?: number | null;
  /** The failover window the system's configuration allows, where one can be derived. */
  predicted?: PredictedWindow | null;
  /** The window of the VIP's move back after the restore (Keepalived's preemption), where one can be derived. */
  predictedFailback?: PredictedWindow | null;
}

/** Where an outage window is counted: by when its first failure was due (see the README). */
export type OutagePhase = "baseline" | "fault" | "restore";

/** A window in which clients of the probe stream could not reach the endpoint. */
export interface Outage {
  phase: OutagePhase;
  /** Due time of the last success before the first failure (of the first probe when startsAtFirstProbe). */
  startMs: number;
  /** Due time of the first probe of the stable recovery; null when it never recovered. */
  endMs: number | null;
  /** endMs − startMs (a lower bound when startsAtFirstProbe); null when it never recovered. */
  durationMs: number | null;
  /** ± of durationMs: both brackets (the end's alone when startsAtFirstProbe); null without an end. */
  precisionMs: number | null;
  /** ± of startMs (its onset bracket); null when startsAtFirstProbe. */
  startPrecisionMs: number | null;
  /** ± of endMs (its recovery bracket); null without an end. */
  endPrecisionMs: number | null;
  failedProbes: number;
  errorKinds: Partial<Record<ProbeErrorKind, number>>;
  firstFailureDueMs: number;
  lastFailureDueMs: number;
  /** No probe succeeded before it: it starts at the first probe, and its length is a lower bound. */
  startsAtFirstProbe: boolean;
  /** Probes never sent inside its onset / recovery bracket (each widens that ± by Δ). */
  unsentInStartBracket: number;
  unsentInEndBracket: number;
}

export interface SchedulerLagMs {
  p50: number;
  p99: number;
  max: number;
}

export interface ProbeStats {
  /** Probes of the stream that were sent (and answered or timed out), due before endMs. */
  sent: number;
  ok: number;
  failed: number;
  failedByKind: Partial<Record<ProbeErrorKind, number>>;
  /** Due probes never sent because too many were in flight. */
  skipped: number;
  /** sentMs − dueMs over every sent probe of the stream (nearest-rank percentiles). */
  schedulerLagMs: SchedulerLagMs;
}

export interface PhaseLatency {
  phase: LatencyPhase;
  /** [fromMs, toMs) of due times; null bounds when the phase did not happen. */
  fromMs: number | null;
  toMs: number | null;
  count: number;
  ok: number;
  failed: number;
  /** Latency (from the due time) of the successful probes, ms with 3 decimals; null without one. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  "p99.9": number | null;
  max: number | null;
  /** hdr-histogram-js encodeIntoCompressedBase64 of the µs histogram, for merging runs later. */
  histogram: string;
}

export interface SplitBrainInterval {
  /** Every host that held the VIP during the interval. */
  hosts: string[];
  fromMs: number;
  toMs: number;
  durationMs: number;
  /** Still two or more owners at the end of the run (toMs is then endMs). */
  openAtEnd: boolean;
}

/** Why a fault has no failover figure. */
export type Unrecovered =
  /** No stable recovery before the end of the run. */
  | "never"
  /** Clients came back only once the restore had started: the system did not fail over by itself. */
  | "after-restore";

export interface FaultAnalysis {
  faultId: string;
  fault: string;
  hosts: string[];
  /** S_f, the inject command's start, and T_f, when it returned (or a cut-off host's own stamp). */
  injectStartMs: number;
  injectedAtMs: number;
  /** ± of T_f: 0 for a command's return on our clock, else the host stamp's. */
  injectUncertaintyMs: number;
  /** S_r and T_r; null when no restore was recorded (an aborted run). */
  restoreStartMs: number | null;
  restoredAtMs: number | null;
  restoreUncertaintyMs: number | null;

  // Around the inject.
  /** Outage windows counted with the fault, in order: first failure due in [S_f, S_r), or open at S_f. */
  outages: Outage[];
  /** Clients were back for good before the restore started (true when nothing failed). */
  recovered: boolean;
  /** Why failoverMs is null; null when it is not. */
  unrecovered: Unrecovered | null;
  /** The end of the fault's last outage window − T_f, floored at 0; 0 when none; null when unrecovered. */
  failoverMs: number | null;
  /** ± of failoverMs: that window's recovery bracket + T_f's own ±. */
  precisionMs: number;
  /** The longest of the fault's outage windows (what clients saw at worst); 0 when none; null when one has no end. */
  outageMs: number | null;
  /** ± of outageMs: the largest ± of the fault's windows (Δ + lag p99 when there is none). */
  outagePrecisionMs: number;
  /** The end of the fault's first outage window − T_f, floored at 0: when clients were first back. */
  firstRecoveryMs: number | null;
  /** Failed probes due from the first recovery until S_r; null when there was no recovery before S_r. */
  errorsAfterRecovery: number | null;
  /** ok→fail transitions in the same span; null likewise. */
  flaps: number | null;
  /** Failed probes due while the inject command ran (S_f ≤ due < T_f). */
  failuresBeforeInjectReturned: number;
  /** The failover window the configuration allows (README "Measurement definitions": predictions); null where none is derived. */
  predicted: PredictedWindow | null;
  /** The failover, with its ±, lies wholly outside the predicted window: a finding. Null without a prediction or a figure. */
  outsidePrediction: boolean | null;

  // The VIP.
  /** Hosts holding the VIP just before S_f. */
  vipOwnersBefore: string[];
  /** The VIP first seen on a host outside vipOwnersBefore, in [S_f, S_r) − T_f; null when it did not move or nobody held it. */
  vipMoveMs: number | null;
  vipMovedTo: string | null;
  /** ± of vipMoveMs: the VIP observer's ± + T_f's; null when unknown. */
  vipMovePrecisionMs: number | null;
  /** Owners for display: the single host, hosts joined with "+" when several held it, null when none did. */
  vipOwnerBefore: string | null;
  vipOwnerAfter: string | null;
  vipOwnerAtEnd: string | null;
  /** At T_r; null when no restore was recorded. */
  vipOwnersAfter: string[] | null;
  vipOwnersAtEnd: string[];

  // Around the restore: null fields when no restore was recorded or the fault never recovered.
  /** Outage windows whose first failure was due from S_r on, in order. */
  failbackOutages: Outage[];
  /** Clients were back for good after the restore (true when nothing failed). */
  failbackRecovered: boolean | null;
  /** The longest failback outage window (what clients saw at worst); 0 when none; null when one never ended. */
  failbackMs: number | null;
  failbackPrecisionMs: number | null;
  /** The end of the last failback outage window − T_r, floored at 0: when clients were back for good; 0 when none. */
  failbackRecoveryMs: number | null;
  failbackRecoveryPrecisionMs: number | null;
  /** ok→fail transitions after the first failback recovery, to the end of the run. */
  failbackFlaps: number | null;
  /** Failed probes of failback windows due while the restore command ran (S_r ≤ due < T_r). */
  failuresBeforeRestoreReturned: number | null;
  /** Hosts holding the VIP just before S_r. */
  vipOwnersAtRestore: string[] | null;
  /** The VIP first seen, from S_r on, on a host outside vipOwnersAtRestore − T_r; null when it did not move. */
  vipMoveBackMs: number | null;
  vipMovedBackTo: string | null;
  vipMoveBackPrecisionMs: number | null;
  /** The window the configuration allows the VIP's move back (README "Measurement definitions": predictions); null where none is derived. */
  predictedFailback: PredictedWindow | null;
  /**
   * The move back, with its ±, lies wholly outside predictedFailback — or it did not happen though
   * the run went on past the window's end: a finding. Null without a prediction or a restore.
   */
  outsideFailbackPrediction: boolean | null;
}

export interface RunAnalysis {
  stream: string;
  intervalMs: number;
  /** N: consecutive sent successes that make a stable recovery. */
  stableProbes: number;
  endMs: number;
  probes: ProbeStats;
  /** Every outage window of the run, in order (the baseline's too). */
  outages: Outage[];
  /** Null when no fault was injected (an aborted run): then only probe figures and baseline latency. */
  fault: FaultAnalysis | null;
  latency: Record<LatencyPhase, PhaseLatency>;
  splitBrain: SplitBrainInterval[];
  /** Exactly one VIP owner at endMs. */
  endsOnExactlyOne: boolean;
  /** The last N probe numbers before endMs were all sent and succeeded. */
  healthyAfterRestore: boolean;
  /** Findings that qualify the figures, in words, for reports. */
  notes: string[];
}

/**
 * One budget, checked. `measured` carries its ± (never a bare figure); `precision` is that ± alone.
 * The strings are for people; the numbers beside them are for machines (CI, trends), each with its
 * unit in its name, null where the budget has no such number or the figure was not measured.
 */
export interface BudgetResult {
  name: string;
  limit: string;
  measured: string;
  precision: string | null;
  pass: boolean;
  detail?: string;
  /** The figure in ms (failover, outage, failback, a latency percentile, the VIP move — negative when before the inject returned). */
  measuredMs: number | null;
  /** The limit in ms, for duration budgets. */
  limitMs: number | null;
  /** ± of measuredMs. */
  precisionMs: number | null;
  /** The figure as a count (failed probes, split-brain intervals). */
  measuredCount: number | null;
  /** The limit as a count. */
  limitCount: number | null;
}
