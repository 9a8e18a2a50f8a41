/**
 * Everything the HTML timeline draws, from report.json: probe buckets (downsampled), the fault and
 * outage lanes from the figures (never from the buckets, so a window is drawn where the analysis
 * put it, with its ±), lanes from timeline events, background bands and the stable recoveries.
 */
import { formatDurationMs, formatWithPrecision } from "../../analysis/format.js";
import type { Outage, OutagePhase, RunAnalysis } from "../../analysis/types.js";
import type { Report } from "../report-types.js";
import { LANE_COLORS, SHADE_COLORS } from "./palette.js";
import { bucketProbes, type ProbeBuckets } from "./probe-buckets.js";
import { ProbeTable } from "../../model/probe-table.js";
import { eventLanes, type Lane, type LaneSegment } from "./timeline-lanes.js";

/** An outage window as the page plots it: report.json's figures, with where it was counted. */
export interface PlottedOutage {
  phase: OutagePhase;
  startMs: number;
  /** null: never recovered (drawn to the run's end). */
  endMs: number | null;
  startPrecisionMs: number | null;
  endPrecisionMs: number | null;
  label: string;
}

/** S_f, T_f, S_r, T_r (README "Measurement definitions"); the restore's null when none was recorded. */
export interface FaultWindow {
  injectStartMs: number;
  injectedAtMs: number;
  restoreStartMs: number | null;
  restoredAtMs: number | null;
}

export interface TimelineData {
  endMs: number;
  stream: string;
  buckets: ProbeBuckets;
  lanes: Lane[];
  /** Bands behind every row. */
  shading: Array<{ fromMs: number; toMs: number; color: string }>;
  /** Vertical lines across every row: when clients were back for good. */
  marks: Array<{ atMs: number; label: string }>;
  outages: PlottedOutage[];
  faultWindow: FaultWindow | null;
}

export function timelineData(report: Report): TimelineData {
  const analysis = report.analysis as RunAnalysis;
  const endMs = report.durationMs;
  const f = analysis.fault;
  const faultWindow: FaultWindow | null = f && { injectStartMs: f.injectStartMs, injectedAtMs: f.injectedAtMs, restoreStartMs: f.restoreStartMs, restoredAtMs: f.restoredAtMs };
  const outages = analysis.outages.map(plottedOutage);
  const marks = recoveryMarks(analysis);
  const lanes: Lane[] = [];
  if (faultWindow) lanes.push({ lane: "fault", group: "fault", segments: faultSegments(faultWindow, f?.injectUncertaintyMs ?? 0, f?.restoreUncertaintyMs ?? null, endMs) });
  if (outages.length > 0) lanes.push({ lane: "outages", group: "outage", segments: outages.map((o) => outageSegment(o, endMs)) });
  if (marks.length > 0) lanes.push({ lane: "back for good", group: "recovery", segments: marks.map((m) => ({ fromMs: m.atMs, toMs: m.atMs, label: m.label, color: LANE_COLORS.mark })) });
  lanes.push(...eventLanes(report.timeline, endMs));
  return {
    endMs,
    stream: report.probes.stream,
    // Bucketed when the report was built (from every probe); an older report.json kept every probe event.
    buckets: report.probeBuckets ?? bucketProbes(ProbeTable.fromEvents(report.probes.stream, report.timeline, endMs), { endMs, intervalMs: report.probes.intervalMs }),
    lanes,
    shading: [...faultShading(faultWindow, endMs), ...outages.map((o) => ({ fromMs: o.startMs, toMs: o.endMs ?? endMs, color: SHADE_COLORS.outage }))],
    marks,
    outages,
    faultWindow,
  };
}

function plottedOutage(o: Outage): PlottedOutage {
  const length = o.durationMs === null ? "never recovered" : `${o.startsAtFirstProbe ? "≥ " : ""}${formatWithPrecision(o.durationMs, o.precisionMs)}`;
  return { phase: o.phase, startMs: o.startMs, endMs: o.endMs, startPrecisionMs: o.startPrecisionMs, endPrecisionMs: o.endPrecisionMs, label: length };
}

function outageSegment(o: PlottedOutage, endMs: number): LaneSegment {
  return { fromMs: o.startMs, toMs: o.endMs ?? endMs, label: o.label, color: LANE_COLORS.outage[o.phase], fromPrecisionMs: o.startPrecisionMs, toPrecisionMs: o.endPrecisionMs };
}

/** Each command from its start to its return, and the fault held between them; T_f and T_r with their own ±. */
function faultSegments(w: FaultWindow, injectPrecisionMs: number, restorePrecisionMs: number | null, endMs: number): LaneSegment[] {
  const segments: LaneSegment[] = [
    { fromMs: w.injectStartMs, toMs: w.injectedAtMs, label: `inject ${formatDurationMs(w.injectedAtMs - w.injectStartMs)}`, color: LANE_COLORS.command, toPrecisionMs: injectPrecisionMs || null },
    { fromMs: w.injectedAtMs, toMs: w.restoreStartMs ?? endMs, label: "fault held", color: LANE_COLORS.faultHeld },
  ];
  if (w.restoreStartMs !== null && w.restoredAtMs !== null) {
    segments.push({ fromMs: w.restoreStartMs, toMs: w.restoredAtMs, label: `restore ${formatDurationMs(w.restoredAtMs - w.restoreStartMs)}`, color: LANE_COLORS.command, toPrecisionMs: restorePrecisionMs || null });
  }
  return segments;
}

function faultShading(w: FaultWindow | null, endMs: number): TimelineData["shading"] {
  if (w === null) return [];
  const bands = [
    { fromMs: w.injectedAtMs, toMs: w.restoreStartMs ?? endMs, color: SHADE_COLORS.faultHeld },
    { fromMs: w.injectStartMs, toMs: w.injectedAtMs, color: SHADE_COLORS.command },
  ];
  if (w.restoreStartMs !== null && w.restoredAtMs !== null) bands.push({ fromMs: w.restoreStartMs, toMs: w.restoredAtMs, color: SHADE_COLORS.command });
  return bands;
}

/** The stable recoveries: the end of the fault's last window (failover) and of the restore's last. */
function recoveryMarks(analysis: RunAnalysis): TimelineData["marks"] {
  const f = analysis.fault;
  if (f === null) return [];
  const marks: TimelineData["marks"] = [];
  const lastFault = f.outages.at(-1);
  if (f.failoverMs !== null && lastFault?.endMs != null) {
    marks.push({ atMs: lastFault.endMs, label: `back for good: failover ${formatWithPrecision(f.failoverMs, f.precisionMs)}` });
  }
  const lastFailback = f.failbackOutages.at(-1);
  if (f.failbackRecoveryMs !== null && lastFailback?.endMs != null) {
    marks.push({ atMs: lastFailback.endMs, label: `back for good after the restore (${formatWithPrecision(f.failbackRecoveryMs, f.failbackRecoveryPrecisionMs)})` });
  }
  return marks;
}
