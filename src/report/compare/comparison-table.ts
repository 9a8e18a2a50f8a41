/** A comparison as rows of words, shared by the terminal, Markdown and HTML renderings. */
import type { FigureComparison, SideFigure } from "../../analysis/figure-comparison.js";
import { formatDurationMs } from "../../analysis/format.js";
import { RUN_FIGURES, type RunFigureKey } from "../../analysis/run-figures.js";
import { figureText } from "../aggregate/figure-text.js";
import type { Comparison } from "./comparison.js";
import type { CompareSide } from "./compare-side.js";

export const COMPARISON_COLUMNS = ["figure", "base", "new", "difference", "noise", "why", "regression"] as const;

const VERDICT_WORDS: Record<FigureComparison["verdict"], string> = {
  "beyond-noise": "beyond noise",
  "within-noise": "within noise",
  "too-few-runs": "too few runs",
  "not-measured": "not measured",
};

export function comparisonRows(c: Comparison): string[][] {
  return c.rows.map((row) => [
    RUN_FIGURES[row.figure].label,
    sideText(row.figure, row.base),
    sideText(row.figure, row.new),
    differenceText(row),
    VERDICT_WORDS[row.verdict],
    row.reason,
    row.regression ?? "",
  ]);
}

/** A single run's value with its ±; for several, the median run's, with n and the range. */
export function sideText(figure: RunFigureKey, side: SideFigure): string {
  if (side.n <= 1) return figureText(figure, side.center);
  const bare = (v: number | null | undefined): string =>
    v === null || v === undefined ? "not measured" : RUN_FIGURES[figure].unit === "ms" ? formatDurationMs(v) : String(v);
  return `p50 ${figureText(figure, side.center)} of ${side.n} (${bare(side.min?.value)} – ${bare(side.max?.value)})`;
}

export function differenceText(row: Comparison["rows"][number]): string {
  const d = row.difference;
  if (d === null) return "–";
  if (d === Infinity) return "worse: never recovered";
  if (d === -Infinity) return "better: recovered";
  const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
  const magnitude = RUN_FIGURES[row.figure].unit === "ms" ? formatDurationMs(Math.abs(d)) : String(Math.abs(d));
  const share = row.relative === null ? "" : ` (${row.relative > 0 ? "+" : row.relative < 0 ? "−" : "±"}${(Math.abs(row.relative) * 100).toFixed(1)}%)`;
  return `${sign}${magnitude}${share}`;
}

/** "reports/…/report.json: link-pull-vip-owner, 20 runs, vipdrill 0.1.0, 2026-12-01T20:00:00Z". */
export function sideLine(side: CompareSide): string {
  const runs = side.kind === "history" ? `${side.runs} runs from a history` : side.kind === "repeat" ? `${side.runs} iterations` : "a single run";
  return `${side.label}: ${side.scenario}, ${runs}, vipdrill ${side.vipdrill}, ${side.startedAt}`;
}

/** The gate's outcome in one line, or null without --max-regression. */
export function gateLine(c: Comparison): string | null {
  if (c.maxRegression === null) return null;
  const regressed = c.rows.filter((r) => r.regression !== null);
  return regressed.length === 0
    ? `no figure regressed by more than ${c.maxRegression.text}`
    : `REGRESSED beyond ${c.maxRegression.text}: ${regressed.map((r) => `${RUN_FIGURES[r.figure].label} ${differenceText(r)}`).join(", ")}`;
}
