import { RUN_FIGURE_KEYS } from "../../src/analysis/run-figures.js";
import { HISTORY_FORMAT, type HistoryRecord } from "../../src/report/history/history-record.js";

/** A history line of a single run whose failover was `failoverMs` (every other figure 0). */
export function historyRecord(at: string, failoverMs: number | null, scenario = "link-pull-vip-owner"): HistoryRecord {
  const figures = Object.fromEntries(RUN_FIGURE_KEYS.map((k) => [k, { value: k === "failover" ? failoverMs : 0, precision: k === "failover" ? 5 : null }]));
  return {
    history: HISTORY_FORMAT,
    scenario,
    at,
    vipdrill: "0.1.0",
    target: { kind: "lab", name: "vipdrill" },
    versions: { "lb-1": { keepalived: "2.2.7", haproxy: "2.6.12-1+deb12u1" } },
    verdict: "pass",
    runs: 1,
    figures: figures as HistoryRecord["figures"],
    limits: { failover: 5000 },
  };
}
