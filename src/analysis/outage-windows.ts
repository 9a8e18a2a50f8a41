/**
 * Outage windows (README, "Measurement definitions"): the run's probes, in sequence order, cut into
 * the stretches in which clients could not reach the endpoint. A failure opens a window; only a
 * stable recovery — N consecutive sequence numbers, each sent and successful — closes it, so a
 * blip of fewer successes, or successes broken by an unsent probe, stay inside it.
 */
import type { ProbeTable } from "../model/probe-table.js";
import type { ProbeErrorKind } from "../model/timeline.js";
import { roundUpToTenthMs } from "./format.js";
import type { Outage, OutagePhase } from "./types.js";

/** One window by index into the probes (ordered by seq). */
export interface OutageSpan {
  /** The last success before the first failure; -1 when no probe succeeded before it. */
  lastOk: number;
  firstFail: number;
  lastFail: number;
  /** The first probe of the stable recovery; null when none came before the end of the run. */
  recovery: number | null;
  failed: number;
  kinds: Partial<Record<ProbeErrorKind, number>>;
}

/** Every outage window of the run, in order. One pass; probes must be sorted by seq. */
export function outageSpans(probes: ProbeTable, stableProbes: number): OutageSpan[] {
  const spans: OutageSpan[] = [];
  let open: OutageSpan | null = null;
  let lastOk = -1;
  let run = 0;
  const { seq } = probes;
  for (let i = 0; i < probes.length; i++) {
    if (probes.failed(i)) {
      run = 0;
      open ??= { lastOk, firstFail: i, lastFail: i, recovery: null, failed: 0, kinds: {} };
      open.lastFail = i;
      open.failed++;
      const kind = probes.outcome(i) as ProbeErrorKind;
      open.kinds[kind] = (open.kinds[kind] ?? 0) + 1;
      continue;
    }
    // A probe that was never sent (a gap in seq) breaks a run of successes: nobody saw that moment.
    run = run > 0 && seq[i] === seq[i - 1]! + 1 ? run + 1 : 1;
    lastOk = i;
    if (open !== null && run >= stableProbes) {
      open.recovery = i - stableProbes + 1;
      spans.push(open);
      open = null;
    }
  }
  if (open !== null) spans.push(open);
  return spans;
}

/**
 * A change lies between the sends of the two probes that bracket it. Its ± is their distance in due
 * time (Δ per sequence step: probes between them that were unsent, or sent and successful without
 * making a stable run, widen it) plus the larger of their two send lags.
 */
export function bracketPrecisionMs(probes: ProbeTable, earlier: number, later: number, intervalMs: number): number {
  return (probes.seq[later]! - probes.seq[earlier]!) * intervalMs + Math.max(probes.lagMs[earlier]!, probes.lagMs[later]!, 0);
}

/** Sequence numbers between two sent probes that no probe was sent for (skipped: too many in flight). */
export function unsentBetween(probes: ProbeTable, earlier: number, later: number): number {
  return probes.seq[later]! - probes.seq[earlier]! - (later - earlier);
}

/** A span as report.json carries it: times, their ±, failed probes by kind. */
export function toOutage(probes: ProbeTable, span: OutageSpan, intervalMs: number, phase: OutagePhase): Outage {
  const startsAtFirstProbe = span.lastOk < 0;
  const startPrecisionMs = startsAtFirstProbe ? null : bracketPrecisionMs(probes, span.lastOk, span.firstFail, intervalMs);
  const endPrecisionMs = span.recovery === null ? null : bracketPrecisionMs(probes, span.lastFail, span.recovery, intervalMs);
  const startMs = probes.dueMs[startsAtFirstProbe ? span.firstFail : span.lastOk]!;
  const endMs = span.recovery === null ? null : probes.dueMs[span.recovery]!;
  return {
    phase,
    startMs,
    endMs,
    durationMs: endMs === null ? null : endMs - startMs,
    precisionMs: endPrecisionMs === null ? null : roundUpToTenthMs(endPrecisionMs + (startPrecisionMs ?? 0)),
    startPrecisionMs: startPrecisionMs === null ? null : roundUpToTenthMs(startPrecisionMs),
    endPrecisionMs: endPrecisionMs === null ? null : roundUpToTenthMs(endPrecisionMs),
    failedProbes: span.failed,
    errorKinds: span.kinds,
    firstFailureDueMs: probes.dueMs[span.firstFail]!,
    lastFailureDueMs: probes.dueMs[span.lastFail]!,
    startsAtFirstProbe,
    unsentInStartBracket: startsAtFirstProbe ? 0 : unsentBetween(probes, span.lastOk, span.firstFail),
    unsentInEndBracket: span.recovery === null ? 0 : unsentBetween(probes, span.lastFail, span.recovery),
  };
}

/**
 * Where each window is counted: by when its first failure was due — before S_f the baseline, in
 * [S_f, S_r) the fault, from S_r the restore — except that a window still open at S_f is the fault's.
 */
export function phaseOfSpan(probes: ProbeTable, span: OutageSpan, injectStartMs: number, restoreStartMs: number): OutagePhase {
  const first = probes.dueMs[span.firstFail]!;
  if (first >= restoreStartMs) return "restore";
  if (first >= injectStartMs) return "fault";
  const end = span.recovery === null ? null : probes.dueMs[span.recovery]!;
  return end === null || end > injectStartMs ? "fault" : "baseline";
}

/** Failed probes due in [fromMs, toMs), among probes first … end − 1 (all by default). */
export function countFailures(probes: ProbeTable, fromMs: number, toMs: number, first = 0, end = probes.length): number {
  let failed = 0;
  const { dueMs } = probes;
  for (let i = first; i < end; i++) if (probes.failed(i) && dueMs[i]! >= fromMs && dueMs[i]! < toMs) failed++;
  return failed;
}

/** ok→fail transitions whose failing probe is due in [fromMs, toMs) (the success before it may be earlier). */
export function countFlaps(probes: ProbeTable, fromMs: number, toMs: number): number {
  let flaps = 0;
  const { dueMs } = probes;
  for (let i = 1; i < probes.length; i++) {
    if (dueMs[i]! >= fromMs && dueMs[i]! < toMs && probes.failed(i) && !probes.failed(i - 1)) flaps++;
  }
  return flaps;
}
