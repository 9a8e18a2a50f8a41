/** A sweep as a table (terminal, sweep.md) and as a page of plots (sweep.html): each figure against the setting, the predicted window beside the measured. */
import { formatDurationMs, formatSpanMs, formatWithPrecision } from "../../analysis/format.js";
import { RUN_FIGURES } from "../../analysis/run-figures.js";
import { chartDivs, SIDE_COLORS, type ChartPoint, type FigureChart } from "../html/figure-charts.js";
import { escapeHtml as esc, standalonePage } from "../html/standalone-page.js";
import { SWEEP_FIGURES, type SweepEntry, type SweepFigure, type SweepReport } from "./sweep-report.js";

const PREDICTED_COLOR = "#bf8700";
const PREDICTION_WORDS =
  "the predicted window is the settings' (Keepalived's timers), counted like the failover from the inject command's return: the link went down somewhere while the command ran, so the window's earliest end is moved back by the time it took. \"vs prediction\": whether the failover with its ± lies inside.";
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function figureCell(entry: SweepEntry, key: SweepFigure): string {
  const f = entry.figures[key];
  const unit = RUN_FIGURES[key].unit;
  const bare = (v: number | null | undefined): string => (v === null || v === undefined ? "–" : unit === "ms" ? formatDurationMs(v) : String(v));
  if (f.value === null) return RUN_FIGURES[key].unmeasured === "worst" ? "not measured" : "none";
  const main = unit === "ms" ? formatWithPrecision(f.value, f.precision) : String(f.value);
  return f.n !== undefined ? `p50 ${main} (${bare(f.min)} – ${bare(f.max)}, n ${f.n})` : main;
}

/** The window counted from T_f, as the failover is (sweep-report.ts injectCommandMs). */
const fromInject = (e: SweepEntry): { fromMs: number; toMs: number } | null =>
  e.predicted && { fromMs: Math.max(0, e.predicted.fromMs - (e.injectCommandMs ?? 0)), toMs: e.predicted.toMs };
const predictedCell = (e: SweepEntry): string => {
  const w = fromInject(e);
  return w ? formatSpanMs(w.fromMs, w.toMs) : "none derived";
};
const insideCell = (e: SweepEntry): string => (e.outsidePrediction === null ? "–" : e.outsidePrediction ? "OUTSIDE" : "inside");

export const SWEEP_COLUMNS = (keys: readonly string[]): string[] => [...keys, "predicted failover (from T_f)", ...SWEEP_FIGURES.map((k) => RUN_FIGURES[k].label), "vs prediction", "verdict"];

export function sweepRows(report: SweepReport): string[][] {
  return report.entries.map((e) => [...e.settings.map((s) => s.text), predictedCell(e), ...SWEEP_FIGURES.map((k) => figureCell(e, k)), insideCell(e), e.verdict]);
}

