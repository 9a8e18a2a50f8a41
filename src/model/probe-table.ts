/**
 * One stream's probes as the analysis reads them: sent probes in sequence order, column by column
 * (29 bytes a probe: an hour at 200/s is 20 MiB, where as event objects it is 150), and the due
 * times of the probes never sent. Made from a run's probe columns without an event object per
 * probe, or from events (tests, a report read back); every figure is the same either way.
 */
import { PROBE_ERROR_KINDS, type ProbeEvent, type ProbeOutcome, type TimelineEvent } from "./timeline.js";

/** Outcome codes: 0 is "ok", then the failure kinds (built on first use: timeline.ts imports this floor's modules too). */
let outcomes: readonly ProbeOutcome[] | undefined;
export const PROBE_OUTCOMES = (): readonly ProbeOutcome[] => (outcomes ??= ["ok", ...PROBE_ERROR_KINDS]);

export interface ProbeTableColumns {
  seq: Float64Array;
  dueMs: Float64Array;
  /** sentMs − dueMs: the scheduler's lag in sending it. */
  lagMs: Float64Array;
  /** doneMs − dueMs. */
  latencyMs: Float64Array;
  /** Index into PROBE_OUTCOMES(). */
  code: Uint8Array;
}

export class ProbeTable {
  readonly seq: Float64Array;
  readonly dueMs: Float64Array;
  readonly lagMs: Float64Array;
  readonly latencyMs: Float64Array;
  readonly code: Uint8Array;

  constructor(
    readonly stream: string,
    readonly length: number,
    columns: ProbeTableColumns,
    /** Failure details (errno, status) by seq. */
    readonly details: ReadonlyMap<number, string>,
    /** Due times of the stream's probes never sent (too many in flight), ascending. */
    readonly skippedDueMs: readonly number[],
  ) {
    ({ seq: this.seq, dueMs: this.dueMs, lagMs: this.lagMs, latencyMs: this.latencyMs, code: this.code } = columns);
  }

  static allocate(length: number): ProbeTableColumns {
    return { seq: new Float64Array(length), dueMs: new Float64Array(length), lagMs: new Float64Array(length), latencyMs: new Float64Array(length), code: new Uint8Array(length) };
  }

  /** The stream's probes among `events` due before `beforeMs`, put in sequence order. */
  static fromEvents(stream: string, events: readonly TimelineEvent[], beforeMs = Number.POSITIVE_INFINITY): ProbeTable {
    const sent: ProbeEvent[] = [];
    const skipped: number[] = [];
    for (const e of events) {
      if (e.type === "probe" && e.stream === stream && e.dueMs < beforeMs) sent.push(e);
      else if (e.type === "probe-skipped" && e.stream === stream && e.dueMs < beforeMs) skipped.push(e.dueMs);
    }
    const ordered = bySeq(sent);
    const columns = ProbeTable.allocate(ordered.length);
    const details = new Map<number, string>();
    const codes = PROBE_OUTCOMES();
    ordered.forEach((p, i) => {
      columns.seq[i] = p.seq;
      columns.dueMs[i] = p.dueMs;
      columns.lagMs[i] = p.sentMs - p.dueMs;
      columns.latencyMs[i] = p.latencyMs;
      columns.code[i] = codes.indexOf(p.outcome);
      if (p.detail !== undefined) details.set(p.seq, p.detail);
    });
    return new ProbeTable(stream, ordered.length, columns, details, skipped.sort((a, b) => a - b));
  }

  failed(i: number): boolean {
    return this.code[i] !== 0;
  }

  outcome(i: number): ProbeOutcome {
    return PROBE_OUTCOMES()[this.code[i]!]!;
  }

  sentMs(i: number): number {
    return this.dueMs[i]! + this.lagMs[i]!;
  }

  /** Probe i as the event it was recorded from. */
  event(i: number): ProbeEvent {
    const dueMs = this.dueMs[i]!;
    const latencyMs = this.latencyMs[i]!;
    const seq = this.seq[i]!;
    const event: ProbeEvent = { type: "probe", stream: this.stream, seq, dueMs, sentMs: dueMs + this.lagMs[i]!, doneMs: dueMs + latencyMs, outcome: this.outcome(i), latencyMs };
    const detail = this.details.get(seq);
    if (detail !== undefined) event.detail = detail;
    return event;
  }
}

/** A table for each stream with probes among `events` (due before `beforeMs`). */
export function probeTablesOf(events: readonly TimelineEvent[], beforeMs = Number.POSITIVE_INFINITY): ProbeTable[] {
  const streams = new Set<string>();
  for (const e of events) if (e.type === "probe" || e.type === "probe-skipped") streams.add(e.stream);
  return [...streams].map((stream) => ProbeTable.fromEvents(stream, events, beforeMs));
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
