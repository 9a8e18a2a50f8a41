/**
 * A probe worker thread: runs the open-loop schedule for its share of probe sequence numbers and
 * the TLS work they cause, away from the main thread's observers and rendering. Times are on the
 * process-wide monotonic clock, relative to the run origin handed in as originNs.
 */
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Dispatcher } from "undici";
import { MonotonicClock } from "../common/clock.js";
import type { ProbeEvent, ProbeSkippedEvent } from "../model/timeline.js";
import { keepAlivePool, probeOnce, type ProbeResult } from "./https-probe.js";
import { classifyError, describeError } from "./probe-outcome.js";
import type { ToParent, ToWorker, WorkerConfig, WorkerStream } from "./probe-messages.js";

// A failed probe keeps its error's code and message, never its stack: during an outage hundreds of
// errors a second are made, and capturing their stacks cost a tenth of this thread's CPU.
Error.stackTraceLimit = 0;
const config = workerData as WorkerConfig;
// On Linux a nice value is per thread: ask the kernel to run this one ahead of the lab's processes on
// a loaded machine, so probes leave on time. Without the privilege this fails and nothing changes.
try {
  setPriority(config.nice);
} catch {
  // not permitted: the lag is measured and declared either way
}
const clock = new MonotonicClock(BigInt(config.originNs));
const port = parentPort!;
let buffer: Array<ProbeEvent | ProbeSkippedEvent> = [];
/** Below this the worker blocks on a futex instead of a timer (a timer can be a millisecond late). */
const PRECISE_WAIT_MS = 1.2;
const futex = new Int32Array(new SharedArrayBuffer(4));
let stopAtMs = Number.POSITIVE_INFINITY;
const running: Array<Promise<void>> = [];

function flush(): void {
  if (buffer.length === 0) return;
  const message: ToParent = { type: "events", events: buffer };
  port.postMessage(message);
  buffer = [];
}
const flushTimer = setInterval(flush, config.flushEveryMs);

function runStream(stream: WorkerStream, firstDueMs: number, dispatcher: Dispatcher | undefined): Promise<void> {
  let seq = stream.index;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const dueOf = (k: number): number => firstDueMs + k * stream.intervalMs;

  const issue = (k: number, dueMs: number): void => {
    if (inFlight >= stream.maxInFlight) {
      buffer.push({ type: "probe-skipped", stream: stream.name, seq: k, dueMs });
      return;
    }
    inFlight++;
    const sentMs = clock.nowMs();
    // A probe that was sent is always recorded: one whose promise rejected (a throw where an error
    // outcome was expected) would otherwise leave a hole in the sequence, read as a probe never sent.
    const sent = probeOnce(stream.target, dispatcher).catch((error: unknown): ProbeResult => ({ outcome: classifyError(error, false), detail: describeError(error) }));
    const done = sent.then((result) => {
      const doneMs = clock.nowMs();
      inFlight--;
      const event: ProbeEvent = {
        type: "probe",
        stream: stream.name,
        seq: k,
        dueMs,
        sentMs,
        doneMs,
        outcome: result.outcome,
        latencyMs: doneMs - dueMs,
      };
      if (result.detail !== undefined) event.detail = result.detail;
      buffer.push(event);
      pending.delete(done);
    });
    pending.add(done);
  };

  return new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = clock.nowMs();
      // Open loop: every probe that has come due is issued now, however late, with its own due time.
      while (dueOf(seq) <= now && dueOf(seq) <= stopAtMs) {
        issue(seq, dueOf(seq));
        seq += stream.stride;
      }
      if (dueOf(seq) > stopAtMs) {
        void Promise.allSettled([...pending]).then(async () => {
          await dispatcher?.close().catch(() => undefined);
          resolve();
        });
        return;
      }
      // Timers have millisecond granularity and fire late: wake about a millisecond early and wait out
      // the rest on a futex (sub-millisecond, no spinning), so probes leave within ~0.1 ms of due.
      const waitMs = dueOf(seq) - clock.nowMs();
      if (waitMs > PRECISE_WAIT_MS) setTimeout(tick, Math.floor(waitMs - PRECISE_WAIT_MS));
      else {
        if (waitMs > 0) Atomics.wait(futex, 0, 0, waitMs);
        setImmediate(tick);
      }
    };
    tick();
  });
}

// The schedule starts only when the parent says so, once every worker is loaded: a slow start
// must not turn into a burst of overdue probes.
// Keep-alive pools made before "ready" (undici is loaded only by a worker that has one: ~170 ms of a
// worker's start, which a repeated drill pays per iteration).
const dispatchers = await Promise.all(config.streams.map(async (s) => (s.keepAliveConnections > 0 ? keepAlivePool(s.target, s.keepAliveConnections) : undefined)));
port.on("message", (message: ToWorker) => {
  if (message.type === "stop") stopAtMs = message.atMs;
  else if (message.type === "start") {
    config.streams.forEach((stream, i) => running.push(runStream(stream, message.firstDueMs, dispatchers[i])));
    void Promise.all(running).then(() => {
      clearInterval(flushTimer);
      flush();
      const done: ToParent = { type: "done" };
      port.postMessage(done);
    });
  }
});
const ready: ToParent = { type: "ready" };
port.postMessage(ready);
