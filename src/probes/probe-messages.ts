import type { ProbeEvent, ProbeSkippedEvent } from "../model/timeline.js";
import type { ProbeTarget } from "./https-probe.js";

/** One worker's share of a probe stream: sequence numbers index, index+stride, … */
export interface WorkerStream {
  name: string;
  target: ProbeTarget;
  intervalMs: number;
  index: number;
  stride: number;
  maxInFlight: number;
  /** > 0: reuse a pool of this many connections instead of a fresh connection per probe. */
  keepAliveConnections: number;
}

export interface WorkerConfig {
  /** The run origin as hrtime nanoseconds (string: bigint does not cross postMessage in workerData). */
  originNs: string;
  flushEveryMs: number;
  /** Nice value for the worker thread (negative needs privilege; a failure is ignored). */
  nice: number;
  streams: WorkerStream[];
}

/** start: seq 0 is due at firstDueMs (ms since the run origin); stop: send nothing due after atMs. */
export type ToWorker = { type: "start"; firstDueMs: number } | { type: "stop"; atMs: number };
export type ToParent =
  | { type: "ready" }
  | { type: "events"; events: Array<ProbeEvent | ProbeSkippedEvent> }
  | { type: "done" };
