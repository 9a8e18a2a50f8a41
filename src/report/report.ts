import { mkdir, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeRun } from "../analysis/analyze.js";
import { evaluateBudgets } from "../analysis/budgets.js";
import { verdictOf } from "../analysis/verdict.js";
import { packageRoot } from "../common/package-root.js";
import { FRESH_STREAM, type DrillOutcome } from "../engine/runner.js";
import type { Timeline } from "../engine/timeline.js";
import { renderCommand } from "../faults/command.js";
import type { Scenario } from "../scenario/types.js";
import type { Topology } from "../targets/host.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import type { Report, ReportFault } from "./report-types.js";

export type { Report } from "./report-types.js";

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/**
 * A VRRP handover overlaps by well under a millisecond in the lab; two owners for longer than this
 * means both claimed the VIP across an advert exchange: split brain.
 */
export const SPLIT_BRAIN_GRACE_MS = 100;

/** Analyse the timeline, judge the budgets and assemble report.json. */
export function buildReport(input: {
  scenario: Scenario;
  topology: Topology;
  timeline: Timeline;
  startedAt: Date;
  outcome: DrillOutcome;
  aborted: string | undefined;
}): Report {
  const { scenario, topology, timeline, outcome } = input;
  const analysis = analyzeRun({
    events: timeline.events,
    stream: FRESH_STREAM,
    intervalMs: scenario.probes.intervalMs,
    stableMs: scenario.probes.stableMs,
    endMs: outcome.endMs,
    budgets: scenario.budgets,
    splitBrainGraceMs: SPLIT_BRAIN_GRACE_MS,
  });
  // Analysis cannot know how late VIP events were stamped; the runner measured it.
  if (analysis.fault && analysis.fault.vipMoveMs !== null) analysis.fault.vipMovePrecisionMs = outcome.observerLatencyMs;
  const budgets = evaluateBudgets(analysis, scenario.budgets);
  const f = analysis.fault;
  const faults: ReportFault[] = f
    ? [
        {
          id: f.faultId,
          type: f.fault,
          target: scenario.fault.target,
          hosts: f.hosts,
          injectStartMs: f.injectStartMs,
          injectedAtMs: f.injectedAtMs,
          restoredAtMs: f.restoredAtMs,
          failoverMs: f.failoverMs,
          outageMs: f.outageMs,
          vipMoveMs: f.vipMoveMs,
          precisionMs: f.precisionMs,
          outagePrecisionMs: f.outagePrecisionMs,
          vipMovePrecisionMs: f.vipMovePrecisionMs,
          failbackMs: f.failbackMs,
          failbackOutageMs: f.failbackOutageMs,
          vipMoveBackMs: f.vipMoveBackMs,
          failedProbes: analysis.probes.failed,
          errorsAfterRecovery: f.errorsAfterRecovery,
          flaps: f.flaps,
          vipOwnerBefore: f.vipOwnerBefore,
          vipOwnerAfter: f.vipOwnerAfter,
        },
      ]
    : [];
  // A run that did not reach its end cannot pass, whatever its partial figures say.
  const verdict = outcome.error ? "fail" : verdictOf(budgets);
  return {
    version: 1,
    vipdrill: version(),
    verdict,
    aborted: input.aborted ?? null,
    error: outcome.error ? { code: outcome.error.code, message: outcome.error.message } : null,
    startedAt: input.startedAt.toISOString(),
    durationMs: outcome.endMs,
    scenario: { name: scenario.name, file: scenario.file, description: scenario.description, spec: scenario },
    target: {
      kind: topology.kind,
      name: topology.name,
      endpoint: { vip: topology.endpoint.vip, port: topology.endpoint.port, dns: topology.endpoint.dns },
      hosts: topology.hosts.map((h) => ({ id: h.id, address: h.address, roles: h.roles })),
    },
    plan:
      outcome.fault?.actions.map((a) => ({
        hostId: a.host.id,
        inject: a.inject.map(renderCommand),
        restore: a.restore.map(renderCommand),
      })) ?? [],
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
    timeline: timeline.events,
  };
}

/** reports/<time>-<scenario>/: report.json, summary.md, junit.xml. Returns the directory. */
export async function writeReport(report: Report, reportsDir: string): Promise<string> {
  const stamp = report.startedAt.replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  const dir = join(reportsDir, `${stamp}-${report.scenario.name}`);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "report.json"), `${JSON.stringify(report, null, 1)}\n`),
    writeFile(join(dir, "summary.md"), renderMarkdown(report)),
    writeFile(join(dir, "junit.xml"), renderJunit(report)),
  ]);
  return dir;
}
