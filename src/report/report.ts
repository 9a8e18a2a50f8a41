import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { analyzeRun } from "../analysis/analyze.js";
import { evaluateBudgets } from "../analysis/budgets.js";
import { verdictOf } from "../analysis/verdict.js";
import { packageRoot } from "../common/package-root.js";
import { packageVersion } from "../common/package-version.js";
import { FRESH_STREAM, type TimelineEvent } from "../model/timeline.js";
import type { Scenario } from "../model/scenario.js";
import type { PredictedWindow } from "../model/prediction.js";
import type { Topology } from "../model/host.js";
import { renderHtml } from "./html/html-report.js";
import { bucketProbes } from "./html/probe-buckets.js";
import { ProbeTable, probeTablesOf } from "../model/probe-table.js";
import { junitSuitesOf, renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderTicket } from "./ticket.js";
import type { Outage } from "../analysis/types.js";
import { REPORT_SCHEMA_VERSION, type Report, type ReportFault, type ReportOutage } from "./report-types.js";
import { reportDirFor } from "./report-dir.js";

export type { Report } from "./report-types.js";

/** report.json's JSON Schema, generated from report-types.ts by `npm run schema`. */
export function reportSchemaFile(): string {
  return join(packageRoot(), "reports", "report.schema.json");
}

/**
 * A VRRP handover overlaps by well under a millisecond in the lab; two owners for longer than this
 * means both claimed the VIP across an advert exchange: split brain.
 */
export const SPLIT_BRAIN_GRACE_MS = 100;

/** What a report needs of the scenario: a watch (no fault injected) has no fault and no lab. */
export type ReportScenario = Omit<Scenario, "fault" | "lab"> & { fault?: Scenario["fault"]; lab?: Scenario["lab"] };

/** What a drill left behind, as plain data: report/ reads nothing of the engine. */
export interface DrillRecord {
  /** The drill's scenario; a watch's has no fault and no lab. */
  scenario: ReportScenario;
  topology: Topology;
  /** The run's events; its probes among them, unless they come in `probeTables`. */
  events: readonly TimelineEvent[];
  /** Each stream's probes due before endMs, where the timeline keeps them apart (its columns). */
  probeTables?: readonly ProbeTable[];
  startedAt: Date;
  /** End of the observation, ms since the run origin. */
  endMs: number;
  /** Why the drill did not run to its end, if it did not. */
  error: { code: string; message: string } | undefined;
  /** The signal that aborted the run, if one did. */
  aborted: string | undefined;
  /** Per host, the fault's commands as a user would type them. */
  plan: Array<{ hostId: string; inject: string[]; restore: string[] }>;
  /** ± of VIP event times, as the runner measured it; null when unknown. */
  vipTimePrecisionMs: number | null;
  /** The failover window the configuration allows, where one was derived. */
  predicted?: PredictedWindow | null;
  /** The window of the VIP's move back after the restore, where one was derived. */
  predictedFailback?: PredictedWindow | null;
}

