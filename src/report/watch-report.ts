import { phaseLatency } from "../analysis/phase-latency.js";
import { ENDPOINT_SILENT_NOTE } from "./watch-headline.js";
import type { RunAnalysis } from "../analysis/types.js";
import type { Topology } from "../model/host.js";
import type { ProbeColumns } from "../model/probe-columns.js";
import type { ProbeSpec } from "../model/scenario.js";
import { FRESH_STREAM, type MarkEvent, type TimelineEvent } from "../model/timeline.js";
import { ProbeTable } from "../model/probe-table.js";
import { buildReport, type ReportScenario } from "./report.js";
import type { Report, WatchPeriod } from "./report-types.js";

export type { WatchPeriod } from "./report-types.js";

/** What a watch left behind (engine/watch.ts), as plain data. */
export interface WatchRecord {
  topology: Topology;
  /** The timeline's events other than probes (the probes are in `probes`). */
  events: readonly TimelineEvent[];
  probes: ProbeColumns | undefined;
  probeSpec: Omit<ProbeSpec, "stableMs"> & { stableMs?: number };
  startedAt: Date;
  endMs: number;
  error: { code: string; message: string } | undefined;
  vipTimePrecisionMs: number | null;
  /** Some probe succeeded during the watch. */
  answered: boolean;
}

/** A watch judges nothing but that the endpoint answered: it measures what the change did to clients. */
const WATCH_BUDGETS = { errorsAfterRecovery: 0, vipMove: "any", splitBrain: "allow", healthyAfterRestore: false, latency: {} } as const;

/**
 * report.json of a watch: the drill's report with no fault — every outage window with its ± (the
 * run-level `analysis.outages`), VIP moves and Keepalived or Lease transitions in the timeline —
 * plus the operator's marks and the latency of each period between them.
 */
export function buildWatchReport(record: WatchRecord): Report & { kind: "watch"; marks: MarkEvent[]; periods: WatchPeriod[] } {
  const scenario: ReportScenario = {
    file: "<watch>",
    version: 1,
    name: "watch",
    description: `a watch of https://${record.topology.endpoint.vip}:${record.topology.endpoint.port}${record.probeSpec.path} (${record.topology.kind} "${record.topology.name}"): no fault injected`,
    dns: record.topology.endpoint.dns,
    probes: { stableMs: 250, ...record.probeSpec },
    baselineMs: 0,
    holdMs: 0,
    settleMs: 0,
    budgets: { ...WATCH_BUDGETS, latency: {} },
  };
  const probes = record.probes?.table(record.endMs) ?? ProbeTable.fromEvents(FRESH_STREAM, []);
  const report = buildReport({
    scenario,
    topology: record.topology,
    events: record.events,
    probeTables: [probes],
    startedAt: record.startedAt,
    endMs: record.endMs,
    error: record.error,
    aborted: undefined,
    plan: [],
    vipTimePrecisionMs: record.vipTimePrecisionMs,
  });
  const marks = record.events.filter((e): e is MarkEvent => e.type === "mark").sort((a, b) => a.atMs - b.atMs);
  const analysis = report.analysis as RunAnalysis;
  // No fault, no budget: a watch measures what the change did; only an endpoint that never answered fails it.
  // and every outage of a watch is "before the fault": the drill's notes on a missing fault do not apply.
  const notes = analysis.notes.filter((n) => !n.startsWith("no fault was injected") && !n.startsWith("before the fault:"));
  if (!record.answered) notes.push(ENDPOINT_SILENT_NOTE);
  return {
    ...report,
    verdict: record.answered && report.error === null ? "pass" : "fail",
    budgets: [],
    analysis: { ...analysis, notes },
    kind: "watch",
    marks,
    periods: periodsBetween(marks, probes, record.endMs),
  };
}

/** Latency per period between marks: [start, mark 1), [mark 1, mark 2), …, [last mark, end). */
export function periodsBetween(marks: readonly MarkEvent[], probes: ProbeTable, endMs: number): WatchPeriod[] {
  const edges = [{ label: "start", atMs: 0 }, ...marks.map((m) => ({ label: m.text, atMs: m.atMs }))];
  return edges.map((edge, i) => {
    const toMs = edges[i + 1]?.atMs ?? endMs;
    const { histogram: _histogram, phase: _phase, ...latency } = phaseLatency("baseline", probes, edge.atMs, toMs);
    return { label: edge.label, fromMs: edge.atMs, toMs, latency };
  });
}
