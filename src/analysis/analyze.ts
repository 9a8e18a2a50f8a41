/**
 * The measurement definitions (DESIGN.md, "Measurement: the definitions"), applied to a finished
 * timeline. Pure: the same events always give the same figures.
 *
 * Choices where DESIGN is silent, kept here so the README can quote them:
 * - Only probes due in [0, endMs) of the analysed stream count, ordered by seq (they arrive out
 *   of order). A skipped probe is neither a success nor a failure: it does not break a run of
 *   successes, but it widens the precision of a bracket it falls in by Δ.
 * - The restore's command start S_r splits the run: failures due from S_r on belong to the
 *   failback, as failures due from the inject's command start on belong to the fault. So errors
 *   after recovery and flaps count up to S_r, and the fault's outage anchor is looked for in
 *   [T_f, S_r). Latency phases keep DESIGN's T_r boundary.
 * - Failures only while the inject command ran (none after it returned) still make an outage,
 *   anchored on them and flagged; failover = max(0, recovery − T_f). See outage-window.ts.
 * - An outage still open at the restore is one outage: it ends at its stable recovery (after
 *   T_r), and the failback looks for failures only after that recovery.
 * - The VIP owner "before" is taken before the inject command started (the fault may move the VIP
 *   before the command returns); a move counts if the VIP appears on another host between the
 *   command start and the restore's command start. vipMoveMs can then be negative.
 */
import type { FaultEvent, ProbeEvent, VipEvent } from "../model/timeline.js";
import { LATENCY_PHASES, type LatencyPhase } from "../model/scenario.js";
import { formatDurationMs, roundUpToTenthMs } from "./format.js";
import { countFailures, countFlaps, findOutage, isFailed, type Outage } from "./outage-window.js";
import { phaseLatency } from "./phase-latency.js";
import { probeStats } from "./probe-stats.js";
import type { AnalysisInput, FaultAnalysis, PhaseLatency, ProbeStats, RunAnalysis } from "./types.js";
import { firstVipMove, ownerLabel, splitBrainIntervals, vipEventsOf, vipOwnersAt } from "./vip-owners.js";

export function analyzeRun(input: AnalysisInput): RunAnalysis {
  const { events, stream, intervalMs, endMs } = input;
  const stableProbes = Math.max(1, Math.ceil(input.stableMs / intervalMs));
  const probes = events
    .filter((e): e is ProbeEvent => e.type === "probe" && e.stream === stream && e.dueMs < endMs)
    .sort((a, b) => a.seq - b.seq);
  const skipped = events.filter((e) => e.type === "probe-skipped" && e.stream === stream && e.dueMs < endMs).length;
  const stats = probeStats(probes, skipped);
  const vipEvents = vipEventsOf(events, endMs);
  // What the drill itself noted (a target re-resolved, …) comes first.
  const notes: string[] = input.events.flatMap((e) => (e.type === "note" ? [e.message] : []));

  const injects = events.filter((e): e is FaultEvent => e.type === "fault-injected");
  const inject = injects[0];
  if (injects.length > 1) notes.push(`${injects.length} faults were injected; the figures are for the first (${inject!.faultId})`);
  const restore = events.find((e): e is FaultEvent => e.type === "fault-restored" && e.faultId === inject?.faultId);
  const ctx = { probes, stats, vipEvents, intervalMs, stableProbes, endMs, notes };
  const fault = inject === undefined ? null : analyzeFault(ctx, inject, restore);
  if (inject === undefined) notes.push("no fault was injected: only probe figures and baseline latency");
  if (skipped > 0) notes.push(`${skipped} probes were skipped (too many in flight)`);

  const lastProbes = probes.slice(-stableProbes);
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
    fault,
    latency: latencyByPhase(probes, fault, endMs),
    splitBrain: overlaps.filter((o) => o.durationMs > graceMs || o.openAtEnd),
    endsOnExactlyOne: vipOwnersAt(vipEvents, endMs, true).length === 1,
    healthyAfterRestore: lastProbes.length === stableProbes && lastProbes.every((p) => !isFailed(p)),
    notes,
  };
}

interface Context {
  probes: readonly ProbeEvent[];
  stats: ProbeStats;
  vipEvents: readonly VipEvent[];
  intervalMs: number;
  stableProbes: number;
  endMs: number;
  notes: string[];
}

/** The figures of one outage search, relative to the instant its action returned. */
interface Recovery {
  outage: Outage | null;
  recovered: boolean;
  /** Due time of the first probe of the stable recovery; null with no outage or none seen. */
  recoveryMs: number | null;
  /** recovery − returnedMs (floored at 0); 0 with no outage; null when never recovered. */
  sinceReturnMs: number | null;
  outageMs: number | null;
  precisionMs: number;
  outagePrecisionMs: number;
}

