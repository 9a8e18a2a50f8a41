import { performance } from "node:perf_hooks";
import { hrtime } from "node:process";

/**
 * The harness's one clock: CLOCK_MONOTONIC through process.hrtime, which is shared by every
 * worker thread of the process, so probe workers and the main thread stamp on the same scale.
 * Timeline times are milliseconds (fractional) since the run's origin.
 */
export interface Clock {
  /** Milliseconds since this clock's origin, monotonic, sub-microsecond resolution. */
  nowMs(): number;
  /**
   * The wall clock now (ms since the epoch, Date.now()): it may step. Read only to pair it with
   * nowMs() at one moment (host stamps of a host that shares our clock), never to measure time.
   */
  wallNowMs(): number;
  /** Wall-clock time (epoch ms) at the origin, for display only. */
  readonly originEpochMs: number;
  /** The origin as an absolute hrtime value (ns), to hand to worker threads. */
  readonly originNs: bigint;
}

export class MonotonicClock implements Clock {
  readonly originNs: bigint;
  readonly originEpochMs: number;
  constructor(originNs?: bigint, originEpochMs?: number) {
    this.originNs = originNs ?? hrtime.bigint();
    this.originEpochMs = originEpochMs ?? performance.timeOrigin + performance.now();
  }
  nowMs(): number {
    return Number(hrtime.bigint() - this.originNs) / 1e6;
  }
  wallNowMs(): number {
    return Date.now();
  }
}

/**
 * Milliseconds on the process's monotonic scale (hrtime from its zero): what a Clock with originNs
 * 0n reads. Times taken before a run's clock exists move onto it by subtracting its originNs.
 */
export const processMonotonicMs = (): number => Number(hrtime.bigint()) / 1e6;

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
