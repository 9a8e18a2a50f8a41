/** A history as a page: per scenario, each headline figure night by night with its ± (a repeated run: its median and range) and the budget line. */
import { RUN_FIGURES } from "../../analysis/run-figures.js";
import { chartDivs, SIDE_COLORS, type FigureChart } from "../html/figure-charts.js";
import { escapeHtml as esc, standalonePage } from "../html/standalone-page.js";
import type { GateResult } from "./trend-gate.js";
import type { HistoryRecord } from "./history-record.js";
import { TREND_FIGURES, trendColumns, trendRows } from "./trend-table.js";

export function trendHtml(file: string, scenarios: ReadonlyMap<string, readonly HistoryRecord[]>, gates: readonly GateResult[]): string {
  const charts: FigureChart[] = [];
  const sections = [...scenarios].map(([name, runs], s) => {
    const mine = TREND_FIGURES.flatMap((figure, f): FigureChart[] => {
      if (!runs.some((r) => r.figures[figure].value !== null)) return [];
      const limit = runs.at(-1)!.limits[figure];
      const spec = RUN_FIGURES[figure];
      return [
        {
          kind: "points",
          id: `trend-${s}-${f}`,
          title: `${spec.label} per run (a repeated run: its median)`,
          unit: spec.unit,
          xLabel: "run",
          xTicks: runs.map((r, i) => ({ x: i + 1, label: r.at.slice(5, 16).replace("T", " ") })),
          series: [{ label: spec.label, color: SIDE_COLORS.new, points: runs.map((r, i) => ({ x: i + 1, y: r.figures[figure].value, pm: r.figures[figure].precision })) }],
          ...(limit !== undefined && { hline: { y: limit, label: `budget ${spec.unit === "ms" ? `${limit / 1000} s` : limit}` } }),
        },
      ];
    });
    charts.push(...mine);
    const rows = trendRows(runs)
      .map((cells) => `<tr>${cells.map((c) => `<td class="num">${esc(c)}</td>`).join("")}</tr>`)
      .join("\n");
    const results = gates.filter((g) => g.scenario === name);
    return `<section class="plots">
<h2>${esc(name)} — ${runs.length} run${runs.length === 1 ? "" : "s"}</h2>
${results.map((g) => `<p class="${g.tripped ? "error" : "caption"}">${g.tripped ? "✗" : "✓"} ${esc(g.gate.text)}: ${esc(g.words)}</p>`).join("\n")}
${chartDivs(mine)}
<table><thead><tr>${trendColumns().map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
  });
  const body = `<header><h1>trend: ${esc(file)}</h1>
<p class="caption">Each run's figure with its ± (a cross at the top: it never recovered); the dashed line is the scenario's per-run budget.</p></header>
${sections.join("\n")}`;
  return standalonePage({ title: `trend ${file} — vipdrill`, body, charts });
}
