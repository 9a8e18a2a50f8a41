/**
 * The HTML report's colours, in one place so the legend, the lanes and the text tables agree.
 * Failure kinds get distinct hues (a reader tells a refused connect from a TLS error at a glance);
 * chosen to stay apart when printed on a light background.
 */
import type { ProbeOutcome } from "../../model/timeline.js";

export const OUTCOME_COLORS: Readonly<Record<ProbeOutcome | "skipped", string>> = {
  ok: "#2e7d32",
  "connect-refused": "#c62828",
  "connect-timeout": "#ef6c00",
  unreachable: "#6a1b9a",
  tls: "#ad1457",
  reset: "#d84315",
  timeout: "#f9a825",
  "http-status": "#4527a0",
  "bad-body": "#00838f",
  skipped: "#9e9e9e",
};

export const LATENCY_COLORS = { p50: "#1565c0", max: "#e65100" } as const;

/** Background bands on every timeline row: the fault held, its commands, and the outage windows. */
export const SHADE_COLORS = { faultHeld: "rgba(255, 193, 7, 0.16)", command: "rgba(255, 143, 0, 0.45)", outage: "rgba(211, 47, 47, 0.12)" } as const;

export const LANE_COLORS = {
  command: "#ef8f00",
  faultHeld: "#ffd54f",
  outage: { baseline: "#8e24aa", fault: "#c62828", restore: "#e64a19" },
  vip: "#1565c0",
  vrrp: { MASTER: "#2e7d32", BACKUP: "#90a4ae", FAULT: "#c62828" } as Readonly<Record<string, string>>,
  vrrpOther: "#cfd8dc",
  note: "#546e7a",
  mark: "#37474f",
} as const;

/** One curve per latency phase on the percentile plot. */
export const PHASE_COLORS: Readonly<Record<string, string>> = {
  baseline: "#2e7d32",
  fault: "#c62828",
  recovered: "#1565c0",
  "after-restore": "#6a1b9a",
};
