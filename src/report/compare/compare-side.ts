/** One side of a comparison: a single run, a repeated run's iterations, or a history's runs, as samples per figure. */
import type { FigureSample } from "../../analysis/distribution.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES, runFigureValues, type RunFigureKey } from "../../analysis/run-figures.js";
import { figureSourceOfReport } from "../aggregate/report-figures.js";
import type { LoadedReport } from "./report-file.js";

export interface CompareSide {
  /** The folder or file as the user named it. */
  label: string;
  kind: "run" | "repeat" | "history";
  scenario: string;
  /** The fault as the scenario wrote it ("link-down on vip-owner"); null when no fault was recorded. */
  fault: string | null;
  /** The scenario's settings (report.json scenario.spec), to say what else differs; null from a history. */
  spec: unknown;
  vipdrill: string;
  startedAt: string;
  /** Runs on this side: 1, the iterations, or the history lines. */
  runs: number;
  samples: Record<RunFigureKey, FigureSample[]>;
}

export function sideOfReport({ file, report }: LoadedReport): CompareSide {
  const iterations = report.repeat?.iterations;
  const samples = Object.fromEntries(
    RUN_FIGURE_KEYS.map((key) => [
      key,
      iterations === undefined
        ? [{ iteration: 1, ...RUN_FIGURES[key].read(figureSourceOfReport(report)) }]
        : iterations.map((it) => ({ iteration: it.iteration, ...it.figures[key] })),
    ]),
  ) as CompareSide["samples"];
  const fault = report.faults[0];
  return {
    label: file,
    kind: iterations === undefined ? "run" : "repeat",
    scenario: report.scenario.name,
    fault: fault === undefined ? null : `${fault.type} on ${fault.target}`,
    spec: report.scenario.spec,
    vipdrill: report.vipdrill,
    startedAt: report.startedAt,
    runs: iterations?.length ?? 1,
    samples,
  };
}

/** A side from runs' figure values (history lines), run k as iteration k. */
export function sideOfRuns(base: Omit<CompareSide, "samples" | "runs">, runs: ReadonlyArray<ReturnType<typeof runFigureValues>>): CompareSide {
  const samples = Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, runs.map((figures, i) => ({ iteration: i + 1, ...figures[key] }))])) as CompareSide["samples"];
  return { ...base, runs: runs.length, samples };
}
