/**
 * The README's "Measurement definitions", applied to a finished timeline. Pure: the same events
 * always give the same figures, whatever order they arrived in. Every choice made here is a
 * sentence of that section; keep the two in step.
 */
import { ProbeTable } from "../model/probe-table.js";
import type { FaultEvent } from "../model/timeline.js";
import { LATENCY_PHASES, type LatencyPhase } from "../model/scenario.js";
import { analyzeFault } from "./fault-figures.js";
import { formatDurationMs } from "./format.js";
import { outageSpans, phaseOfSpan, toOutage } from "./outage-windows.js";
import { phaseLatency } from "./phase-latency.js";
import { probeStats } from "./probe-stats.js";
import type { AnalysisInput, FaultAnalysis, PhaseLatency, RunAnalysis } from "./types.js";
import { splitBrainIntervals, vipEventsOf, vipOwnersAt } from "./vip-owners.js";

export function analyzeRun(input: AnalysisInput): RunAnalysis {
  const { events, stream, intervalMs, endMs } = input;
  const stableProbes = Math.max(1, Math.ceil(input.stableMs / intervalMs));
  const notes: string[] = [];
  let inject: FaultEvent | undefined;
  let injects = 0;
  for (const e of events) {
    if (e.type === "note") {
      // What the drill itself noted (a target re-resolved, …) comes first.
      notes.push(e.message);
    } else if (e.type === "fault-injected") {
      injects++;
      inject ??= e;
    }
  }
  const ordered = input.probes ?? ProbeTable.fromEvents(stream, events, endMs);
  const skipped = ordered.skippedDueMs.length;
  const stats = probeStats(ordered, skipped);
  const vipEvents = vipEventsOf(events, endMs);
  const spans = outageSpans(ordered, stableProbes);
  if (injects > 1) notes.push(`${injects} faults were injected; the figures are for the first (${inject!.faultId})`);
  const restore = events.find((e): e is FaultEvent => e.type === "fault-restored" && e.faultId === inject?.faultId);
  const injectStartMs = inject?.startMs ?? Number.POSITIVE_INFINITY;
  const restoreStartMs = restore?.startMs ?? Number.POSITIVE_INFINITY;
  const outages = spans.map((span) => toOutage(ordered, span, intervalMs, phaseOfSpan(ordered, span, injectStartMs, restoreStartMs)));
  const baselineOutages = outages.filter((o) => o.phase === "baseline");
  if (baselineOutages.length > 0) {
    notes.push(`before the fault: ${baselineOutages.length} outage window${baselineOutages.length === 1 ? "" : "s"} (from ${baselineOutages.map((o) => `T+${formatDurationMs(o.startMs)}`).join(", ")}): the baseline was not steady`);
  }
  const fault =
    inject === undefined
      ? null
      : analyzeFault({ probes: ordered, spans, outages, stats, vipEvents, intervalMs, endMs, vipTimePrecisionMs: input.vipTimePrecisionMs ?? null, predicted: input.predicted ?? null, predictedFailback: input.predictedFailback ?? null, notes }, inject, restore);
  if (inject === undefined) notes.push("no fault was injected: only probe figures and baseline latency");
  if (skipped > 0) notes.push(`${skipped} probes were skipped (too many in flight)`);

  // A handover has the new owner add the VIP a moment before the old one drops it; overlaps no longer
  // than the grace are reported, not counted as split brain.
  const graceMs = input.splitBrainGraceMs ?? 0;
  const overlaps = splitBrainIntervals(vipEvents, endMs);
  for (const o of overlaps.filter((o) => o.durationMs <= graceMs && !o.openAtEnd)) {
    notes.push(`handover overlap: ${o.hosts.join("+")} both held the VIP for ${o.durationMs.toFixed(1)} ms at ${o.fromMs.toFixed(1)} ms (≤ ${graceMs} ms grace: not split brain)`);
  }
  return {
    stream,
    intervalMs,
    stableProbes,
    endMs,
    probes: stats,
    outages,
    fault,
    latency: latencyByPhase(ordered, fault, endMs),
    splitBrain: overlaps.filter((o) => o.durationMs > graceMs || o.openAtEnd),
    endsOnExactlyOne: vipOwnersAt(vipEvents, endMs, true).length === 1,
    healthyAfterRestore: endsHealthy(ordered, stableProbes),
    notes,
  };
}

/** The last N probe numbers were all sent and all succeeded. */
function endsHealthy(probes: ProbeTable, n: number): boolean {
  if (probes.length < n) return false;
  for (let i = probes.length - n; i < probes.length; i++) {
    if (probes.failed(i) || (i > probes.length - n && probes.seq[i] !== probes.seq[i - 1]! + 1)) return false;
  }
  return true;
}

/**
 * Phases by due time: baseline [0, S_f) · fault [S_f, R) · recovered [R, S_r) · after-restore
 * [S_r, end), where R is the end of the fault's last outage window (T_f when there is none; S_r when
 * it did not end before). Without a fault every probe is baseline.
 */
function latencyByPhase(probes: ProbeTable, fault: FaultAnalysis | null, endMs: number): Record<LatencyPhase, PhaseLatency> {
  const restoreStartMs = fault?.restoreStartMs ?? endMs;
  const lastEnd = fault?.outages.at(-1)?.endMs;
  const recoveredMs = fault === null ? null : fault.outages.length === 0 ? fault.injectedAtMs : fault.recovered ? lastEnd! : null;
  const bounds: Record<LatencyPhase, [number | null, number | null]> = {
    baseline: [0, fault?.injectStartMs ?? endMs],
    fault: fault === null ? [null, null] : [fault.injectStartMs, recoveredMs === null ? restoreStartMs : Math.max(fault.injectStartMs, recoveredMs)],
    recovered: recoveredMs === null ? [null, null] : [Math.max(fault!.injectStartMs, recoveredMs), restoreStartMs],
    "after-restore": fault?.restoreStartMs == null ? [null, null] : [fault.restoreStartMs, endMs],
  };
  const entries = LATENCY_PHASES.map((phase) => [phase, phaseLatency(phase, probes, ...bounds[phase])] as const);
  return Object.fromEntries(entries) as Record<LatencyPhase, PhaseLatency>;
}