function recoveryFigures(ctx: Context, outage: Outage | null, returnedMs: number): Recovery {
  const { intervalMs, probes } = ctx;
  const lagP99Ms = ctx.stats.schedulerLagMs.p99;
  const window = outage?.window;
  // A bracket is two neighbouring probes (by seq) on either side of a change; the change happened
  // between their sends, so its ± is Δ plus the later of their two send lags (plus Δ per unsent probe
  // between them). Without a bracket (nothing failed, or never recovered) the run's lag p99 stands in.
  const lag = (p: ProbeEvent | undefined): number | undefined => (p ? p.sentMs - p.dueMs : undefined);
  const bracketLag = (before: ProbeEvent | undefined, after: ProbeEvent | undefined): number =>
    before && after ? Math.max(lag(before)!, lag(after)!) : lagP99Ms;
  const recoveryIndex = outage?.recoveryIndex ?? null;
  const endLag = recoveryIndex === null ? lagP99Ms : bracketLag(probes[recoveryIndex - 1], probes[recoveryIndex]);
  const startIndex = window ? probes.findIndex((p) => p.dueMs === window.startMs) : -1;
  const startLag = startIndex < 0 ? lagP99Ms : bracketLag(probes[startIndex], probes[startIndex + 1]);
  const precisionMs = roundUpToTenthMs(intervalMs * (1 + (window?.unsentInEndBracket ?? 0)) + endLag);
  const unsent = (window?.unsentInStartBracket ?? 0) + (window?.unsentInEndBracket ?? 0);
  const outagePrecisionMs = roundUpToTenthMs(intervalMs * (2 + unsent) + (window ? startLag + endLag : lagP99Ms));
  if (window === undefined) {
    return { outage: null, recovered: true, recoveryMs: null, sinceReturnMs: 0, outageMs: 0, precisionMs, outagePrecisionMs };
  }
  if (window.endMs === null) {
    return { outage, recovered: false, recoveryMs: null, sinceReturnMs: null, outageMs: null, precisionMs, outagePrecisionMs };
  }
  return {
    outage,
    recovered: true,
    recoveryMs: window.endMs,
    sinceReturnMs: Math.max(0, window.endMs - returnedMs),
    outageMs: window.endMs - window.startMs,
    precisionMs,
    outagePrecisionMs,
  };
}

function analyzeFault(ctx: Context, inject: FaultEvent, restore: FaultEvent | undefined): FaultAnalysis {
  const { probes, vipEvents, stableProbes, notes } = ctx;
  const restoreStartMs = restore?.startMs ?? Number.POSITIVE_INFINITY;

  const failover = recoveryFigures(
    ctx,
    findOutage(probes, stableProbes, { commandStartMs: inject.startMs, returnedMs: inject.atMs, untilMs: restoreStartMs }),
    inject.atMs,
  );
  const recoveryMs = failover.recoveryMs;
  const afterRecovery = (count: (from: number, to: number) => number): number =>
    recoveryMs === null ? 0 : count(recoveryMs, restoreStartMs);
  const failuresBeforeInjectReturned = countFailures(probes, inject.startMs, inject.atMs);
  noteOutage(notes, "inject", failover, failuresBeforeInjectReturned);

  const ownersBefore = vipOwnersAt(vipEvents, inject.startMs, false);
  const move = firstVipMove(vipEvents, ownersBefore, inject.startMs, restoreStartMs);
  const ownersAfter = restore === undefined ? null : vipOwnersAt(vipEvents, restore.atMs, true);
  const ownersAtEnd = vipOwnersAt(vipEvents, ctx.endMs, true);

  const analysis: FaultAnalysis = {
    faultId: inject.faultId,
    fault: inject.fault,
    hosts: inject.hosts,
    injectStartMs: inject.startMs,
    injectedAtMs: inject.atMs,
    restoreStartMs: restore?.startMs ?? null,
    restoredAtMs: restore?.atMs ?? null,
    outage: failover.outage?.window ?? null,
    recovered: failover.recovered,
    failoverMs: failover.sinceReturnMs,
    outageMs: failover.outageMs,
    // A T_f stamped by a host on its own clock adds the offset's uncertainty to figures measured from it.
    precisionMs: roundUpToTenthMs(failover.precisionMs + (inject.uncertaintyMs ?? 0)),
    outagePrecisionMs: failover.outagePrecisionMs,
    errorsAfterRecovery: afterRecovery((from, to) => countFailures(probes, from, to)),
    flaps: afterRecovery((from, to) => countFlaps(probes, from, to)),
    failuresBeforeInjectReturned,
    vipMoveMs: move === null ? null : move.atMs - inject.atMs,
    vipMovedTo: move?.host ?? null,
    vipMovePrecisionMs: null,
    vipOwnerBefore: ownerLabel(ownersBefore),
    vipOwnerAfter: ownersAfter === null ? null : ownerLabel(ownersAfter),
    vipOwnerAtEnd: ownerLabel(ownersAtEnd),
    vipOwnersBefore: ownersBefore,
    vipOwnersAfter: ownersAfter,
    vipOwnersAtEnd: ownersAtEnd,
    failbackOutage: null,
    failbackRecovered: null,
    failbackMs: null,
    failbackOutageMs: null,
    failbackPrecisionMs: null,
    failbackOutagePrecisionMs: null,
    failbackFlaps: null,
    failuresBeforeRestoreReturned: null,
    vipMoveBackMs: null,
    vipMovedBackTo: null,
  };
  if (restore === undefined) {
    notes.push("the fault was never restored (no fault-restored event): no failback figures");
    return analysis;
  }

  const moveBack = firstVipMove(vipEvents, vipOwnersAt(vipEvents, restore.startMs, false), restore.startMs, Number.POSITIVE_INFINITY);
  analysis.vipMoveBackMs = moveBack === null ? null : moveBack.atMs - restore.atMs;
  analysis.vipMovedBackTo = moveBack?.host ?? null;
  analysis.failuresBeforeRestoreReturned = countFailures(probes, restore.startMs, restore.atMs);

  if (!failover.recovered) {
    // Still down from the fault: there is no failback to measure, only a missing recovery.
    analysis.failbackRecovered = false;
    analysis.failbackFlaps = 0;
    return analysis;
  }
  if (recoveryMs !== null && recoveryMs > restore.atMs) {
    notes.push(`the endpoint recovered only ${formatDurationMs(recoveryMs - restore.atMs)} after the restore returned`);
  }
  // Failures before the fault's recovery belong to the fault's outage, even when due after S_r.
  const notBefore = recoveryMs ?? Number.NEGATIVE_INFINITY;
  const failback = recoveryFigures(
    ctx,
    findOutage(probes, stableProbes, {
      commandStartMs: Math.max(restore.startMs, notBefore),
      returnedMs: Math.max(restore.atMs, notBefore),
      untilMs: Number.POSITIVE_INFINITY,
    }),
    restore.atMs,
  );
  noteOutage(notes, "restore", failback, analysis.failuresBeforeRestoreReturned);
  analysis.failbackOutage = failback.outage?.window ?? null;
  analysis.failbackRecovered = failback.recovered;
  analysis.failbackMs = failback.sinceReturnMs;
  analysis.failbackOutageMs = failback.outageMs;
  analysis.failbackPrecisionMs = roundUpToTenthMs(failback.precisionMs + (restore.uncertaintyMs ?? 0));
  analysis.failbackOutagePrecisionMs = failback.outagePrecisionMs;
  analysis.failbackFlaps = failback.recoveryMs === null ? 0 : countFlaps(probes, failback.recoveryMs, Number.POSITIVE_INFINITY);
  return analysis;
}

