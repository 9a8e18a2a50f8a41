/**
 * One line of a history file (--history FILE): a run's figures with their ±, its verdict, the
 * versions the hosts told, so that nightly runs can be trended and compared (README "Repeats,
 * compare and trends"). One JSON object per line, appended; never rewritten.
 */
import { z } from "zod";
import { RUN_FIGURE_KEYS, RUN_FIGURES, runFigureValues, type RunFigureKey } from "../../analysis/run-figures.js";
import type { Scenario } from "../../model/scenario.js";
import { figureSourceOfReport } from "../aggregate/report-figures.js";
import type { Report } from "../report-types.js";

/** The format of a history line; a reader refuses a newer one. */
export const HISTORY_FORMAT = 1;

const numOrNull = z.number().nullable();
const historyFigure = z.looseObject({
  value: numOrNull,
  precision: numOrNull,
  n: z.number().int().min(1).optional(),
  min: numOrNull.optional(),
  p95: numOrNull.optional(),
  max: numOrNull.optional(),
});

export const historyRecordSchema = z.looseObject({
  history: z.number().int(),
  scenario: z.string().min(1),
  at: z.string().min(1),
  vipdrill: z.string(),
  target: z.looseObject({ kind: z.string(), name: z.string() }),
  versions: z.record(z.string(), z.record(z.string(), z.string())),
  verdict: z.enum(["pass", "fail"]),
  runs: z.number().int().min(1),
  figures: z.looseObject(Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, historyFigure])) as Record<RunFigureKey, typeof historyFigure>),
  /** Per-run limits from the scenario's budgets (the trend's budget line). */
  limits: z.record(z.string(), z.number()),
  report: z.string().optional(),
});

/**
 * A run in a history: `history` is the line's format; each figure's value is the run's own or, for
 * a repeated run, its median iteration's, with n, min, p95 and max beside it.
 */
export type HistoryRecord = z.infer<typeof historyRecordSchema>;
export type HistoryFigure = z.infer<typeof historyFigure>;

/** Per host, per program, the version the host reported (engine/host-versions.ts). */
export type Versions = Record<string, Partial<Record<string, string>>>;

export function historyRecordOf(report: Report, scenario: Scenario, versions: Versions, reportDir?: string): HistoryRecord {
  const single = runFigureValues(figureSourceOfReport(report));
  const figures = Object.fromEntries(
    RUN_FIGURE_KEYS.map((key): [RunFigureKey, HistoryFigure] => {
      const d = report.repeat?.figures[key];
      if (d === undefined) return [key, { ...single[key] }];
      const at = (p: "min" | "p50" | "p95" | "max"): number | null => d.stats[p]?.value ?? null;
      return [key, { value: at("p50"), precision: d.stats.p50?.precision ?? null, n: Math.max(1, d.n), min: at("min"), p95: at("p95"), max: at("max") }];
    }),
  ) as HistoryRecord["figures"];
  const b = scenario.budgets;
  const limits: Partial<Record<RunFigureKey, number>> = {
    failover: b.failoverMs,
    outage: b.outageMs,
    failback: b.failbackMs,
    failedProbes: b.failedProbes,
    errorsAfterRecovery: b.errorsAfterRecovery,
  };
  return {
    history: HISTORY_FORMAT,
    scenario: scenario.name,
    at: report.startedAt,
    vipdrill: report.vipdrill,
    target: { kind: report.target.kind, name: report.target.name },
    versions: Object.fromEntries(Object.entries(versions).map(([host, v]) => [host, Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => e[1] !== undefined))])),
    verdict: report.verdict,
    runs: report.repeat?.completed ?? 1,
    figures,
    limits: Object.fromEntries(Object.entries(limits).filter((e): e is [string, number] => e[1] !== undefined)),
    ...(reportDir !== undefined && { report: reportDir }),
  };
}

/** A figure of a record as a FigureValue (its median for a repeated run). */
export const recordFigure = (record: HistoryRecord, key: RunFigureKey) => ({ value: record.figures[key].value, precision: record.figures[key].precision });

/** Labels for tables: the figure's words. */
export const figureLabel = (key: RunFigureKey): string => RUN_FIGURES[key].label;
