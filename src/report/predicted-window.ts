import { formatDurationMs } from "../analysis/format.js";

type Window = { fromMs: number; toMs: number } | null | undefined;

/**
 * A predicted window counted, as the figures are, from the command's return: the fault (or its
 * restore) took effect somewhere while the command ran, so the earliest end moves back by the time
 * it took (the analysis judges "outside" the same way: analysis/fault-figures.ts).
 */
export function fromReturn<W extends Window>(window: W, startMs: number | null | undefined, returnedMs: number | null | undefined): W {
  if (!window) return window;
  const ran = startMs != null && returnedMs != null ? Math.max(0, returnedMs - startMs) : 0;
  return { ...window, fromMs: Math.max(0, window.fromMs - ran) };
}

/** A predicted window: "2.609 s–3.609 s", or "0 ms (no failover)" where nothing is to move. */
export const windowText = (w: { fromMs: number; toMs: number }): string =>
  w.toMs === 0 ? "0 ms (no failover)" : `${formatDurationMs(w.fromMs)}–${formatDurationMs(w.toMs)}`;

/**
 * The window as a figure is compared with it, and, where the command took time, the configuration's
 * own: "0.975 s–1.800 s from the command's return (the timers' 1.300 s–1.800 s; it ran 325 ms)".
 */
export function predictedText(window: { fromMs: number; toMs: number }, startMs: number | null, returnedMs: number | null): string {
  const compared = fromReturn(window, startMs, returnedMs);
  if (compared.fromMs === window.fromMs) return windowText(window);
  return `${windowText(compared)} from the command's return (the timers' ${windowText(window)}; it ran ${formatDurationMs(returnedMs! - startMs!)})`;
}
