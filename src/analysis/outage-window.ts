import type { ProbeEvent } from "../model/timeline.js";
import type { OutageWindow } from "./types.js";

/** An action on the system under test (inject or restore) and where its failures may anchor. */
export interface ActionSpan {
  /** The command started here… */
  commandStartMs: number;
  /** …and returned here (T_f or T_r). */
  returnedMs: number;
  /** Failures due at or after this belong to the next action (or the run is over). */
  untilMs: number;
}

export interface Outage {
  window: OutageWindow;
  /** Index (in the by-seq probe list) of the first probe of the stable recovery; null: never recovered. */
  recoveryIndex: number | null;
}

export const isFailed = (probe: ProbeEvent): boolean => probe.outcome !== "ok";

/**
 * The outage an action caused, over the stream's probes ordered by seq (skipped probes are absent:
 * they are neither a success nor a failure, so they do not break a run of successes).
 *
 * Anchor: the first failure due in [returnedMs, untilMs) — DESIGN's "first failure at or after
 * T_f". Probes due while the command ran may already fail; when they are contiguous with that
 * failure the walk back to the last success takes them in. Choice where DESIGN is silent: when
 * nothing fails after the command returned but something failed while it ran, clients still saw
 * an outage, so the first failure due in [commandStartMs, returnedMs) anchors it instead
 * (flagged anchoredBeforeReturn) rather than reporting "no outage".
 */
export function findOutage(probes: readonly ProbeEvent[], stableProbes: number, span: ActionSpan): Outage | null {
  let anchor = probes.findIndex((p) => isFailed(p) && p.dueMs >= span.returnedMs && p.dueMs < span.untilMs);
  let anchoredBeforeReturn = false;
  if (anchor < 0) {
    anchor = probes.findIndex((p) => isFailed(p) && p.dueMs >= span.commandStartMs && p.dueMs < span.returnedMs);
    anchoredBeforeReturn = anchor >= 0;
  }
  const anchorProbe = probes[anchor];
  if (anchorProbe === undefined) return null;

  let lastOk = anchor - 1;
  while (lastOk >= 0 && isFailed(probes[lastOk]!)) lastOk--;
  const recoveryIndex = stableRunFrom(probes, anchor + 1, stableProbes);
  const lastInWindow = recoveryIndex === null ? probes.length - 1 : recoveryIndex - 1;

  let failedProbes = 0;
  let lastFailure = anchorProbe;
  for (let i = lastOk + 1; i <= lastInWindow; i++) {
    const probe = probes[i]!;
    if (!isFailed(probe)) continue;
    failedProbes++;
    lastFailure = probe;
  }

  const first = probes[0]!;
  const startProbe = probes[lastOk];
  const recoveryProbe = recoveryIndex === null ? undefined : probes[recoveryIndex];
  return {
    recoveryIndex,
    window: {
      startMs: (startProbe ?? first).dueMs,
      endMs: recoveryProbe?.dueMs ?? null,
      firstFailureDueMs: anchorProbe.dueMs,
      lastFailureDueMs: lastFailure.dueMs,
      failedProbes,
      startsAtFirstProbe: startProbe === undefined,
      anchoredBeforeReturn,
      unsentInStartBracket: startProbe === undefined ? 0 : unsentBetween(startProbe, probes[lastOk + 1]!),
      // The probe before the stable run is a failure: otherwise the run would have started there.
      unsentInEndBracket: recoveryIndex === null ? 0 : unsentBetween(probes[recoveryIndex - 1]!, recoveryProbe!),
    },
  };
}

/** Index of the first probe of the first run of n consecutive successes from index `from`, or null. */
export function stableRunFrom(probes: readonly ProbeEvent[], from: number, n: number): number | null {
  let runLength = 0;
  for (let i = Math.max(0, from); i < probes.length; i++) {
    runLength = isFailed(probes[i]!) ? 0 : runLength + 1;
    if (runLength === n) return i - n + 1;
  }
  return null;
}

/** ok→fail transitions among probes due in [fromMs, toMs) (the previous probe may be due earlier). */
export function countFlaps(probes: readonly ProbeEvent[], fromMs: number, toMs: number): number {
  let flaps = 0;
  for (let i = 1; i < probes.length; i++) {
    const probe = probes[i]!;
    if (probe.dueMs < fromMs || probe.dueMs >= toMs) continue;
    if (isFailed(probe) && !isFailed(probes[i - 1]!)) flaps++;
  }
  return flaps;
}

/** Failed probes due in [fromMs, toMs). */
export function countFailures(probes: readonly ProbeEvent[], fromMs: number, toMs: number): number {
  return probes.filter((p) => isFailed(p) && p.dueMs >= fromMs && p.dueMs < toMs).length;
}

/**
 * Sequence numbers between two sent probes that have no probe: skipped (too many in flight).
 * Counting the gap rather than probe-skipped events also covers a skip record that was lost.
 */
function unsentBetween(earlier: ProbeEvent, later: ProbeEvent): number {
  return Math.max(0, later.seq - earlier.seq - 1);
}
