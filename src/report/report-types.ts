/** The shape of report.json (version 1). Times are ms since the run origin unless named *At (ISO). */
import type { BudgetResult } from "../analysis/types.js";
import type { TimelineEvent } from "../model/timeline.js";

/** A budget as judged by analysis/budgets.ts. */
export type ReportBudget = BudgetResult;

export interface ReportFault {
  id: string;
  type: string;
  target: string;
  hosts: string[];
  injectStartMs: number | null;
  injectedAtMs: number | null;
  restoredAtMs: number | null;
  /** Stable recovery − T_f; 0 when no probe failed; null when the endpoint never recovered. */
  failoverMs: number | null;
  /** Length of the outage window clients saw. */
  outageMs: number | null;
  /** VIP seen on a new owner − T_f; null when it did not move. */
  vipMoveMs: number | null;
  /** ± of failoverMs (and of failbackMs): Δ + scheduler lag p99, widened by skipped probes. */
  precisionMs: number;
  outagePrecisionMs: number;
  vipMovePrecisionMs: number | null;
  failbackMs: number | null;
  failbackOutageMs: number | null;
  vipMoveBackMs: number | null;
  failedProbes: number;
  errorsAfterRecovery: number;
  flaps: number;
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
