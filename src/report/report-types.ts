/** The shape of report.json (version 1). Times are ms since the run origin unless named *At (ISO). */
import type { BudgetResult } from "../analysis/types.js";
import type { TimelineEvent } from "../model/timeline.js";

/** A budget as judged by analysis/budgets.ts. */
export type ReportBudget = BudgetResult;

/** One outage window (README "Measurement definitions"): times in ms since the run origin, each with its ±. */
export interface ReportOutage {
  /** Due time of the last success before its first failure. */
  startMs: number;
  /** Due time of the first probe of its stable recovery; null when it never recovered. */
  endMs: number | null;
  /** endMs − startMs; null when it never recovered. */
  durationMs: number | null;
  /** ± of durationMs. */
  precisionMs: number | null;
  startPrecisionMs: number | null;
  endPrecisionMs: number | null;
  failedProbes: number;
  /** Failed probes by error kind. */
  errorKinds: Partial<Record<string, number>>;
  /** No success before it: it starts at the first probe and durationMs is a lower bound. */
  startsAtFirstProbe: boolean;
}

export interface ReportFault {
  id: string;
  type: string;
  target: string;
  hosts: string[];
  injectStartMs: number | null;
  injectedAtMs: number | null;
  restoreStartMs: number | null;
  restoredAtMs: number | null;
  /** The end of the fault's last outage window − T_f (clients back for good); 0 when no probe failed; null when unrecovered. */
  failoverMs: number | null;
  /** The longest of the fault's outage windows (what clients saw at worst); null when one never ended. */
  outageMs: number | null;
  /** VIP seen on a new owner − T_f; null when it did not move. */
  vipMoveMs: number | null;
  /** ± of failoverMs: its recovery bracket (Δ per sequence step + the larger send lag) + T_f's own ±. */
  precisionMs: number;
  outagePrecisionMs: number;
  vipMovePrecisionMs: number | null;
  /** Clients were back for good before the restore started. */
  recovered: boolean;
  /** Why failoverMs is null: "never" recovered, or only "after-restore". */
  unrecovered: "never" | "after-restore" | null;
  /** Every outage window counted with the fault, in order. */
  outages: ReportOutage[];
  /** The longest outage window after the restore; 0 when none. */
  failbackMs: number | null;
  failbackPrecisionMs: number | null;
  /** The end of the last outage window after the restore − T_r: clients back for good. */
  failbackRecoveryMs: number | null;
  failbackRecoveryPrecisionMs: number | null;
  failbackOutages: ReportOutage[];
  vipMoveBackMs: number | null;
  vipMoveBackPrecisionMs: number | null;
  failedProbes: number;
  /** Failed probes from the first stable recovery to the restore; null when there was none. */
  errorsAfterRecovery: number | null;
  flaps: number | null;
  vipOwnerBefore: string | null;
  vipOwnerAfter: string | null;
}

export interface Report {
  version: 1;
  vipdrill: string;
  verdict: "pass" | "fail";
  /** The signal that aborted the run, or null. */
  aborted: string | null;
  error: { code: string; message: string } | null;
  startedAt: string;
  durationMs: number;
  scenario: { name: string; file: string; description: string; spec: unknown };
  target: { kind: string; name: string; endpoint: { vip: string; port: number; dns: string }; hosts: Array<{ id: string; address: string; roles: readonly string[] }> };
  plan: Array<{ hostId: string; inject: string[]; restore: string[] }>;
  faults: ReportFault[];
  budgets: ReportBudget[];
  probes: {
    stream: string;
    intervalMs: number;
    timeoutMs: number;
    sent: number;
    failed: number;
    skipped: number;
    byOutcome: Record<string, number>;
    schedulerLagMs: { p50: number; p99: number; max: number };
  };
  analysis: unknown;
  timeline: readonly TimelineEvent[];
}
