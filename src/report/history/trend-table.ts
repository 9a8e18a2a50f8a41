/** A scenario's runs from a history as rows of words: one run a row, oldest first. */
import type { RunFigureKey } from "../../analysis/run-figures.js";
import { figureText } from "../aggregate/figure-text.js";
import { figureLabel, type HistoryRecord } from "./history-record.js";

/** The figures a trend shows. */
export const TREND_FIGURES = ["failover", "outage", "vipMove", "failback", "failedProbes"] as const satisfies readonly RunFigureKey[];

export const trendColumns = (): string[] => ["#", "at", "vipdrill", "keepalived", "haproxy", "runs", ...TREND_FIGURES.map(figureLabel), "verdict"];

export function trendRows(runs: readonly HistoryRecord[]): string[][] {
  return runs.map((r, i) => [
    String(i + 1),
    r.at.replace(/\.\d+Z$/, "Z"),
    r.vipdrill,
    versionsOf(r, "keepalived"),
    versionsOf(r, "haproxy"),
    String(r.runs),
    ...TREND_FIGURES.map((key) => {
      const f = r.figures[key];
      const text = figureText(key, f);
      return f.n !== undefined && f.n > 1 ? `p50 ${text}` : text;
    }),
    r.verdict,
  ]);
}

/** The versions hosts reported, one per distinct value ("2.2.7", or "2.2.7/2.2.8" mid-upgrade); "–" where none told. */
function versionsOf(record: HistoryRecord, program: string): string {
  const seen = [...new Set(Object.values(record.versions).flatMap((v) => (v[program] === undefined ? [] : [v[program]])))];
  return seen.length === 0 ? "–" : seen.join("/");
}

/** Scenarios of a history in the order they first appear, each with its runs sorted by time. */
export function runsByScenario(records: readonly HistoryRecord[], only?: string, last?: number): Map<string, HistoryRecord[]> {
  const byScenario = new Map<string, HistoryRecord[]>();
  for (const r of records) {
    if (only !== undefined && r.scenario !== only) continue;
    byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  }
  for (const [name, runs] of byScenario) byScenario.set(name, runs.sort((a, b) => a.at.localeCompare(b.at)).slice(-(last ?? Infinity)));
  return byScenario;
}
