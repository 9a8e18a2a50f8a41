/**
 * The shape of report.json. Times are ms since the run origin unless named *At (ISO).
 * reports/report.schema.json is generated from these types (`npm run schema`; a unit test fails when
 * it is stale): keep every field's comment, they are the schema's descriptions.
 */
import type { BudgetResult, PhaseLatency } from "../analysis/types.js";
import type { ConfigUnderTest } from "../model/config-under-test.js";
import type { MarkEvent, TimelineEvent } from "../model/timeline.js";
import type { ProbeBuckets } from "./html/probe-buckets.js";
import type { RepeatSummary } from "./aggregate/repeat-summary.js";

/**
 * The version of report.json's shape. New fields may appear within a version; a field that changes
 * meaning or goes away makes a new one, and a reader refuses a version newer than it knows.
 */
export const REPORT_SCHEMA_VERSION = 2;
// 2: `timeline` keeps the probes around failures only (every probe is counted in `probeBuckets`).

/** The stretch between two marks of a watch (or the start / the end), with its latency. */
export interface WatchPeriod {
  /** The mark that opened it ("start" for the first). */
  label: string;
  fromMs: number;
  toMs: number;
  latency: Omit<PhaseLatency, "histogram" | "phase">;
}

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
  /** The failover window the configuration allows (ms after T_f, with its terms); null where none was derived. */
  predicted: { fromMs: number; toMs: number; terms: string[]; source: string } | null;
  /** The failover with its ± lies wholly outside `predicted`: a finding. */
  outsidePrediction: boolean | null;
  /** The longest outage window after the restore; 0 when none. */
  failbackMs: number | null;
  failbackPrecisionMs: number | null;
  /** The end of the last outage window after the restore − T_r: clients back for good. */
  failbackRecoveryMs: number | null;
  failbackRecoveryPrecisionMs: number | null;
  failbackOutages: ReportOutage[];
  vipMoveBackMs: number | null;
  vipMoveBackPrecisionMs: number | null;
  /** The window the configuration allows the VIP's move back after the restore (ms after T_r, with its terms); null where none was derived. */
  predictedFailback: { fromMs: number; toMs: number; terms: string[]; source: string } | null;
  /** The move back with its ± lies wholly outside `predictedFailback`, or did not happen within it: a finding. */
  outsideFailbackPrediction: boolean | null;
  failedProbes: number;
  /** Failed probes from the first stable recovery to the restore; null when there was none. */
  errorsAfterRecovery: number | null;
  flaps: number | null;
  vipOwnerBefore: string | null;
  vipOwnerAfter: string | null;
}

export interface Report {
  /** Where this file's JSON Schema is, relative to it: reports/report.schema.json of the vipdrill that wrote it (for editors). */
  $schema: string;
  /** The version of this file's shape (see REPORT_SCHEMA_VERSION). */
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** The same as schemaVersion, where it always was. */
  version: 1;
  /** The version of vipdrill that wrote the report. */
  vipdrill: string;
  verdict: "pass" | "fail";
  /** The signal that aborted the run, or null. */
  aborted: string | null;
  error: { code: string; message: string } | null;
  startedAt: string;
  durationMs: number;
  scenario: { name: string; file: string; description: string; spec: unknown };
  target: {
    kind: string;
    name: string;
    endpoint: { vip: string; port: number; dns: string };
    hosts: Array<{ id: string; address: string; roles: readonly string[] }>;
    /** What holds the VIP: Keepalived on load balancers, or kube-vip on the control planes. */
    vipManager?: "keepalived" | "kube-vip";
    /** The parts of the system under test that are stand-ins (the lab's apiserver, kube-vip, kubelet…); empty for real hosts. */
    standIns?: string[];
  };
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
  /**
   * The run's events: every one but the probes, and of the probes those around each failure (the
   * failed ones, the probe before and the probe after): an hour of probes would be 100 MB of JSON.
   * Every probe is counted in `probeBuckets`; the figures were computed from all of them.
   */
  timeline: readonly TimelineEvent[];
  /** The analysed stream's probes in time buckets by outcome, with the successes' latency (the HTML timeline draws them). */
  probeBuckets?: ProbeBuckets;
  /**
   * The Keepalived/HAProxy configuration on the lab's balancers where it was not the lab's templates
   * (--keepalived-conf, --haproxy-cfg, lab.config, a sweep): the files with their SHA-256, what was
   * mapped onto the lab (production → lab) and what could not be. No secret is in it.
   */
  configuration?: ConfigUnderTest;
  /**
   * A repeated run (--repeat): every iteration and each figure's distribution. The fields above are
   * then the first iteration's (its timeline, faults, analysis), except verdict, budgets, error and
   * aborted, which are the whole run's: per-run budgets held in every iteration, percentile budgets
   * on the distribution.
   */
  repeat?: RepeatSummary;
  /** "watch" for `vipdrill watch` (no fault, no budget); absent for a drill. */
  kind?: "watch";
  /** A watch's marks, by time: what the operator did, from the watch's terminal or `vipdrill mark`. */
  marks?: MarkEvent[];
  /** A watch's periods between marks ([start, mark 1), …, [last mark, end)) with their latency. */
  periods?: WatchPeriod[];
}

/**
 * A scenario that produced no report: the run ended before its drill (a scenario or inventory that
 * does not validate, no Docker engine, a host that cannot be reached, a failed preflight, …). CI is
 * still given a junit.xml and a summary.md that say why.
 */
export interface RunFailure {
  /** The scenario's name; for a file that does not load, the file's name without its extension. */
  name: string;
  /** The scenario file as it was given. */
  file: string;
  startedAt: string;
  durationMs: number;
  error: { code: string; message: string };
  /** The exit code vipdrill ends with. */
  exitCode: number;
}
