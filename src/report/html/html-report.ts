/**
 * report.html: one self-contained page — every script and style inlined, and a Content Security
 * Policy that lets it load nothing — readable on screen and printable into a change ticket. The
 * text (header, figures, budgets, lanes, plan, notes) is static HTML, so it paints at once and
 * prints without script; the plots are drawn by the inlined page script from embedded JSON.
 */
import { createHash } from "node:crypto";
import { formatDurationMs, formatWithPrecision } from "../../analysis/format.js";
import type { PhaseLatency, RunAnalysis } from "../../analysis/types.js";
import { PERCENTILES } from "../../model/scenario.js";
import { figureLines } from "../figures.js";
import type { Report } from "../report-types.js";
import { LANE_COLORS, LATENCY_COLORS, OUTCOME_COLORS, PHASE_COLORS } from "./palette.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";
import { percentileData } from "./percentile-data.js";
import { timelineData, type TimelineData } from "./timeline-data.js";
import { uplotAssets } from "./uplot-assets.js";
import { repeatsSection } from "./repeats-section.js";
import { configurationHtml } from "../config-section.js";
import { figureChartsAssets } from "./standalone-page.js";
import { pageHead } from "./page-head.js";

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** JSON inside <script>: "<" escaped so no string in it (a description, a note) can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c");

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The page for a report. A view must not cost the run its report: should drawing fail (a report.json
 * of another version, say), the page says so and points to report.json instead of throwing.
 */
export function renderHtml(report: Report): string {
  try {
    return fullPage(report);
  } catch (error) {
    return errorPage(report, error);
  }
}

/** pass, fail, or aborted (a signal stopped the run), as the header's badge says it. */
const verdictOf = (report: Report): string => (report.aborted ? "aborted" : report.verdict);

function errorPage(report: Report, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  const name = esc(String(report.scenario?.name));
  const verdict = esc(verdictOf(report));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${name}: ${verdict} — vipdrill</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${name} <span class="verdict ${verdict}">${verdict}</span></h1>
<p class="error">vipdrill could not draw this report (${esc(why)}): report.json beside this file holds every figure.</p>
</body>
</html>
`;
}

function fullPage(report: Report): string {
  const analysis = report.analysis as RunAnalysis;
  const timeline = timelineData(report);
  const data = {
    timeline,
    percentiles: percentileData(analysis.latency),
    colors: { outcomes: OUTCOME_COLORS, latency: LATENCY_COLORS, phases: PHASE_COLORS, mark: LANE_COLORS.mark },
  };
  const uplot = uplotAssets();
  // A repeated run: its distributions above the first iteration's page (repeats-section.ts).
  const repeats = repeatsSection(report);
  const repeatCharts = repeats === null ? null : figureChartsAssets(repeats.charts);
  const scripts = [uplot.script, PAGE_SCRIPT, ...(repeatCharts?.scripts ?? [])];
  if (scripts.some((s) => /<\/script/i.test(s))) throw new Error("report.html: an inlined script contains </script>");
  // Only these two scripts may run, and nothing may be fetched: a report opens the same offline.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scripts.map(sha256).join(" ")}`;
  const verdict = verdictOf(report);
  return `${pageHead({ csp, title: `${report.scenario.name}: ${verdict} — vipdrill`, generator: `vipdrill ${report.vipdrill}` })}
<body>
${header(report, verdict)}
${repeats?.html ?? ""}
${figures(report)}
${report.configuration ? configurationHtml(report.configuration) : ""}
${timelineSection(timeline)}
${percentilesSection(analysis.latency)}
${planSection(report)}
${notesSection(analysis.notes)}
<footer>vipdrill ${esc(report.vipdrill)} · report.json beside this file holds every figure and the whole timeline.</footer>
<script id="vipdrill-data" type="application/json">${scriptJson(data)}</script>
${repeatCharts?.json ?? ""}
${scripts.map((s) => `<script>${s}</script>`).join("\n")}
</body>
</html>
`;
}

function header(report: Report, verdict: string): string {
  const t = report.target;
  const rows: Array<[string, string]> = [
    ["target", `${t.kind} ${t.name}`],
    ["VIP", `${t.endpoint.vip}:${t.endpoint.port}`],
    ["DNS name", t.endpoint.dns],
    ["started", report.startedAt],
    ["duration", formatDurationMs(report.durationMs)],
    ["scenario file", report.scenario.file],
    ["vipdrill", report.vipdrill],
  ];
  if (report.aborted) rows.push(["aborted by", report.aborted]);
  return `<header>
<h1>${esc(report.scenario.name)} <span class="verdict ${verdict}">${verdict}</span></h1>
<p class="description">${esc(report.scenario.description)}</p>
<dl class="run">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>
${report.error ? `<p class="error">error ${esc(report.error.code)}: ${esc(report.error.message)}</p>` : ""}
</header>`;
}

