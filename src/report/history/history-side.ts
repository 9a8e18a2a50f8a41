import { RUN_FIGURE_KEYS, type FigureValue, type RunFigureKey } from "../../analysis/run-figures.js";
import { UsageError } from "../../common/errors.js";
import { display } from "../../common/display-path.js";
import { sideOfRuns, type CompareSide } from "../compare/compare-side.js";
import type { HistoryRecord } from "./history-record.js";

/** The runs of one scenario in a history (the last `last` of them) as a side of a comparison: each run one sample (a repeated run, its median). */
export function sideOfHistory(file: string, records: readonly HistoryRecord[], scenario: string | undefined, last?: number): CompareSide {
  const names = [...new Set(records.map((r) => r.scenario))];
  const name = scenario ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    throw new UsageError("VIPDRILL_USAGE", `${display(file)}: holds runs of ${names.length === 0 ? "no scenario" : names.join(", ")}: compare it with a report of one of them`);
  }
  const runs = records.filter((r) => r.scenario === name).slice(-(last ?? Infinity));
  if (runs.length === 0) throw new UsageError("VIPDRILL_USAGE", `${display(file)}: no run of ${name} in this history (it holds ${names.join(", ") || "none"})`);
  const figures = runs.map((r) => Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, { value: r.figures[key].value, precision: r.figures[key].precision }])) as Record<RunFigureKey, FigureValue>);
  return sideOfRuns(
    { label: display(file), kind: "history", scenario: name, fault: null, spec: null, vipdrill: runs.at(-1)!.vipdrill, startedAt: `${runs[0]!.at} … ${runs.at(-1)!.at}` },
    figures,
  );
}
