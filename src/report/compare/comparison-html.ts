/** The comparison as a self-contained page: both sides, the table, and per figure every run with its ± and (with repeats) both distributions. */
import type { FigureSample } from "../../analysis/distribution.js";
import { RUN_FIGURES } from "../../analysis/run-figures.js";
import { SIDE_COLORS, chartDivs, type ChartPoint, type FigureChart } from "../html/figure-charts.js";
import { escapeHtml as esc, standalonePage } from "../html/standalone-page.js";
import { COMPARISON_COLUMNS, comparisonRows, gateLine, sideLine } from "./comparison-table.js";
import type { Comparison } from "./comparison.js";

export function comparisonHtml(c: Comparison): string {
  const rows = comparisonRows(c)
    .map((cells, i) => `<tr${c.rows[i]!.regression !== null ? ' class="error"' : ""}>${cells.map((text) => `<td>${esc(text)}</td>`).join("")}</tr>`)
    .join("\n");
  const charts = c.rows.flatMap((row, i) => figureCharts(c, row.figure, i));
  const gate = gateLine(c);
  const body = `<header>
<h1>compare: ${esc(c.new.scenario)}</h1>
<dl class="run"><dt>base</dt><dd>${esc(sideLine(c.base))}</dd><dt>new</dt><dd>${esc(sideLine(c.new))}</dd></dl>
${gate === null ? "" : `<p class="${c.rows.some((r) => r.regression !== null) ? "error" : "caption"}">${esc(gate)}</p>`}
</header>
<section id="figures">
<h2>Figures</h2>
<table><thead><tr>${COMPARISON_COLUMNS.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>
${rows}
</tbody></table>
<p class="caption">Single runs: beyond noise when the difference exceeds the sum of the two ± (the measurement's precision, not run-to-run variation).
Several runs: a two-sided Mann–Whitney U test at 0.05 (exact up to 60 runs), the difference being the Hodges–Lehmann shift.</p>
${c.notes.length === 0 ? "" : `<ul>${c.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`}
</section>
<section id="charts" class="plots">
<h2>Every run</h2>
<p class="caption">Each run's value with its ± as an error bar (a cross at the top: not measured, it never recovered); with several runs a side, the share of runs at or under each value.</p>
${chartDivs(charts)}
</section>`;
  return standalonePage({ title: `compare ${c.new.scenario} — vipdrill`, body, charts });
}

function figureCharts(c: Comparison, figure: Comparison["rows"][number]["figure"], index: number): FigureChart[] {
  const spec = RUN_FIGURES[figure];
  const base = c.base.samples[figure];
  const next = c.new.samples[figure];
  if (![...base, ...next].some((s) => s.value !== null)) return [];
  const points = (samples: readonly FigureSample[], offset: number): ChartPoint[] => samples.map((s, i) => ({ x: offset + i + 1, y: s.value, pm: s.precision }));
  const charts: FigureChart[] = [
    {
      kind: "points",
      id: `runs-${index}`,
      title: `${spec.label}: every run (base 1–${base.length}, new ${base.length + 2}–${base.length + 1 + next.length})`,
      unit: spec.unit,
      xLabel: "run",
      series: [
        { label: "base", color: SIDE_COLORS.base, points: points(base, 0) },
        { label: "new", color: SIDE_COLORS.new, points: points(next, base.length + 1) },
      ],
    },
  ];
  if (base.length > 1 && next.length > 1) {
    const values = (samples: readonly FigureSample[]): number[] => samples.flatMap((s) => (s.value === null ? [] : [s.value]));
    charts.push({
      kind: "ecdf",
      id: `ecdf-${index}`,
      title: `${spec.label}: share of runs at or under each value`,
      unit: spec.unit,
      series: [
        { label: "base", color: SIDE_COLORS.base, values: values(base) },
        { label: "new", color: SIDE_COLORS.new, values: values(next) },
      ],
    });
  }
  return charts;
}