export function sweepMarkdown(report: SweepReport): string {
  const head = SWEEP_COLUMNS(report.keys);
  const implied = [...new Set(report.entries.flatMap((e) => e.implied))];
  const lines = [
    `## vipdrill sweep: ${report.scenario.name}`,
    "",
    `${report.entries.length} combination${report.entries.length === 1 ? "" : "s"} of ${report.keys.join(", ")} on lab \`${report.lab}\`, ${report.repeat === 1 ? "one drill each" : `${report.repeat} drills each (the median run's figure, with the range)`}; started ${report.startedAt}, ${(report.wallMs / 1000).toFixed(0)} s in all.`,
    "",
    `| ${head.map(cell).join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...sweepRows(report).map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
    `Each figure with its ± (README "Measurement definitions"); ${PREDICTION_WORDS}`,
  ];
  if (implied.length > 0) lines.push("", ...implied.map((i) => `- ${cell(i)}`));
  if (report.notDrilled.length > 0) lines.push("", `Not drilled (the sweep stopped): ${report.notDrilled.map(cell).join("; ")}`);
  return `${lines.join("\n")}\n`;
}

export function sweepTerminal(report: SweepReport): string {
  const head = SWEEP_COLUMNS(report.keys);
  const rows = [head, ...sweepRows(report)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** x of each combination: the value itself when one setting is swept, else its place in the sweep (labelled). */
function xAxis(report: SweepReport): { x: (e: SweepEntry, i: number) => number; label: string; ticks: Array<{ x: number; label: string }>; offset: number } {
  if (report.keys.length === 1) {
    const values = report.entries.map((e) => e.settings[0]!.value);
    const span = Math.max(...values) - Math.min(...values) || 1;
    return { x: (e) => e.settings[0]!.value, label: report.keys[0]!, ticks: report.entries.map((e) => ({ x: e.settings[0]!.value, label: e.settings[0]!.text })), offset: span * 0.02 };
  }
  return {
    x: (_, i) => i + 1,
    label: report.keys.join(", "),
    ticks: report.entries.map((e, i) => ({ x: i + 1, label: e.settings.map((s) => s.text).join(" / ") })),
    offset: 0.08,
  };
}

export function sweepCharts(report: SweepReport): FigureChart[] {
  const axis = xAxis(report);
  return (["failover", "vipMove", "outage"] as const).flatMap((key, index) => {
    const measured: ChartPoint[] = report.entries.map((e, i) => ({ x: axis.x(e, i), y: e.figures[key].value, pm: e.figures[key].precision }));
    if (measured.every((p) => p.y === null)) return [];
    const series: Extract<FigureChart, { kind: "points" }>["series"] = [{ label: `${RUN_FIGURES[key].label} measured (± its precision)`, color: SIDE_COLORS.new, points: measured }];
    // The predicted window as a bar from its start to its end, just left of the measured point.
    if (key === "failover" && report.entries.some((e) => e.predicted)) {
      const predicted = report.entries.flatMap((e, i) => {
        const w = fromInject(e);
        return w ? [{ x: axis.x(e, i) - axis.offset, y: (w.fromMs + w.toMs) / 2, pm: (w.toMs - w.fromMs) / 2 }] : [];
      });
      series.unshift({ label: "predicted window (bar: earliest–latest)", color: PREDICTED_COLOR, points: predicted });
    }
    if (report.repeat > 1) {
      const range = (pick: "min" | "max"): ChartPoint[] => report.entries.map((e, i) => ({ x: axis.x(e, i) + axis.offset, y: e.figures[key][pick] ?? null, pm: null }));
      series.push({ label: "fastest run", color: SIDE_COLORS.base, points: range("min") }, { label: "slowest run", color: SIDE_COLORS.base, points: range("max") });
    }
    return [{ kind: "points" as const, id: `sweep-${index}`, title: `${RUN_FIGURES[key].label} against ${axis.label}`, unit: RUN_FIGURES[key].unit, xLabel: axis.label, xTicks: axis.ticks, series }];
  });
}

export function sweepHtml(report: SweepReport): string {
  const head = SWEEP_COLUMNS(report.keys);
  const rows = sweepRows(report)
    .map((r, i) => `<tr${report.entries[i]!.outsidePrediction ? ' class="error"' : ""}>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const charts = sweepCharts(report);
  const implied = [...new Set(report.entries.flatMap((e) => e.implied))];
  const body = `<header>
<h1>sweep: ${esc(report.scenario.name)}</h1>
<p class="caption">${esc(`${report.entries.length} combinations of ${report.keys.join(", ")} on lab ${report.lab}; ${report.repeat === 1 ? "one drill each" : `${report.repeat} drills each (median, fastest and slowest run)`}; started ${report.startedAt}.`)}</p>
</header>
<section id="figures">
<h2>Figures</h2>
<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>
${rows}
</tbody></table>
${implied.length === 0 ? "" : `<ul>${implied.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`}
</section>
<section id="charts" class="plots">
<h2>Against the setting</h2>
<p class="caption">Each measured figure with its ± as an error bar; beside the failover, the window the settings predict (a bar from its earliest to its latest). ${esc(PREDICTION_WORDS)}</p>
${chartDivs(charts)}
</section>`;
  return standalonePage({ title: `sweep ${report.scenario.name} — vipdrill`, body, charts });
}