function noteOutage(notes: string[], action: "inject" | "restore", recovery: Recovery, failedWhileRunning: number): void {
  const window = recovery.outage?.window;
  if (window?.anchoredBeforeReturn) {
    notes.push(`after the ${action}: probes failed only while its command ran, before it returned; the outage is anchored on them`);
  } else if (failedWhileRunning > 0) {
    notes.push(`after the ${action}: ${failedWhileRunning} probes failed while its command ran, before it returned`);
  }
  if (window?.startsAtFirstProbe) {
    notes.push(`after the ${action}: no probe succeeded before the outage; it starts at the first probe (a lower bound)`);
  }
  if (window !== undefined && !recovery.recovered) notes.push(`after the ${action}: the endpoint never recovered stably`);
  const unsent = (window?.unsentInStartBracket ?? 0) + (window?.unsentInEndBracket ?? 0);
  if (unsent > 0) notes.push(`after the ${action}: ${unsent} unsent probes widen the brackets`);
}

/**
 * Phases by due time: baseline < inject command start ≤ fault < stable recovery (or T_r) ≤
 * recovered < T_r ≤ after-restore < endMs. Without a fault every probe is baseline.
 */
function latencyByPhase(
  probes: readonly ProbeEvent[],
  fault: FaultAnalysis | null,
  endMs: number,
): Record<LatencyPhase, PhaseLatency> {
  const restoredMs = fault?.restoredAtMs ?? endMs;
  const recoveryMs = fault?.outage?.endMs ?? null;
  const faultEndMs = recoveryMs === null ? restoredMs : Math.min(recoveryMs, restoredMs);
  const bounds: Record<LatencyPhase, [number | null, number | null]> = {
    baseline: [0, fault?.injectStartMs ?? endMs],
    fault: fault === null ? [null, null] : [fault.injectStartMs, faultEndMs],
    recovered: recoveryMs !== null && recoveryMs < restoredMs ? [recoveryMs, restoredMs] : [null, null],
    "after-restore": fault?.restoredAtMs == null ? [null, null] : [fault.restoredAtMs, endMs],
  };
  const entries = LATENCY_PHASES.map((phase) => [phase, phaseLatency(phase, probes, ...bounds[phase])] as const);
  return Object.fromEntries(entries) as Record<LatencyPhase, PhaseLatency>;
}
