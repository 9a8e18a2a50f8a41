/**
 * Timelines generated from a known truth, for the analysis property tests: when the endpoint was
 * really down, the probe interval, send lags, skipped probes, where the VIP was. A probe sees the
 * endpoint as it is when it is sent.
 *
 * The truth is kept unambiguous where the definitions allow nothing else: an up-gap inside a window
 * is too short to hold N sent probes, one between windows long enough to hold N+1 in a row; windows
 * begin and end at least a few brackets away from S_f and S_r.
 */
import type { ProbeErrorKind, TimelineEvent } from "../../src/model/timeline.js";
import { injected, restored, vipAdded, vipRemoved } from "./synthetic-timeline.js";

const KINDS: ProbeErrorKind[] = ["connect-timeout", "connect-refused", "unreachable", "reset", "timeout", "tls"];

export interface Params {
  seed: number;
  intervalMs: 5 | 10 | 20;
  stableProbes: number;
  /** Send lag is uniform in [0, lagFraction·Δ/2]. */
  lagFraction: number;
  /** Longest run of skipped probes inside a down interval. */
  skipMax: number;
  probeCount: number;
  injectTookMs: number;
  restoreTookMs: number;
  baselineWindows: number;
  faultWindows: number;
  restoreWindows: number;
  /** The first window begins before the first probe (no success before it). */
  atFirstProbe: boolean;
  /** A fault window lasts past S_r: no failover while the fault held. */
  crossRestore: boolean;
  /** The last window never ends. */
  neverRecovers: boolean;
  /** Nobody holds the VIP at S_f (a move is then not measured). */
  vipUnowned: boolean;
}

export interface TrueWindow {
  /** Start of the first down interval; null when it began before the first probe. */
  startMs: number | null;
  /** End of the last down interval; null when it never ends. */
  endMs: number | null;
  intervals: Array<[number, number]>;
}

export interface Truth {
  params: Params;
  endMs: number;
  injectStartMs: number;
  injectedAtMs: number;
  restoreStartMs: number;
  restoredAtMs: number;
  windows: TrueWindow[];
  vipMoveAtMs: number | null;
  vipBackAtMs: number;
  events: TimelineEvent[];
}