/** Analyse the timeline, judge the budgets and assemble report.json. */
export function buildReport(input: DrillRecord): Report {
  const { scenario, topology } = input;
  const tables = input.probeTables ?? probeTablesOf(input.events, input.endMs);
  const fresh = tables.find((t) => t.stream === FRESH_STREAM) ?? ProbeTable.fromEvents(FRESH_STREAM, []);
  const analysis = analyzeRun({
    events: input.events,
    probes: fresh,
    stream: FRESH_STREAM,
    intervalMs: scenario.probes.intervalMs,
    stableMs: scenario.probes.stableMs,
    endMs: input.endMs,
    budgets: scenario.budgets,
    splitBrainGraceMs: SPLIT_BRAIN_GRACE_MS,
    vipTimePrecisionMs: input.vipTimePrecisionMs,
    predicted: input.predicted ?? null,
    predictedFailback: input.predictedFailback ?? null,
  });
  const budgets = evaluateBudgets(analysis, scenario.budgets);
  const f = analysis.fault;
  const faults: ReportFault[] = f
    ? [
        {
          id: f.faultId,
          type: f.fault,
          target: scenario.fault?.target ?? "",
          hosts: f.hosts,
          injectStartMs: f.injectStartMs,
          injectedAtMs: f.injectedAtMs,
          restoredAtMs: f.restoredAtMs,
          restoreStartMs: f.restoreStartMs,
          failoverMs: f.failoverMs,
          outageMs: f.outageMs,
          vipMoveMs: f.vipMoveMs,
          precisionMs: f.precisionMs,
          outagePrecisionMs: f.outagePrecisionMs,
          vipMovePrecisionMs: f.vipMovePrecisionMs,
          recovered: f.recovered,
          unrecovered: f.unrecovered,
          outages: f.outages.map(reportOutage),
          predicted: f.predicted,
          outsidePrediction: f.outsidePrediction,
          failbackMs: f.failbackMs,
          failbackPrecisionMs: f.failbackPrecisionMs,
          failbackRecoveryMs: f.failbackRecoveryMs,
          failbackRecoveryPrecisionMs: f.failbackRecoveryPrecisionMs,
          failbackOutages: f.failbackOutages.map(reportOutage),
          vipMoveBackMs: f.vipMoveBackMs,
          vipMoveBackPrecisionMs: f.vipMoveBackPrecisionMs,
          predictedFailback: f.predictedFailback,
          outsideFailbackPrediction: f.outsideFailbackPrediction,
          failedProbes: analysis.probes.failed,
          errorsAfterRecovery: f.errorsAfterRecovery,
          flaps: f.flaps,
          vipOwnerBefore: f.vipOwnerBefore,
          vipOwnerAfter: f.vipOwnerAfter,
        },
      ]
    : [];
  // A run that did not reach its end cannot pass, whatever its partial figures say.
  const verdict = input.error ? "fail" : verdictOf(budgets);
  return {
    // Where a report usually lives, reports/<run>/; writeReport points it at the schema from where it writes.
    $schema: "../report.schema.json",
    schemaVersion: REPORT_SCHEMA_VERSION,
    version: 1,
    vipdrill: packageVersion(),
    verdict,
    aborted: input.aborted ?? null,
    error: input.error ?? null,
    startedAt: input.startedAt.toISOString(),
    durationMs: input.endMs,
    scenario: { name: scenario.name, file: scenario.file, description: scenario.description, spec: scenario },
    target: {
      kind: topology.kind,
      name: topology.name,
      endpoint: { vip: topology.endpoint.vip, port: topology.endpoint.port, dns: topology.endpoint.dns },
      hosts: topology.hosts.map((h) => ({ id: h.id, address: h.address, roles: h.roles })),
      vipManager: topology.vipManager,
      standIns: [...(topology.standIns ?? [])],
    },
    plan: input.plan,
    faults,
    budgets,
    probes: {
      stream: FRESH_STREAM,
      intervalMs: scenario.probes.intervalMs,
      timeoutMs: scenario.probes.timeoutMs,
      sent: analysis.probes.sent,
      failed: analysis.probes.failed,
      skipped: analysis.probes.skipped,
      byOutcome: { ok: analysis.probes.ok, ...analysis.probes.failedByKind },
      schedulerLagMs: analysis.probes.schedulerLagMs,
    },
    analysis,
    timeline: eventsAroundFailures(input.events, tables),
    probeBuckets: bucketProbes(fresh, { endMs: input.endMs, intervalMs: scenario.probes.intervalMs }),
    ...(topology.configuration && { configuration: topology.configuration }),
  };
}

/**
 * The events report.json keeps: every non-probe event, and of each stream's probes the failed ones
 * with their neighbours by seq (the success before a failure is an outage's start, the one after
 * its end); the rest are counted in probeBuckets.
 */
export function eventsAroundFailures(events: readonly TimelineEvent[], tables: readonly ProbeTable[]): TimelineEvent[] {
  const kept: TimelineEvent[] = events.filter((e) => e.type !== "probe" && e.type !== "probe-skipped");
  for (const probes of tables) {
    for (let i = 0; i < probes.length; i++) {
      if (probes.failed(i) || (i > 0 && probes.failed(i - 1)) || (i + 1 < probes.length && probes.failed(i + 1))) kept.push(probes.event(i));
    }
  }
  return kept;
}

/** An outage window as report.json gives it: when, how long, each with its ±, and what failed. */
function reportOutage(o: Outage): ReportOutage {
  return {
    startMs: o.startMs,
    endMs: o.endMs,
    durationMs: o.durationMs,
    precisionMs: o.precisionMs,
    startPrecisionMs: o.startPrecisionMs,
    endPrecisionMs: o.endPrecisionMs,
    failedProbes: o.failedProbes,
    errorKinds: o.errorKinds,
    startsAtFirstProbe: o.startsAtFirstProbe,
  };
}

/** reports/<time>-<scenario>/: report.json, summary.md, ticket.md, junit.xml, report.html. Returns the directory. */
export async function writeReport(report: Report, reportsDir: string): Promise<string> {
  const dir = reportDirFor(reportsDir, report.startedAt, report.scenario.name);
  await writeReportFiles(report, dir);
  return dir;
}

/** The same files into `dir` itself (an iteration of a repeated run: <run>/iteration-03/). */
export async function writeReportFiles(report: Report, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const json: Report = { ...report, $schema: relative(dir, reportSchemaFile()) };
  await Promise.all([
    writeFile(join(dir, "report.json"), `${JSON.stringify(json, null, 1)}\n`),
    writeFile(join(dir, "summary.md"), renderMarkdown(report)),
    writeFile(join(dir, "ticket.md"), renderTicket(report)),
    writeFile(join(dir, "junit.xml"), renderJunit(junitSuitesOf(report))),
    writeFile(join(dir, "report.html"), renderHtml(report)),
  ]);
}
