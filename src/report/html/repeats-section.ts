/**
 * report.html of a repeated run: each figure's distribution over the iterations (n, min, p50, p90,
 * p95, max, each an iteration's value with its ±), every iteration's value as a point with its ±,
 * the empirical distribution, the merged latency per phase, and a link to each iteration's own report.
 */
import { DISTRIBUTION_PERCENTILES, type DistributionStat } from "../../analysis/distribution.js";
import { formatDurationMs } from "../../analysis/format.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES } from "../../analysis/run-figures.js";
import { figureText } from "../aggregate/figure-text.js";
import type { Report } from "../report-types.js";
import { chartDivs, SIDE_COLORS, type FigureChart } from "./figure-charts.js";
import { escapeHtml as esc } from "./standalone-page.js";

/** The figures drawn (the table lists them all). */
const DRAWN = ["failover", "outage", "vipMove", "failback"] as const;
const STATS = Object.keys(DISTRIBUTION_PERCENTILES) as DistributionStat[];

export function repeatsSection(report: Report): { html: string; charts: FigureChart[] } | null {
  const repeat = report.repeat;
  if (repeat === undefined) return null;
  const figureRows = RUN_FIGURE_KEYS.filter((key) => repeat.figures[key].n > 0).map((key) => {
    const d = repeat.figures[key];
    const cell = (stat: DistributionStat): string => {
      const point = d.stats[stat];
      return `<td class="num">${esc(figureText(key, point))}${point === null ? "" : `<br><span class="caption">iteration ${point.iteration}</span>`}</td>`;
    };
    return `<tr><td>${esc(RUN_FIGURES[key].label)}</td><td class="num">${d.n}</td>${STATS.map(cell).join("")}</tr>`;
  });
  const iterationRows = repeat.iterations.map((it) => {
    const cells = DRAWN.map((key) => `<td class="num">${esc(figureText(key, it.figures[key]))}</td>`).join("");
    const mark = it.error !== null ? `<td class="mark fail">✗</td><td class="error">${esc(it.error.code)}</td>` : `<td class="mark ${it.verdict}">${it.verdict === "pass" ? "✓" : "✗"}</td><td>${it.verdict}</td>`;
    const wait = it.failbackWaitMs === null ? "–" : formatDurationMs(it.failbackWaitMs);
    return `<tr><td><a href="${esc(it.dir)}/report.html">${it.iteration}</a></td>${mark}${cells}<td class="num">${esc(wait)}</td></tr>`;
  });
  const latencyRows = Object.values(repeat.latency)
    .filter((l) => l.ok > 0)
    .map((l) => `<tr><td>${esc(l.phase)}</td><td class="num">${l.iterations}</td><td class="num">${l.ok}</td>${(["p50", "p90", "p99", "p99.9", "max"] as const).map((p) => `<td class="num">${l[p] === null ? "–" : `${l[p]} ms`}</td>`).join("")}</tr>`);
  const charts = DRAWN.flatMap((key, i): FigureChart[] => {
    const samples = repeat.figures[key].samples;
    if (!samples.some((s) => s.value !== null)) return [];
    const spec = RUN_FIGURES[key];
    return [
      { kind: "points", id: `repeat-points-${i}`, title: `${spec.label} per iteration`, unit: spec.unit, xLabel: "iteration", series: [{ label: spec.label, color: SIDE_COLORS.new, points: samples.map((s) => ({ x: s.iteration, y: s.value, pm: s.precision })) }] },
      { kind: "ecdf", id: `repeat-ecdf-${i}`, title: `${spec.label}: share of iterations at or under each value`, unit: spec.unit, series: [{ label: spec.label, color: SIDE_COLORS.new, values: samples.flatMap((s) => (s.value === null ? [] : [s.value])) }] },
    ];
  });
  const html = `<section id="repeats" class="plots">
<h2>Repeats: ${repeat.completed} of ${repeat.requested} iterations</h2>
<p class="caption">Each percentile is the nearest rank, so it is one iteration's value with that run's ±; a run that did not recover ranks above every value.
Waits for the VIP to come back between iterations: ${esc(formatDurationMs(repeat.failbackWaitMs.total))} in all, ${esc(formatDurationMs(repeat.failbackWaitMs.max))} at most; ${esc(formatDurationMs(repeat.wallMs))} wall.
The budgets below are the whole run's; the figures, timeline and latency further down are the first iteration's.</p>
<table class="distribution"><thead><tr><th>figure</th><th>n</th>${STATS.map((s) => `<th>${s}</th>`).join("")}</tr></thead><tbody>
${figureRows.join("\n")}
</tbody></table>
${chartDivs(charts)}
<h3>Iterations</h3>
<table class="iterations"><thead><tr><th>#</th><th></th><th>verdict</th>${DRAWN.map((k) => `<th>${esc(RUN_FIGURES[k].label)}</th>`).join("")}<th>wait before</th></tr></thead><tbody>
${iterationRows.join("\n")}
</tbody></table>
<h3>Latency over every iteration (HDR histograms added)</h3>
<table class="phases"><thead><tr><th>phase</th><th>iterations</th><th>ok</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>
${latencyRows.join("\n")}
</tbody></table>
</section>`;
  return { html, charts };
}