/** The terminal summary's words (figureLines), then each budget ✓/✗. */
function figures(report: Report): string {
  const lines = figureLines(report)
    .map(([label, text]) => `<tr><td class="label">${esc(label)}</td><td>${esc(text)}</td></tr>`)
    .join("\n");
  const budgets = report.budgets
    .map((b) => {
      const mark = b.pass ? "pass" : "fail";
      return `<tr><td class="mark ${mark}">${b.pass ? "✓" : "✗"}</td><td>${esc(b.name)}</td><td class="num">${esc(b.measured)}</td><td class="num">${esc(b.limit)}</td><td>${esc(b.detail ?? "")}</td></tr>`;
    })
    .join("\n");
  return `<section id="figures">
<h2>Figures</h2>
<table class="figures"><tbody>
${lines}
</tbody></table>
<h2>Budgets</h2>
<table class="budgets"><thead><tr><th></th><th>budget</th><th>measured</th><th>limit</th><th>detail</th></tr></thead><tbody>
${budgets}
</tbody></table>
</section>`;
}

const at = (ms: number, precisionMs?: number | null): string => `T+${formatWithPrecision(ms, precisionMs ?? null)}`;

function timelineSection(t: TimelineData): string {
  const rows = t.lanes.flatMap((lane) =>
    lane.segments.map((s) => {
      const until = s.toMs === s.fromMs ? "" : at(s.toMs, s.toPrecisionMs);
      return `<tr><td>${esc(lane.lane)}</td><td class="num">${esc(at(s.fromMs, s.fromPrecisionMs))}</td><td class="num">${esc(until)}</td><td>${esc(s.label)}</td></tr>`;
    }),
  );
  const bucket = formatDurationMs(t.buckets.bucketMs);
  return `<section id="timeline" class="plots">
<h2>Timeline</h2>
<p class="caption">Seconds since the run's origin (T+0), one axis for every row. Probes (${esc(t.stream)}) are counted in buckets of ${esc(bucket)}:
every bucket holding a failed probe shows in its kind's row, however many probes succeeded beside it. Outage windows, the fault's commands and the
VIP and Keepalived lanes are drawn at their measured times, not per bucket; a window's ± is an error bar at each end. Dashed lines: the stable recoveries.</p>
<div class="toolbar interactive"><button id="reset-zoom" type="button">reset zoom</button><span class="caption">drag to zoom · wheel to zoom · shift+wheel to pan · double-click to reset</span></div>
<div id="chart-outcomes" class="chart"></div>
<div id="chart-latency" class="chart"></div>
<div id="chart-lanes" class="chart"></div>
<h3>Lanes</h3>
<table class="lanes"><thead><tr><th>lane</th><th>from</th><th>to</th><th></th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
</section>`;
}

function percentilesSection(latency: Readonly<Record<string, PhaseLatency>>): string {
  const fmt = (ms: number | null): string => (ms === null ? "–" : `${ms} ms`);
  const rows = Object.values(latency)
    .filter((l) => l.count > 0)
    .map((l) => {
      const from = l.fromMs === null ? "" : `T+${formatDurationMs(l.fromMs)} → T+${formatDurationMs(l.toMs ?? 0)}`;
      return `<tr><td>${esc(l.phase)}</td><td class="num">${esc(from)}</td><td class="num">${l.ok}</td><td class="num">${l.failed}</td>${PERCENTILES.map((p) => `<td class="num">${esc(fmt(l[p]))}</td>`).join("")}</tr>`;
    });
  return `<section id="percentiles" class="plots">
<h2>Latency by percentile</h2>
<p class="caption">Successful probes' latency from their due time (coordinated omission corrected), per phase, from the HDR histograms in report.json (3 significant digits).
x is 1/(1−p) on a log scale, as wrk2 and HdrHistogram plot it; a curve ends where it reaches its phase's max.</p>
<div id="chart-percentiles" class="chart"></div>
<table class="phases"><thead><tr><th>phase</th><th>due</th><th>ok</th><th>failed</th>${PERCENTILES.map((p) => `<th>${p}</th>`).join("")}</tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
</section>`;
}

function planSection(report: Report): string {
  const hosts = report.plan.map((host) => {
    const commands = (kind: string, list: readonly string[]): string =>
      list.length === 0 ? "" : `<p class="caption">${kind}</p>${list.map((c) => `<pre><code>${esc(c)}</code></pre>`).join("")}`;
    return `<h3>${esc(host.hostId)}</h3>${commands("inject", host.inject)}${commands("restore", host.restore)}`;
  });
  return `<section id="plan">
<h2>Plan: the commands run</h2>
${hosts.length === 0 ? `<p class="caption">No commands were recorded.</p>` : hosts.join("\n")}
</section>`;
}

function notesSection(notes: readonly string[]): string {
  return `<section id="notes">
<h2>Notes</h2>
${notes.length === 0 ? `<p class="caption">None.</p>` : `<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`}
</section>`;
}
