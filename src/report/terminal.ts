import { Chalk, type ChalkInstance } from "chalk";
import type { PhaseName, Timeline, TimelineEvent } from "../model/timeline.js";
import { colorLevel } from "./color-level.js";

/** Colours for what goes to a stream, as colorLevel decides for every output (NO_COLOR, FORCE_COLOR, a terminal). */
export function screenFor(stream: NodeJS.WriteStream): ChalkInstance {
  return new Chalk({ level: colorLevel(stream) });
}

export interface ProgressPrinter {
  (message: string): void;
  /** End the live line (before other output). */
  done(): void;
}

/**
 * Progress messages: on a terminal one line rewritten in place; elsewhere (CI logs) a line per
 * message, at most one per second for chatty sources such as an image build.
 */
export function progressPrinter(stream: NodeJS.WriteStream): ProgressPrinter {
  const tty = Boolean(stream.isTTY);
  let live = false;
  let lastAt = 0;
  let lastPrefix = "";
  const print = ((message: string) => {
    if (tty) {
      const width = (stream.columns || 100) - 1;
      stream.write(`\r\x1b[2K${message.slice(0, width)}`);
      live = true;
      return;
    }
    const prefix = message.split(":")[0] ?? "";
    const now = Date.now();
    if (prefix === lastPrefix && now - lastAt < 1000) return;
    lastPrefix = prefix;
    lastAt = now;
    stream.write(`${message}\n`);
  }) as ProgressPrinter;
  print.done = () => {
    if (live) stream.write("\r\x1b[2K");
    live = false;
  };
  return print;
}

/** Live drill progress: phase, probes ok/failed, current VIP owner — from the timeline as it grows. */
export function liveDrillProgress(
  timeline: Timeline,
  nowMs: () => number,
  stream: NodeJS.WriteStream,
  enabled: boolean,
  stableMs = 250,
): { setPhase(phase: PhaseName): void; stop(): void } {
  let phase: string = "starting";
  let phaseAt = nowMs();
  let ok = 0;
  let failed = 0;
  let lastFailure = "";
  const holders = new Set<string>();
  const clients = liveOutages(stableMs);
  const screen = screenFor(stream);
  const unsubscribe = timeline.subscribe((event: TimelineEvent) => {
    if (event.type === "probe") {
      if (event.outcome === "ok") ok++;
      else {
        failed++;
        lastFailure = event.outcome;
      }
      if (event.stream === "fresh") clients.add(event.dueMs, event.outcome === "ok");
    } else if (event.type === "vip-added") holders.add(event.host);
    else if (event.type === "vip-removed") holders.delete(event.host);
  });
  const tty = Boolean(stream.isTTY) && enabled;
  const render = (): void => {
    const vip = holders.size === 0 ? screen.red("none") : holders.size > 1 ? screen.red([...holders].join("+")) : [...holders][0]!;
    const line =
      `${screen.bold(phase.padEnd(8))} ${((nowMs() - phaseAt) / 1000).toFixed(1).padStart(5)} s │ probes ${screen.green(String(ok))} ok` +
      ` ${failed > 0 ? screen.red(`${failed} failed`) : "0 failed"}${lastFailure ? ` (last: ${lastFailure})` : ""} │ VIP on ${vip}` +
      ` │ ${clients.downSinceMs === undefined ? "up" : screen.red(`DOWN ${((nowMs() - clients.downSinceMs) / 1000).toFixed(1)} s`)}, ${clients.outages} outage${clients.outages === 1 ? "" : "s"} so far`;
    stream.write(`\r\x1b[2K${line}`);
  };
  const timer = tty ? setInterval(render, 200) : undefined;
  return {
    setPhase(next) {
      phase = next;
      phaseAt = nowMs();
      if (!tty && enabled) stream.write(`phase ${next}: probes ${ok} ok, ${failed} failed, VIP on ${[...holders].join("+") || "none"}\n`);
    },
    stop() {
      if (timer) {
        clearInterval(timer);
        stream.write("\r\x1b[2K");
      }
      unsubscribe();
    },
  };
}

/**
 * Clients' state as the live line shows it, from the fresh probes as they arrive: down from a failed
 * probe until a stable recovery (successes spanning stableMs), as the README's outage window is
 * counted; the report's figures, with their ±, are the authority. Probes arrive out of order (a
 * timeout lands a second after its due time), so only a probe due after the newest seen counts.
 */
export function liveOutages(stableMs: number): { add(dueMs: number, ok: boolean): void; readonly outages: number; readonly downSinceMs: number | undefined } {
  let newestDueMs = -Infinity;
  let outages = 0;
  let downSinceMs: number | undefined;
  let recoveringSinceMs: number | undefined;
  return {
    add(dueMs, ok) {
      if (dueMs <= newestDueMs) return;
      newestDueMs = dueMs;
      if (!ok) {
        recoveringSinceMs = undefined;
        if (downSinceMs === undefined) {
          downSinceMs = dueMs;
          outages++;
        }
      } else if (downSinceMs !== undefined) {
        recoveringSinceMs ??= dueMs;
        if (dueMs - recoveringSinceMs >= stableMs) downSinceMs = recoveringSinceMs = undefined;
      }
    },
    get outages() {
      return outages;
    },
    get downSinceMs() {
      return downSinceMs;
    },
  };
}
