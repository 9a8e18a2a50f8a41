/**
 * Charts of figures over runs, drawn with uPlot by FIGURE_CHARTS_SCRIPT from JSON the page embeds:
 * "points" — a value per run with its ± as an error bar (an iteration, a night), optionally a
 * budget line; "ecdf" — the empirical distribution of each set of runs, a step per run.
 * Shared by the repeats section of report.html, compare's page and trend's page.
 */
export interface ChartPoint {
  x: number;
  /** Null: the run did not measure it (drawn as a cross at the top). */
  y: number | null;
  /** ± of y, drawn as an error bar. */
  pm: number | null;
}

export interface PointsChart {
  kind: "points";
  id: string;
  title: string;
  unit: "ms" | "count";
  xLabel: string;
  /** Labels of the x positions (a run's date); plain numbers without them. */
  xTicks?: Array<{ x: number; label: string }>;
  series: Array<{ label: string; color: string; points: ChartPoint[] }>;
  /** A limit drawn across (the budget). */
  hline?: { y: number; label: string };
}

export interface EcdfChart {
  kind: "ecdf";
  id: string;
  title: string;
  unit: "ms" | "count";
  series: Array<{ label: string; color: string; values: number[] }>;
}

export type FigureChart = PointsChart | EcdfChart;

/** The element id of the JSON the script reads. */
export const FIGURE_CHARTS_DATA_ID = "vipdrill-figure-charts";

/** Where each chart is drawn. */
export const chartDivs = (charts: readonly FigureChart[]): string => charts.map((c) => `<div id="${c.id}" class="chart"></div>`).join("\n");

/** Colours of the sides of a comparison, and of a single series. */
export const SIDE_COLORS = { base: "#57606a", new: "#0969da" } as const;
