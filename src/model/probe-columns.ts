/**
 * One probe stream's record, kept in columns: a probe is 17 bytes (its outcome, send lag and
 * latency, at its sequence number; its due time is the schedule's t0 + seq·Δ) instead of a
 * ~500-byte event object, so an hour at 200 probes/s holds 12 MiB, not 350, and grows in even
 * steps (chunks, never a doubling copy). Nothing is summarised away: every figure comes out of it
 * exactly as from the events, which are made again on demand, in sequence order.
 */
import { PROBE_OUTCOMES as OUTCOMES, ProbeTable } from "./probe-table.js";
import type { ProbeEvent, ProbeSkippedEvent } from "./timeline.js";
const SKIPPED = 254;
const NOTHING = 255;
/** 2^16 probes a chunk: 1.1 MiB, five and a half minutes at 200/s. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

interface Chunk {
  outcome: Uint8Array;
  lagMs: Float64Array;
  latencyMs: Float64Array;
}

/** The open-loop schedule a stream's workers follow: probe k is due at firstDueMs + k·intervalMs. */
export interface ProbeSchedule {
  firstDueMs: number;
  intervalMs: number;
}

export class ProbeColumns {
  readonly #chunks: Array<Chunk | undefined> = [];
  /** Due times that do not follow the schedule (or all of them where none was declared). */
  readonly #dueExceptions = new Map<number, number>();
  /** Failure details (errno, status): failures are few. */
  readonly #details = new Map<number, string>();
  #sent = 0;
  #skipped = 0;
  #lowest = Number.POSITIVE_INFINITY;
  #highest = Number.NEGATIVE_INFINITY;

  constructor(
    readonly stream: string,
    /** The workers' schedule, so due times need not be stored; undefined: each due time is kept. */
    private readonly schedule?: ProbeSchedule,
  ) {}

  /** Probes sent (answered or timed out). */
  get sent(): number {
    return this.#sent;
  }

  /** Due probes never sent (too many in flight). */
  get skipped(): number {
    return this.#skipped;
  }

  /** Bytes held by the columns (for benches). */
  get bytes(): number {
    return this.#chunks.reduce((n, c) => n + (c ? c.outcome.byteLength + c.lagMs.byteLength + c.latencyMs.byteLength : 0), 0);
  }

  add(event: ProbeEvent | ProbeSkippedEvent): void {
    const { chunk, index } = this.#slot(event.seq);
    if (chunk.outcome[index] !== NOTHING) return; // one record per sequence number
    if (this.#scheduledDue(event.seq) !== event.dueMs) this.#dueExceptions.set(event.seq, event.dueMs);
    this.#lowest = Math.min(this.#lowest, event.seq);
    this.#highest = Math.max(this.#highest, event.seq);
    if (event.type === "probe-skipped") {
      chunk.outcome[index] = SKIPPED;
      this.#skipped++;
      return;
    }
    chunk.outcome[index] = OUTCOMES().indexOf(event.outcome);
    chunk.lagMs[index] = event.sentMs - event.dueMs;
    chunk.latencyMs[index] = event.latencyMs;
    if (event.detail !== undefined) this.#details.set(event.seq, event.detail);
    this.#sent++;
  }

  /** Sent probes due before `beforeMs`, as events, in sequence order. */
  probeEvents(beforeMs = Number.POSITIVE_INFINITY): ProbeEvent[] {
    const table = this.table(beforeMs);
    return Array.from({ length: table.length }, (_, i) => table.event(i));
  }

  /** Sent probes due before `beforeMs` as a table, and the skipped ones' due times: no object per probe. */
  table(beforeMs = Number.POSITIVE_INFINITY): ProbeTable {
    let length = 0;
    this.#each(beforeMs, (_seq, code) => {
      if (code !== SKIPPED) length++;
    });
    const columns = ProbeTable.allocate(length);
    const details = new Map<number, string>();
    const skippedDueMs: number[] = [];
    let i = 0;
    this.#each(beforeMs, (seq, code, chunk, index, dueMs) => {
      if (code === SKIPPED) {
        skippedDueMs.push(dueMs);
        return;
      }
      columns.seq[i] = seq;
      columns.dueMs[i] = dueMs;
      columns.lagMs[i] = chunk.lagMs[index]!;
      columns.latencyMs[i] = chunk.latencyMs[index]!;
      columns.code[i] = code;
      const detail = this.#details.get(seq);
      if (detail !== undefined) details.set(seq, detail);
      i++;
    });
    return new ProbeTable(this.stream, length, columns, details, skippedDueMs);
  }

  /** Skipped probes due before `beforeMs`, as events, in sequence order. */
  skippedEvents(beforeMs = Number.POSITIVE_INFINITY): ProbeSkippedEvent[] {
    const events: ProbeSkippedEvent[] = [];
    this.#each(beforeMs, (seq, code, _chunk, _index, dueMs) => {
      if (code === SKIPPED) events.push({ type: "probe-skipped", stream: this.stream, seq, dueMs });
    });
    return events;
  }

  /** Every recorded sequence number due before beforeMs, in order (the schedule's dues rise with seq). */
  #each(beforeMs: number, visit: (seq: number, code: number, chunk: Chunk, index: number, dueMs: number) => void): void {
    for (let seq = this.#lowest; seq <= this.#highest; seq++) {
      const chunk = this.#chunks[seq >>> CHUNK_BITS];
      if (!chunk) {
        seq = ((seq >>> CHUNK_BITS) + 1) * CHUNK - 1;
        continue;
      }
      const index = seq & (CHUNK - 1);
      const code = chunk.outcome[index]!;
      if (code === NOTHING) continue;
      const dueMs = this.#dueExceptions.get(seq) ?? this.#scheduledDue(seq)!;
      if (dueMs >= beforeMs) continue;
      visit(seq, code, chunk, index, dueMs);
    }
  }

  #scheduledDue(seq: number): number | undefined {
    // The workers' own expression, so a due time they computed compares equal.
    return this.schedule === undefined ? undefined : this.schedule.firstDueMs + seq * this.schedule.intervalMs;
  }

  #slot(seq: number): { chunk: Chunk; index: number } {
    if (!Number.isInteger(seq) || seq < 0) throw new Error(`probe seq ${seq} is not a sequence number`);
    const at = seq >>> CHUNK_BITS;
    let chunk = this.#chunks[at];
    if (!chunk) {
      chunk = { outcome: new Uint8Array(CHUNK).fill(NOTHING), lagMs: new Float64Array(CHUNK), latencyMs: new Float64Array(CHUNK) };
      this.#chunks[at] = chunk;
    }
    return { chunk, index: seq & (CHUNK - 1) };
  }
}
