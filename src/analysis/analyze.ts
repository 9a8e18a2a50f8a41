/**
 * The README's "Measurement definitions", applied to a finished timeline. Pure: the same events
 * always give the same figures, whatever order they arrived in. Every choice made here is a
 * sentence of that section; keep the two in step.
 */
import type { FaultEvent, ProbeEvent } from "../model/timeline.js";
import { LATENCY_PHASES, type LatencyPhase } from "../model/scenario.js";
import { analyzeFault } from "./fault-figures.js";
import { formatDurationMs } from "./format.js";
import { isFailed, outageSpans, phaseOfSpan, toOutage } from "./outage-windows.js";
import { phaseLatency } from "./phase-latency.js";
import { probeStats } from "./probe-stats.js";
import type { AnalysisInput, FaultAnalysis, PhaseLatency, RunAnalysis } from "./types.js";
import { splitBrainIntervals, vipEventsOf, vipOwnersAt } from "./vip-owners.js";

export function analyzeRun(input: AnalysisInput): RunAnalysis {
  const { events, stream, intervalMs, endMs } = input;
  const stableProbes = Math.max(1, Math.ceil(input.stableMs / intervalMs));
  const probes: ProbeEvent[] = [];
  let skipped = 0;
  const notes: string[] = [];
  let inject: FaultEvent | undefined;
  let injects = 0;
  for (const e of input.probes?.sent ?? []) if (e.dueMs < endMs) probes.push(e);
  for (const e of input.probes?.skipped ?? []) if (e.dueMs < endMs) skipped++;
  for (const e of events) {
    if (e.type === "probe") {
      if (e.stream === stream && e.dueMs < endMs) probes.push(e);
    } else if (e.type === "probe-skipped") {
      if (e.stream === stream && e.dueMs < endMs) skipped++;
    } else if (e.type === "note") {
      // What the drill itself noted (a target re-resolved, …) comes first.
      notes.push(e.message);
    } else if (e.type === "fault-injected") {
      injects++;
      inject ??= e;
    }
  }
  const ordered = bySeq(probes);
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

/**
 * Probes in sequence order. They finish out of order but their numbers are dense and unique, so
 * each goes straight to its slot: linear, where a comparison sort of an hour's probes is not.
 */
function bySeq(probes: readonly ProbeEvent[]): ProbeEvent[] {
  if (probes.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of probes) {
    if (p.seq < min) min = p.seq;
    if (p.seq > max) max = p.seq;
  }
  const slots: Array<ProbeEvent | undefined> = new Array<ProbeEvent | undefined>(max - min + 1);
  let duplicate = false;
  for (const p of probes) {
    if (slots[p.seq - min] !== undefined) duplicate = true;
    slots[p.seq - min] = p;
  }
  if (duplicate) return [...probes].sort((a, b) => a.seq - b.seq);
  const ordered: ProbeEvent[] = [];
  for (const p of slots) if (p !== undefined) ordered.push(p);
  return ordered;
}

/** The last N probe numbers were all sent and all succeeded. */
function endsHealthy(probes: readonly ProbeEvent[], n: number): boolean {
  const last = probes.slice(-n);
  return last.length === n && last.every((p, i) => !isFailed(p) && (i === 0 || p.seq === last[i - 1]!.seq + 1));
}

/**
 * Phases by due time: baseline [0, S_f) · fault [S_f, R) · recovered [R, S_r) · after-restore
 * [S_r, end), where R is the end of the fault's last outage window (T_f when there is none; S_r when
 * it did not end before). Without a fault every probe is baseline.
 */
function latencyByPhase(probes: readonly ProbeEvent[], fault: FaultAnalysis | null, endMs: number): Record<LatencyPhase, PhaseLatency> {
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
