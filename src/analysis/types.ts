/**
 * What analysis reads and what it concludes. All times are ms since the run origin (the
 * timeline's clock); durations end in Ms. The definitions live in analyze.ts and DESIGN.md.
 */
import type { ProbeErrorKind, TimelineEvent } from "../model/timeline.js";
import type { Budgets, LatencyPhase } from "../model/scenario.js";

export interface AnalysisInput {
  events: readonly TimelineEvent[];
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
}

/** A window in which clients of the probe stream could not reach the endpoint. */
export interface OutageWindow {
  /** Due time of the last success before the anchoring failure (or of the first probe: see startsAtFirstProbe). */
  startMs: number;
  /** Due time of the first probe of the stable recovery; null when it never recovered. */
  endMs: number | null;
  /** Due time of the failure that anchored the window. */
  firstFailureDueMs: number;
  /** Due time of the last failure before the recovery (or before the end of the run). */
  lastFailureDueMs: number;
  /** Failed probes inside the window. */
  failedProbes: number;
  /** No probe succeeded before it: the window starts at the first probe and its length is a lower bound. */
  startsAtFirstProbe: boolean;
  /**
   * The anchoring failure was due while the action's command ran (before it returned), and none
   * was due after it: see analyze.ts.
   */
  anchoredBeforeReturn: boolean;
  /** Probes due inside the start / end bracket that were never sent (skipped): each widens it by Δ. */
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

export interface FaultAnalysis {
  faultId: string;
  fault: string;
  hosts: string[];
  /** The inject command's start, and T_f: the moment it returned. */
  injectStartMs: number;
  injectedAtMs: number;
  /** The restore command's start, and T_r; null when no restore was recorded. */
  restoreStartMs: number | null;
  restoredAtMs: number | null;

  // Around the inject.
  outage: OutageWindow | null;
  /** A stable recovery was seen (true when nothing failed). */
  recovered: boolean;
  /** Stable recovery − T_f, the headline; 0 when nothing failed, null when it never recovered. */
  failoverMs: number | null;
  /** Length of the outage window; 0 when nothing failed, null when it never recovered. */
  outageMs: number | null;
  /** ± of failoverMs: Δ + scheduler lag p99, rounded up to 0.1 ms, + Δ per unsent probe in the bracket. */
  precisionMs: number;
  /** ± of outageMs: two brackets, 2·Δ + lag p99, + Δ per unsent probe in either. */
  outagePrecisionMs: number;
  /** Failed probes due after the stable recovery and before the restore. */
  errorsAfterRecovery: number;
  /** ok→fail transitions after the stable recovery, before the restore. */
  flaps: number;
  /** Failed probes due while the inject command ran (command start ≤ due < T_f). */
  failuresBeforeInjectReturned: number;

  // The VIP.
  /** VIP seen on a host that did not hold it before the inject − T_f; null when it did not move. */
  vipMoveMs: number | null;
  vipMovedTo: string | null;
  /** Not derivable from probes: the runner fills it from the observer. */
  vipMovePrecisionMs: number | null;
  /** Owners: the single host, hosts joined with "+" when several held it, null when none did. */
  vipOwnerBefore: string | null;
  vipOwnerAfter: string | null;
  vipOwnerAtEnd: string | null;
  vipOwnersBefore: string[];
  /** At T_r; null when no restore was recorded. */
  vipOwnersAfter: string[] | null;
  vipOwnersAtEnd: string[];

  // Around the restore: null (or false) fields when no restore was recorded.
  failbackOutage: OutageWindow | null;
  failbackRecovered: boolean | null;
  /** Stable recovery − T_r; 0 when nothing failed after the restore, null when never recovered or not restored. */
  failbackMs: number | null;
  failbackOutageMs: number | null;
  failbackPrecisionMs: number | null;
  failbackOutagePrecisionMs: number | null;
  /** ok→fail transitions after the failback recovery, up to the end of the run. */
  failbackFlaps: number | null;
  /** Failed probes due while the restore command ran (command start ≤ due < T_r). */
  failuresBeforeRestoreReturned: number | null;
  /** VIP seen on a host that did not hold it when the restore started − T_r; null when it did not move. */
  vipMoveBackMs: number | null;
  vipMovedBackTo: string | null;
}

export interface RunAnalysis {
  stream: string;
  intervalMs: number;
  /** N: consecutive successes that make a stable recovery. */
  stableProbes: number;
  endMs: number;
  probes: ProbeStats;
  /** Null when no fault was injected (an aborted run): then only probe figures and baseline latency. */
  fault: FaultAnalysis | null;
  latency: Record<LatencyPhase, PhaseLatency>;
  splitBrain: SplitBrainInterval[];
  /** Exactly one VIP owner at endMs. */
  endsOnExactlyOne: boolean;
  /** The last N probes (by seq) due before endMs all succeeded. */
  healthyAfterRestore: boolean;
  /** Findings that qualify the figures, in words, for reports. */
  notes: string[];
}

/** One budget, checked. `measured` carries its ± (never a bare figure); `precision` is that ± alone. */
export interface BudgetResult {
  name: string;
  limit: string;
  measured: string;
  precision: string | null;
  pass: boolean;
  detail?: string;
}
