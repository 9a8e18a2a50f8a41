/**
 * Synthetic timelines with known answers, for the analysis tests (and for trying a definition by
 * hand). Probe k of a stream is due at k·Δ; ranges are [fromMs, toMs) of due times.
 */
import type { Budgets } from "../../src/model/scenario.js";
import type { FaultEvent, ProbeErrorKind, TimelineEvent, VipEvent } from "../../src/model/timeline.js";

export interface SyntheticProbes {
  intervalMs: number;
  /** First and (exclusive) last due time. */
  from: number;
  to: number;
  stream?: string;
  /** Probes due in [fromMs, toMs) fail with this kind. */
  fail?: ReadonlyArray<readonly [number, number, ProbeErrorKind]>;
  /** Probes due in [fromMs, toMs) are skipped (too many in flight). */
  skip?: ReadonlyArray<readonly [number, number]>;
  /** Latency from the due time; default 2 ms. */
  latencyMs?: number | ((dueMs: number) => number);
  /** Send time − due time; default 0. */
  lagMs?: number | ((dueMs: number) => number);
}

export function probes(spec: SyntheticProbes): TimelineEvent[] {
  const stream = spec.stream ?? "fresh";
  const valueAt = (value: number | ((dueMs: number) => number) | undefined, dueMs: number, fallback: number): number =>
    value === undefined ? fallback : typeof value === "number" ? value : value(dueMs);
  const events: TimelineEvent[] = [];
  const firstSeq = Math.ceil(spec.from / spec.intervalMs);
  for (let seq = firstSeq; seq * spec.intervalMs < spec.to; seq++) {
    const dueMs = seq * spec.intervalMs;
    if (spec.skip?.some(([from, to]) => dueMs >= from && dueMs < to)) {
      events.push({ type: "probe-skipped", stream, seq, dueMs });
      continue;
    }
    const failure = spec.fail?.find(([from, to]) => dueMs >= from && dueMs < to);
    const latencyMs = valueAt(spec.latencyMs, dueMs, 2);
    events.push({
      type: "probe",
      stream,
      seq,
      dueMs,
      sentMs: dueMs + valueAt(spec.lagMs, dueMs, 0),
      doneMs: dueMs + latencyMs,
      outcome: failure?.[2] ?? "ok",
      latencyMs,
    });
  }
  return events;
}

/** The inject command ran startMs → atMs; uncertaintyMs where atMs is a cut-off host's own stamp. */
export function injected(startMs: number, atMs: number, hosts: string[] = ["lb-1"], uncertaintyMs?: number): FaultEvent {
  const event: FaultEvent = { type: "fault-injected", faultId: "f1", fault: "link-down", hosts, startMs, atMs };
  return uncertaintyMs === undefined ? event : { ...event, uncertaintyMs };
}

export function restored(startMs: number, atMs: number, hosts: string[] = ["lb-1"], uncertaintyMs?: number): FaultEvent {
  const event: FaultEvent = { type: "fault-restored", faultId: "f1", fault: "link-down", hosts, startMs, atMs };
  return uncertaintyMs === undefined ? event : { ...event, uncertaintyMs };
}

export const vipAdded = (host: string, atMs: number): VipEvent => ({ type: "vip-added", host, atMs });
export const vipRemoved = (host: string, atMs: number): VipEvent => ({ type: "vip-removed", host, atMs });

/** A deterministic shuffle (probe events arrive out of order from the workers). */
export function shuffled<T>(items: readonly T[], seed = 1): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The scenario budgets' defaults (failover 5 s, nothing else set but what has a default). */
export const DEFAULT_BUDGETS: Budgets = {
  failoverMs: 5000,
  errorsAfterRecovery: 0,
  vipMove: "any",
  splitBrain: "forbid",
  healthyAfterRestore: true,
  latency: {},
};
