import { Worker } from "node:worker_threads";
import type { Clock } from "../common/clock.js";
import type { Timeline } from "../model/timeline.js";
import type { ProbeTarget } from "./https-probe.js";
import type { ToParent, ToWorker, WorkerConfig, WorkerStream } from "./probe-messages.js";

export interface StreamSpec {
  name: string;
  target: ProbeTarget;
  intervalMs: number;
  maxInFlight: number;
  keepAliveConnections: number;
}

/** Fresh-TLS probes at or above this rate get a second worker thread (measured: one thread's lag grows past ~100/s). */
const SECOND_WORKER_ABOVE_PER_S = 100;

/**
 * A probe's garbage (a client, a socket, a TLS state) dies young: V8's default young generation (32 MiB
 * a worker) only let RSS swing by 60 MiB between scavenges. At 8 MiB a watch at 200/s holds ~180 MiB
 * with the same scheduler lag (bench/watch.ts).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * A worker's old generation holds ~5.5 MiB live at 100 probes/s, but with no limit V8 lets it grow to
 * ~21 MiB of dead probes before its first full collection: two workers, +30 MiB at a drill's peak
 * (bench/drill-memory.ts: 149 → 131 MiB). The limit is that live heap with room to spare, plus what
 * the most probes the worker may have in flight can hold: measured 5–8 KiB each (a TLS client waiting
 * on its server), counted at 16.
 */
const WORKER_OLD_GENERATION_BASE_MB = 24;
const IN_FLIGHT_PROBE_KIB = 16;

/** V8 limits for a worker that may have up to maxInFlight probes outstanding. */
export function workerResourceLimits(maxInFlight: number): { maxYoungGenerationSizeMb: number; maxOldGenerationSizeMb: number } {
  return {
    maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
    maxOldGenerationSizeMb: WORKER_OLD_GENERATION_BASE_MB + Math.ceil((maxInFlight * IN_FLIGHT_PROBE_KIB) / 1024),
  };
}

/**
 * Runs probe streams in worker threads and appends their events to the timeline.
 * Fresh streams are split across workers by sequence number; a keep-alive stream lives in one.
 */
export class ProbeRunner {
  readonly #workers: Worker[] = [];
  readonly #done: Array<Promise<void>> = [];
  #streams: StreamSpec[] = [];
  #loaded: Promise<void> = Promise.resolve();
  #begun = false;

  constructor(
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {}

  /**
   * Start the workers and, once all are loaded, the schedule: seq 0 is due at firstDueMs, or 20 ms
   * after the workers are ready. Resolves with that due time.
   */
  async start(streams: StreamSpec[], options: { firstDueMs?: number; workers?: number; nice?: number } = {}): Promise<number> {
    await this.load(streams, options);
    return this.begin(options);
  }

  /**
   * Start the workers; they load and wait for begin(). A drill loads them while its observers
   * connect (~170 ms a worker, off the path to the baseline); stop() ends them, begun or not.
   */
  load(streams: StreamSpec[], options: { workers?: number; nice?: number } = {}): Promise<void> {
    const freshRate = streams
      .filter((s) => s.keepAliveConnections === 0)
      .reduce((sum, s) => sum + 1000 / s.intervalMs, 0);
    const count = options.workers ?? (freshRate > SECOND_WORKER_ABOVE_PER_S ? 2 : 1);
    const shares: WorkerStream[][] = Array.from({ length: count }, () => []);
    for (const stream of streams) {
      if (stream.keepAliveConnections > 0) {
        shares[0]!.push({ ...stream, index: 0, stride: 1 });
        continue;
      }
      for (let i = 0; i < count; i++) {
        shares[i]!.push({
          ...stream,
          index: i,
          stride: count,
          maxInFlight: Math.max(1, Math.ceil(stream.maxInFlight / count)),
        });
      }
    }
    this.#streams = streams;
    this.#loaded = Promise.all(shares.map((share) => this.#spawn({ originNs: this.clock.originNs.toString(), flushEveryMs: 25, nice: options.nice ?? -10, streams: share }))).then(() => undefined);
    return this.#loaded;
  }

  /** Once the loaded workers are ready, start their schedule (see start). Resolves with seq 0's due time. */
  async begin(options: { firstDueMs?: number } = {}): Promise<number> {
    if (this.#workers.length === 0) throw new Error("ProbeRunner.begin() before load()");
    await this.#loaded;
    const firstDueMs = options.firstDueMs ?? Math.ceil(this.clock.nowMs()) + 20;
    // The timeline keeps each probe in columns at its seq; its due time follows from the schedule.
    for (const stream of this.#streams) this.timeline.declareStream(stream.name, { firstDueMs, intervalMs: stream.intervalMs });
    const message: ToWorker = { type: "start", firstDueMs };
    for (const worker of this.#workers) worker.postMessage(message);
    this.#begun = true;
    return firstDueMs;
  }

  /** Returns when the worker is loaded and waiting for "start". */
  #spawn(config: WorkerConfig): Promise<void> {
    // Keep-alive streams' connections each hold up to 4 requests (runner.ts): within their maxInFlight.
    const resourceLimits = workerResourceLimits(config.streams.reduce((sum, s) => sum + s.maxInFlight, 0));
    // Under vitest/tsx the sources are .ts; compiled, they are .js beside this file.
    const isTs = import.meta.url.endsWith(".ts");
    const worker = isTs
      ? new Worker(new URL("./ts-worker.mjs", import.meta.url), {
          resourceLimits,
          workerData: { ...config, __entry: new URL("./probe-worker.ts", import.meta.url).href },
        })
      : new Worker(new URL("./probe-worker.js", import.meta.url), { resourceLimits, workerData: config });
    this.#workers.push(worker);
    const failed = (error: Error & { code?: string }): Error =>
      error.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? new Error(`a probe worker ran out of memory (its heap limit ${resourceLimits.maxOldGenerationSizeMb} MiB, for ${config.streams.map((s) => `${s.maxInFlight} probes in flight on ${s.name}`).join(", ")})`, { cause: error })
        : error;
    let loaded: () => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      worker.once("error", (error) => reject(failed(error)));
    });
    const done = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: ToParent) => {
        if (message.type === "events") for (const event of message.events) this.timeline.append(event);
        else if (message.type === "ready") loaded();
        else resolve();
      });
      worker.on("error", (error) => reject(failed(error)));
      worker.on("exit", () => resolve());
    });
    // A worker that fails before the schedule began is reported through its ready promise; stop() does not wait on it then.
    done.catch(() => undefined);
    this.#done.push(done);
    return ready;
  }

  /** Issue no probe due after atMs (default now), wait for those in flight, end the workers (at once where none began). */
  async stop(atMs = this.clock.nowMs()): Promise<void> {
    const message: ToWorker = { type: "stop", atMs };
    for (const worker of this.#workers) worker.postMessage(message);
    try {
      if (this.#begun) await Promise.all(this.#done);
    } finally {
      this.#begun = false;
      await Promise.all(this.#workers.map((w) => w.terminate()));
      this.#workers.length = 0;
      this.#done.length = 0;
    }
  }
}