/** mulberry32: a small deterministic PRNG, so a seed replays the same timeline. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function buildTruth(p: Params): Truth {
  const rand = prng(p.seed);
  const between = (lo: number, hi: number): number => lo + rand() * Math.max(0, hi - lo);
  const delta = p.intervalMs;
  const maxLag = (p.lagFraction * delta) / 2;
  const endMs = p.probeCount * delta;
  const injectStartMs = Math.round(endMs * 0.3) + 0.37;
  const injectedAtMs = injectStartMs + p.injectTookMs;
  const restoreStartMs = Math.round(endMs * 0.62) + 0.61;
  const restoredAtMs = restoreStartMs + p.restoreTookMs;
  // Room for one run of skips straddling each edge of a down interval, and its sends still failing.
  const minDown = (2 * p.skipMax + 1) * delta + maxLag + 1;
  const shortGapMax = (p.stableProbes - 1) * delta - maxLag - 1;
  const longGapMin = (p.stableProbes + 1 + p.skipMax) * delta + maxLag + 1;
  const margin = (2 * p.skipMax + 10) * delta + 3 * maxLag + 1;

  // Windows of 1–3 down intervals (short gaps inside), long gaps between, inside [from, to). Some
  // end with a hidden blip: a short outage that no probe saw, because every probe due then was
  // skipped — only a rule that lets an unsent probe break a stable run keeps it inside the window.
  const windows: TrueWindow[] = [];
  const hidden: Array<[number, number]> = [];
  let lastEndMs = Number.NEGATIVE_INFINITY;
  const place = (count: number, fromMs: number, toMs: number): void => {
    let t = Math.max(fromMs, lastEndMs + longGapMin) + between(0, 300);
    for (let w = 0; w < count; w++) {
      const parts = shortGapMax >= 1 ? 1 + Math.floor(rand() * 3) : 1;
      const intervals: Array<[number, number]> = [];
      let cursor = t;
      for (let i = 0; i < parts; i++) {
        const down = between(minDown, minDown + 1500);
        intervals.push([cursor, cursor + down]);
        cursor += down + (i < parts - 1 ? between(1, shortGapMax) : 0);
      }
      let blip: [number, number] | undefined;
      if (shortGapMax >= 1 && rand() < 0.3) {
        const at = cursor + between(0, shortGapMax / 2);
        // Long enough that some probe would have seen it, had it been sent (a shorter one can fall
        // between two sends unseen: no definition can promise anything about that).
        blip = [at, at + between(delta + maxLag + 1, 3 * delta + maxLag + 1)];
        intervals.push(blip);
        cursor = blip[1];
      }
      if (cursor > toMs) return;
      if (blip) hidden.push(blip);
      windows.push({ startMs: intervals[0]![0], endMs: cursor, intervals });
      lastEndMs = cursor;
      t = cursor + between(longGapMin, longGapMin + 2000);
    }
  };
  const stableTailMs = (p.stableProbes + 2) * delta + maxLag + margin;
  place(p.baselineWindows, margin, injectStartMs - margin);
  if (p.crossRestore) {
    const start = between(Math.max(injectStartMs, lastEndMs + longGapMin) + margin, restoreStartMs - margin - minDown);
    const end = restoreStartMs + margin + between(0, 500);
    windows.push({ startMs: start, endMs: end, intervals: [[start, end]] });
    lastEndMs = end;
    place(p.restoreWindows, end + longGapMin, endMs - stableTailMs);
  } else {
    place(p.faultWindows, injectStartMs + margin, restoreStartMs - margin);
    place(p.restoreWindows, restoreStartMs + margin, endMs - stableTailMs);
  }
  windows.sort((a, b) => a.intervals[0]![0] - b.intervals[0]![0]);
  if (p.atFirstProbe) {
    const first = windows[0];
    const endOfFirst = between(minDown, 1500);
    if (first === undefined || first.intervals[0]![0] > endOfFirst + longGapMin + margin) {
      windows.unshift({ startMs: null, endMs: endOfFirst, intervals: [[-1000, endOfFirst]] });
    }
  }
  if (p.neverRecovers && windows.length > 0) {
    const last = windows.at(-1)!;
    last.endMs = null;
    last.intervals.at(-1)![1] = endMs + 10_000;
  }

  // Probes: due k·Δ, sent after a random lag; those sent inside a down interval fail. Skipped
  // probes (in-flight ones piling up) come in runs that may straddle either edge of a down interval,
  // leaving at least one sent failure in it; a hidden blip skips every probe that could see it.
  const down = windows.flatMap((w) => w.intervals);
  const skipped = new Set<number>();
  const seqsDueIn = (fromMs: number, toMs: number): number[] => {
    const seqs: number[] = [];
    for (let k = Math.max(0, Math.ceil(fromMs / delta)); k * delta < toMs; k++) seqs.push(k);
    return seqs;
  };
  for (const [a, b] of hidden) for (const k of seqsDueIn(a - maxLag, b)) skipped.add(k);
  for (const [a, b] of down) {
    if (p.skipMax === 0 || rand() < 0.5 || hidden.some(([c]) => c === a)) continue;
    const at = Math.ceil(between(a - p.skipMax * delta, b) / delta);
    const run = seqsDueIn(at * delta, (at + 1 + Math.floor(rand() * p.skipMax)) * delta);
    const seenFailing = seqsDueIn(a, b - maxLag).filter((k) => !skipped.has(k) && !run.includes(k));
    if (seenFailing.length > 0) for (const k of run) skipped.add(k);
  }
  const events: TimelineEvent[] = [];
  for (let seq = 0; seq < p.probeCount; seq++) {
    const dueMs = seq * delta;
    if (skipped.has(seq)) {
      events.push({ type: "probe-skipped", stream: "fresh", seq, dueMs });
      continue;
    }
    const sentMs = dueMs + rand() * maxLag;
    const isDown = down.some(([a, b]) => sentMs >= a && sentMs < b);
    events.push({
      type: "probe",
      stream: "fresh",
      seq,
      dueMs,
      sentMs,
      doneMs: sentMs + 2,
      latencyMs: sentMs + 2 - dueMs,
      outcome: isDown ? KINDS[Math.floor(rand() * KINDS.length)]! : "ok",
    });
  }

  // The VIP: lb-1 holds it; it moves to lb-2 during the fault and back after the restore.
  // A move may land while the inject command still runs (a graceful stop hands over before it returns).
  const vipMoveAtMs = p.vipUnowned ? null : injectStartMs + between(1, Math.min(4000, restoreStartMs - injectStartMs - 2));
  const vipBackAtMs = restoreStartMs + between(1, Math.min(3000, endMs - restoreStartMs - 2));
  const vip: TimelineEvent[] = p.vipUnowned
    ? [vipAdded("lb-1", 0), vipRemoved("lb-1", injectStartMs - 100), vipAdded("lb-2", injectStartMs + 500)]
    : [vipAdded("lb-1", 0), vipRemoved("lb-1", vipMoveAtMs! - 0.5), vipAdded("lb-2", vipMoveAtMs!)];
  vip.push(vipAdded("lb-1", vipBackAtMs), vipRemoved("lb-2", vipBackAtMs + 0.3));
  events.push(...vip, injected(injectStartMs, injectedAtMs), restored(restoreStartMs, restoredAtMs));
  return { params: p, endMs, injectStartMs, injectedAtMs, restoreStartMs, restoredAtMs, windows, vipMoveAtMs, vipBackAtMs, events };
}
