import { sleep, type Clock } from "../common/clock.js";
import { VipdrillError, errorMessage } from "../common/errors.js";
import type { Topology } from "../model/host.js";
import type { ProbeSpec } from "../model/scenario.js";
import { FRESH_STREAM, type Timeline } from "../model/timeline.js";
import { ProbeRunner } from "../probes/probe-runner.js";
import { Observation } from "./observation.js";
import { probeStreams } from "./runner.js";

/** A watch's probes: a drill's, without a stable time of its own (its report uses the drill's default). */
export type WatchProbes = Omit<ProbeSpec, "stableMs">;

export interface WatchOptions {
  topology: Topology;
  timeline: Timeline;
  clock: Clock;
  probes: WatchProbes;
  /** Aborted by Ctrl-C (the normal end of a watch) or by a safety stop. */
  signal: AbortSignal;
  /** Stop by itself after this long; undefined: only on the signal. */
  durationMs?: number;
  /** The observers and the probes are running: from here on the watch sees what happens. */
  onWatching?: () => void;
  /** Said once, after the first timeout window, when no probe has succeeded yet (the watch goes on). */
  onNoAnswer?: (message: string) => void;
}

export interface WatchOutcome {
  endMs: number;
  /** At least one probe succeeded over the whole watch. */
  answered: boolean;
  /** Why it ended early, if it did (not a Ctrl-C). */
  error: VipdrillError | undefined;
  /** The ± of VIP event times (see Observation). */
  vipTimePrecisionMs: number | null;
}

/**
 * A watch: the drill's probes and observers with no fault, while someone else makes the change
 * (a maintenance window), until Ctrl-C or the duration. Everything lands on the timeline — the
 * operator's marks too — and the same analysis turns it into outage windows with their ±.
 */
export async function runWatch(options: WatchOptions): Promise<WatchOutcome> {
  const { topology, timeline, clock, signal } = options;
  const observation = new Observation(topology, timeline, clock);
  const probes = new ProbeRunner(timeline, clock);
  let answered = false;
  const unsubscribe = timeline.subscribe((event) => {
    if (event.type === "probe" && event.stream === FRESH_STREAM && event.outcome === "ok") answered = true;
  });
  let error: VipdrillError | undefined;
  let probing = false;
  try {
    await observation.start();
    await probes.start(probeStreams(options.probes, topology));
    probing = true;
    timeline.append({ type: "phase", phase: "watch", atMs: clock.nowMs() });
    const startedMs = clock.nowMs();
    options.onWatching?.();
    // One timeout window (plus a margin for the first handshakes): an endpoint that has not answered yet is said so once.
    const firstWindowMs = options.probes.timeoutMs + 1_000;
    let warned = false;
    for (;;) {
      const elapsedMs = clock.nowMs() - startedMs;
      if (signal.aborted || (options.durationMs !== undefined && elapsedMs >= options.durationMs)) break;
      if (!answered && !warned && elapsedMs >= firstWindowMs) {
        warned = true;
        const failed = timeline.probeColumns(FRESH_STREAM)?.sent ?? 0;
        options.onNoAnswer?.(
          `no answer from https://${topology.endpoint.vip}:${topology.endpoint.port}${options.probes.path} yet (${failed} probes sent, none succeeded): still watching`,
        );
      }
      await sleep(Math.min(250, options.durationMs === undefined ? 250 : Math.max(1, options.durationMs - elapsedMs)), signal);
    }
  } catch (caught) {
    error = caught instanceof VipdrillError ? caught : new VipdrillError("VIPDRILL_INTERNAL", errorMessage(caught), { cause: caught });
  } finally {
    unsubscribe();
    if (probing) await probes.stop();
    await observation.stop();
  }
  const endMs = clock.nowMs();
  await observation.hostClocks.remeasure(topology.hosts);
  return { endMs, answered, error, vipTimePrecisionMs: observation.vipTimePrecisionMs() };
}
