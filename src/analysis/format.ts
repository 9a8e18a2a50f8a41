import { formatDurationMs } from "../common/duration.js";

// In common/ so that the floors below analysis/ (observers' notes) write durations the same way.
export { formatDurationMs };

/** A predicted window for people: "2.61–3.61 s", "0–609 ms", "609 ms–3.61 s". */
export function formatSpanMs(fromMs: number, toMs: number): string {
  const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))}`;
  if (fromMs >= 1000 || (fromMs === 0 && toMs >= 1000)) return `${seconds(fromMs)}–${seconds(toMs)} s`;
  if (toMs < 1000) return `${Math.round(fromMs)}–${Math.round(toMs)} ms`;
  return `${Math.round(fromMs)} ms–${seconds(toMs)} s`;
}

/** A figure with its precision: "3.412 s ± 7.3 ms". */
export function formatWithPrecision(ms: number, precisionMs: number | null): string {
  return precisionMs === null ? formatDurationMs(ms) : `${formatDurationMs(ms)} ± ${formatDurationMs(precisionMs)}`;
}


/** Precision is declared conservatively: round up to 0.1 ms (the epsilon absorbs float noise like 10.3·10). */
export function roundUpToTenthMs(ms: number): number {
  return Math.ceil(ms * 10 - 1e-6) / 10;
}

/**
 * A time relative to when an action's command returned (T_f or T_r): "after 2.667 s ± 1 ms", or for
 * an effect seen while the command still ran (a graceful stop hands over before systemctl returns)
 * "409.4 ms ± 1 ms before the inject command returned", never a negative delay.
 */
export function formatSinceAction(ms: number, precisionMs: number | null, action: "inject" | "restore"): string {
  return ms < 0 ? `${formatWithPrecision(-ms, precisionMs)} before the ${action} command returned` : `after ${formatWithPrecision(ms, precisionMs)}`;
}
