/**
 * The figures of one fault (README, "Measurement definitions"): its outage windows, failover,
 * outage, errors after recovery and flaps around the inject; the same around the restore; where the
 * VIP went. S_f/T_f are the inject command's start and return, S_r/T_r the restore's.
 */
import type { ProbeTable } from "../model/probe-table.js";
import type { FaultEvent, VipEvent } from "../model/timeline.js";
import { formatDurationMs, roundUpToTenthMs } from "./format.js";
import { countFailures, countFlaps, type OutageSpan } from "./outage-windows.js";
import type { FaultAnalysis, Outage, ProbeStats } from "./types.js";
import type { PredictedWindow } from "../model/prediction.js";
import { firstVipMove, ownerLabel, vipOwnersAt } from "./vip-owners.js";

export interface FaultContext {
  probes: ProbeTable;
  /** Every outage window of the run, and the same as report.json carries them (with their phase). */
  spans: readonly OutageSpan[];
  outages: readonly Outage[];
  stats: ProbeStats;
  vipEvents: readonly VipEvent[];
  intervalMs: number;
  endMs: number;
  vipTimePrecisionMs: number | null;
  predicted: PredictedWindow | null;
  predictedFailback: PredictedWindow | null;
  notes: string[];
}

const at = (ms: number): string => `T+${formatDurationMs(ms)}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * An outage counted with the fault whose first failure was due before S_f: either the endpoint was
 * already failing (a failure answered before S_f), or probes sent just before it were still in flight
 * when the fault struck (a fresh TLS exchange takes several round trips), and failed by it.
 */
function openedBeforeInjectNote(probes: ProbeTable, span: OutageSpan, injectStartMs: number): string {
  let inFlight = 0;
  for (let i = span.firstFail; i <= span.lastFail && probes.dueMs[i]! < injectStartMs; i++) {
    if (!probes.failed(i)) continue;
    if (probes.dueMs[i]! + probes.latencyMs[i]! < injectStartMs) {
      return "the endpoint was already failing when the inject command started: the first outage began in the baseline";
    }
    inFlight++;
  }
  return `${plural(inFlight, "probe")} sent up to ${formatDurationMs(injectStartMs - probes.dueMs[span.firstFail]!)} before the inject command started ${inFlight === 1 ? "was" : "were"} still in flight when the fault struck, and failed: the outage starts at the first of them`;
}

export function analyzeFault(ctx: FaultContext, inject: FaultEvent, restore: FaultEvent | undefined): FaultAnalysis {
  const { probes, vipEvents, intervalMs, notes } = ctx;
  const injectStartMs = inject.startMs;
  const restoreStartMs = restore?.startMs ?? Number.POSITIVE_INFINITY;
  const injectUncertaintyMs = inject.uncertaintyMs ?? 0;
  const dueOf = (index: number): number => probes.dueMs[index]!;
  const endOf = (span: OutageSpan): number | null => (span.recovery === null ? null : dueOf(span.recovery));
  // No failure seen: an outage shorter than the gap between two sends could still have hidden there.
  const unseenMs = roundUpToTenthMs(intervalMs + ctx.stats.schedulerLagMs.p99);

  const faultSpans = ctx.spans.filter((_, i) => ctx.outages[i]!.phase === "fault");
  const outages = ctx.outages.filter((o) => o.phase === "fault");
  const openedBefore = faultSpans.find((span) => dueOf(span.firstFail) < injectStartMs);
  if (openedBefore !== undefined) notes.push(openedBeforeInjectNote(probes, openedBefore, injectStartMs));

  const last = faultSpans.at(-1);
  const lastEnd = last === undefined ? null : endOf(last);
  const unrecovered = last === undefined ? null : lastEnd === null ? "never" : lastEnd >= restoreStartMs ? "after-restore" : null;
  const recovered = unrecovered === null;
  const lastOutage = outages.at(-1);
  const failoverMs = last === undefined ? 0 : recovered ? Math.max(0, lastEnd! - inject.atMs) : null;
  const precisionMs = roundUpToTenthMs((lastOutage?.endPrecisionMs ?? unseenMs) + injectUncertaintyMs);
  if (unrecovered === "after-restore") {
    notes.push(`the endpoint did not recover while the fault held: clients were back only ${formatDurationMs(lastEnd! - restore!.atMs)} after the restore returned (${at(lastEnd!)})`);
  } else if (unrecovered === "never") {
    notes.push("after the inject: the endpoint never recovered stably before the end of the run");
  }
  if (recovered && last !== undefined && lastEnd! < inject.atMs) {
    notes.push(`clients were back ${formatDurationMs(inject.atMs - lastEnd!)} before the inject command returned (it took ${formatDurationMs(inject.atMs - injectStartMs)}): failover reads 0; see the outage`);
  }

  const outageMs = outages.some((o) => o.durationMs === null) ? null : Math.max(0, ...outages.map((o) => o.durationMs!));
  const outagePrecisionMs = outages.length === 0 ? unseenMs : Math.max(...outages.map((o) => o.precisionMs ?? 0));
  // Errors after recovery count from the first stable recovery, so a second outage is never hidden.
  const firstEnd = faultSpans.length === 0 ? null : endOf(faultSpans[0]!);
  const firstRecoveredBeforeRestore = faultSpans.length === 0 || (firstEnd !== null && firstEnd < restoreStartMs);
  const errorsFromMs = firstEnd ?? inject.atMs;
  const errorsAfterRecovery = firstRecoveredBeforeRestore ? countFailures(probes, errorsFromMs, restoreStartMs) : null;
  const flaps = firstRecoveredBeforeRestore ? countFlaps(probes, errorsFromMs, restoreStartMs) : null;
  if (outages.length > 1) {
    notes.push(`after the inject: ${outages.length} outage windows; failover counts to the end of the last (${at(lastOutage!.endMs ?? lastOutage!.startMs)})`);
  }
  const predicted = ctx.predicted;
  const outsidePrediction = predicted === null || failoverMs === null ? null : outsideWindow(predicted, failoverMs, precisionMs, inject);
  if (outsidePrediction) notes.push(findingText("failover", failoverMs!, precisionMs, predicted!));
  const failuresBeforeInjectReturned = countFailures(probes, injectStartMs, inject.atMs);
  if (failuresBeforeInjectReturned > 0) {
    notes.push(`after the inject: ${plural(failuresBeforeInjectReturned, "probe")} failed while its command ran, before it returned`);
  }
  noteWindows(notes, "inject", outages);

  const vipOwnersBefore = vipOwnersAt(vipEvents, injectStartMs, false);
  const move = movedFrom(vipEvents, vipOwnersBefore, injectStartMs, restoreStartMs, "inject", notes);
  const vipOwnersAfter = restore === undefined ? null : vipOwnersAt(vipEvents, restore.atMs, true);
  const vipOwnersAtEnd = vipOwnersAt(vipEvents, ctx.endMs, true);
  const withTimeUncertainty = (uncertaintyMs: number): number | null =>
    ctx.vipTimePrecisionMs === null ? null : roundUpToTenthMs(ctx.vipTimePrecisionMs + uncertaintyMs);

  const analysis: FaultAnalysis = {
    faultId: inject.faultId,
    fault: inject.fault,
    hosts: inject.hosts,
    injectStartMs,
    injectedAtMs: inject.atMs,
    injectUncertaintyMs,
    restoreStartMs: restore?.startMs ?? null,
    restoredAtMs: restore?.atMs ?? null,
    restoreUncertaintyMs: restore === undefined ? null : (restore.uncertaintyMs ?? 0),
    outages,
    recovered,
    unrecovered,
    failoverMs,
    precisionMs,
    outageMs,
    outagePrecisionMs,
    firstRecoveryMs: faultSpans.length === 0 ? 0 : firstRecoveredBeforeRestore ? Math.max(0, firstEnd! - inject.atMs) : null,
    errorsAfterRecovery,
    flaps,
    failuresBeforeInjectReturned,
    predicted,
    outsidePrediction,
    vipOwnersBefore,
    vipMoveMs: move === null ? null : move.atMs - inject.atMs,
    vipMovedTo: move?.host ?? null,
    vipMovePrecisionMs: move === null ? null : withTimeUncertainty(injectUncertaintyMs),
    vipOwnerBefore: ownerLabel(vipOwnersBefore),
    vipOwnerAfter: vipOwnersAfter === null ? null : ownerLabel(vipOwnersAfter),
    vipOwnerAtEnd: ownerLabel(vipOwnersAtEnd),
    vipOwnersAfter,
    vipOwnersAtEnd,
    failbackOutages: [],
    failbackRecovered: null,
    failbackMs: null,
    failbackPrecisionMs: null,
    failbackRecoveryMs: null,
    failbackRecoveryPrecisionMs: null,
    failbackFlaps: null,
    failuresBeforeRestoreReturned: null,
    vipOwnersAtRestore: null,
    vipMoveBackMs: null,
    vipMovedBackTo: null,
    vipMoveBackPrecisionMs: null,
    predictedFailback: ctx.predictedFailback,
    outsideFailbackPrediction: null,
  };
  if (restore === undefined) {
    notes.push("the fault was never restored (no fault-restored event): no failback figures");
    return analysis;
  }

  const restoreUncertaintyMs = restore.uncertaintyMs ?? 0;
  const vipOwnersAtRestore = vipOwnersAt(vipEvents, restore.startMs, false);
  const moveBack = movedFrom(vipEvents, vipOwnersAtRestore, restore.startMs, Number.POSITIVE_INFINITY, "restore", notes);
  analysis.vipOwnersAtRestore = vipOwnersAtRestore;
  analysis.vipMoveBackMs = moveBack === null ? null : moveBack.atMs - restore.atMs;
  analysis.vipMovedBackTo = moveBack?.host ?? null;
  analysis.vipMoveBackPrecisionMs = moveBack === null ? null : withTimeUncertainty(restoreUncertaintyMs);
  const back = ctx.predictedFailback;
  if (back !== null && analysis.vipMoveBackMs !== null) {
    analysis.outsideFailbackPrediction = outsideWindow(back, analysis.vipMoveBackMs, analysis.vipMoveBackPrecisionMs ?? 0, restore);
    if (analysis.outsideFailbackPrediction) notes.push(findingText("VIP move back", analysis.vipMoveBackMs, analysis.vipMoveBackPrecisionMs ?? 0, back));
  } else if (back !== null && vipOwnersAtRestore.length > 0 && inject.uncertaintyMs === undefined && restore.uncertaintyMs === undefined) {
    // No move back: a finding only once the run has watched past the window's end, and only where
    // the fault cut off no host (a host stamps its own times then): one cut off is out of the VIP
    // observer's sight until it reconnects, so its move back may go unseen.
    analysis.outsideFailbackPrediction = ctx.endMs - restore.atMs > back.toMs ? true : null;
    if (analysis.outsideFailbackPrediction) {
      notes.push(`finding: the VIP did not move back within ${formatDurationMs(ctx.endMs - restore.atMs)} of the restore, though ${back.source} allows ${formatDurationMs(back.fromMs)}–${formatDurationMs(back.toMs)} (${back.terms.join("; ")})`);
    }
  }
  if (unrecovered === "never") return analysis; // still down from the fault: there is no failback to measure

  const failbackSpans = ctx.spans.filter((_, i) => ctx.outages[i]!.phase === "restore");
  const failbackOutages = ctx.outages.filter((o) => o.phase === "restore");
  const lastFailback = failbackSpans.at(-1);
  const lastFailbackEnd = lastFailback === undefined ? null : endOf(lastFailback);
  const failbackRecovered = lastFailback === undefined || lastFailbackEnd !== null;
  analysis.failbackOutages = failbackOutages;
  analysis.failbackRecovered = failbackRecovered;
  analysis.failbackMs = failbackRecovered ? Math.max(0, ...failbackOutages.map((o) => o.durationMs!)) : null;
  analysis.failbackPrecisionMs = failbackOutages.length === 0 ? unseenMs : Math.max(...failbackOutages.map((o) => o.precisionMs ?? 0));
  analysis.failbackRecoveryMs = lastFailback === undefined ? 0 : failbackRecovered ? Math.max(0, lastFailbackEnd! - restore.atMs) : null;
  analysis.failbackRecoveryPrecisionMs = roundUpToTenthMs((failbackOutages.at(-1)?.endPrecisionMs ?? unseenMs) + restoreUncertaintyMs);
  const firstFailbackEnd = failbackSpans.length === 0 ? null : endOf(failbackSpans[0]!);
  analysis.failbackFlaps = firstFailbackEnd === null ? (failbackSpans.length === 0 ? 0 : null) : countFlaps(probes, firstFailbackEnd, Number.POSITIVE_INFINITY);
  // Failures while the restore ran that belong to a fault window still open are the fault's, not the restore's.
  analysis.failuresBeforeRestoreReturned = failbackSpans.reduce(
    (n, s) => n + countFailures(probes, Number.NEGATIVE_INFINITY, restore.atMs, s.firstFail, s.lastFail + 1),
    0,
  );
  if (analysis.failuresBeforeRestoreReturned > 0) {
    notes.push(`after the restore: ${plural(analysis.failuresBeforeRestoreReturned, "probe")} failed while its command ran, before it returned`);
  }
  if (!failbackRecovered) notes.push("after the restore: the endpoint never recovered stably before the end of the run");
  noteWindows(notes, "restore", failbackOutages);
  return analysis;
}

/**
 * A figure measured from an action's return (T_f, T_r) against a window counted from when the
 * action took effect: somewhere while its command ran, so the window's lower end is compared from
 * the command's start. Outside only when the figure's ± lies wholly beyond.
 */
function outsideWindow(window: PredictedWindow, ms: number, precisionMs: number, action: FaultEvent): boolean {
  return ms + precisionMs + Math.max(0, action.atMs - action.startMs) < window.fromMs || ms - precisionMs > window.toMs;
}

function findingText(figure: string, ms: number, precisionMs: number, window: PredictedWindow): string {
  return `finding: ${figure} ${formatDurationMs(ms)} ± ${formatDurationMs(precisionMs)} lies outside the window ${formatDurationMs(window.fromMs)}–${formatDurationMs(window.toMs)} that ${window.source} allows (${window.terms.join("; ")})`;
}

/** Notes that qualify a set of windows: a start at the first probe, unsent probes in brackets. */
function noteWindows(notes: string[], action: "inject" | "restore", outages: readonly Outage[]): void {
  if (outages.some((o) => o.startsAtFirstProbe)) {
    notes.push(`after the ${action}: no probe succeeded before the outage; it starts at the first probe (its length is a lower bound)`);
  }
  const unsent = outages.reduce((n, o) => n + o.unsentInStartBracket + o.unsentInEndBracket, 0);
  if (unsent > 0) notes.push(`after the ${action}: ${plural(unsent, "unsent probe")} widen the brackets`);
}

/**
 * The VIP seen on a host outside `owners` in [fromMs, untilMs). A move needs an owner to move from:
 * with none, what happened instead is noted and there is no move.
 */
function movedFrom(
  vipEvents: readonly VipEvent[],
  owners: readonly string[],
  fromMs: number,
  untilMs: number,
  action: "inject" | "restore",
  notes: string[],
): { host: string; atMs: number } | null {
  if (owners.length > 0) return firstVipMove(vipEvents, owners, fromMs, untilMs);
  const taken = firstVipMove(vipEvents, [], fromMs, untilMs);
  notes.push(
    `no host held the VIP when the ${action} command started` +
      (taken === null ? "" : `; ${taken.host} took it at ${at(taken.atMs)}`) +
      ": no VIP move is measured",
  );
  return null;
}
