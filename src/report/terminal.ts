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
): { setPhase(phase: PhaseName): void; stop(): void } {
  let phase: string = "starting";
  let phaseAt = nowMs();
  let ok = 0;
  let failed = 0;
  let lastFailure = "";
  const holders = new Set<string>();
  const screen = screenFor(stream);
  const unsubscribe = timeline.subscribe((event: TimelineEvent) => {
    if (event.type === "probe") {
      if (event.outcome === "ok") ok++;
      else {
        failed++;
        lastFailure = event.outcome;
      }
    } else if (event.type === "vip-added") holders.add(event.host);
    else if (event.type === "vip-removed") holders.delete(event.host);
  });
  const tty = Boolean(stream.isTTY) && enabled;
  const render = (): void => {
    const vip = holders.size === 0 ? screen.red("none") : holders.size > 1 ? screen.red([...holders].join("+")) : [...holders][0]!;
    const line =
      `${screen.bold(phase.padEnd(8))} ${((nowMs() - phaseAt) / 1000).toFixed(1).padStart(5)} s │ probes ${screen.green(String(ok))} ok` +
      ` ${failed > 0 ? screen.red(`${failed} failed`) : "0 failed"}${lastFailure ? ` (last: ${lastFailure})` : ""} │ VIP on ${vip}`;
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
