/**
 * ticket.md, beside summary.md: what a change ticket needs and no more — what was tested (scenario,
 * target, configuration files with their SHA-256), predicted against measured, the verdict, and
 * the outages clients saw (ticketOutages takes any report's outage list: a drill's, or a watch's
 * during the change).
 */
import { formatDurationMs, formatSpanMs, formatWithPrecision } from "../analysis/format.js";
import { RUN_FIGURES, type RunFigureKey } from "../analysis/run-figures.js";
import type { ConfigUnderTest } from "../model/config-under-test.js";
import { figureSourceOfReport } from "./aggregate/report-figures.js";
import { figureText } from "./aggregate/figure-text.js";
import type { RunAnalysis } from "../analysis/types.js";
import type { Report, ReportOutage } from "./report-types.js";
import { fromReturn } from "./predicted-window.js";
import { ENDPOINT_SILENT_NOTE, watchHeadline } from "./watch-headline.js";

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
type Window = { fromMs: number; toMs: number } | null | undefined;

/** The figures a ticket shows, each with the predicted window where the report has one, and the analysis' verdict on it. */
const TICKET_FIGURES: ReadonlyArray<{ key: RunFigureKey; predicted?: (r: Report) => Window; outside?: (r: Report) => boolean | null | undefined }> = [
  { key: "failover", predicted: (r) => fromReturn(r.faults[0]?.predicted, r.faults[0]?.injectStartMs, r.faults[0]?.injectedAtMs), outside: (r) => r.faults[0]?.outsidePrediction },
  { key: "vipMove" },
  { key: "outage" },
  { key: "failback" },
  { key: "vipMoveBack", predicted: (r) => fromReturn(r.faults[0]?.predictedFailback, r.faults[0]?.restoreStartMs, r.faults[0]?.restoredAtMs), outside: (r) => r.faults[0]?.outsideFailbackPrediction },
  { key: "failedProbes" },
];

export interface TicketOptions {
  /** Today's configuration drilled on the same lab: set beside the report's. */
  baseline?: Report;
}

export function renderTicket(report: Report, options: TicketOptions = {}): string {
  if (report.kind === "watch") return renderWatchTicket(report);
  const { baseline } = options;
  const fault = report.faults[0];
  const spec = report.scenario.spec as { holdMs?: number } | null;
  const lines = [
    `## vipdrill: ${report.scenario.name} — ${verdictWords(report)}`,
    "",
    `**What was tested** (${report.startedAt}, vipdrill ${report.vipdrill})`,
    "",
    `- Scenario \`${report.scenario.name}\`${fault ? `: ${fault.type} on ${fault.target}${fault.hosts.length > 0 ? ` (${fault.hosts.join(", ")})` : ""}` : ""}${spec?.holdMs ? `, held ${formatDurationMs(spec.holdMs)}` : ""} — \`${report.scenario.file}\``,
    `- Target: ${targetWords(report)}`,
    ...configurationBullets(report.configuration, baseline?.configuration),
    ...(report.repeat ? [`- ${report.repeat.completed} of ${report.repeat.requested} iterations: each figure is the median run's, with the range`] : []),
    "",
    "**Predicted vs measured**",
    "",
    ...figureTable(report, baseline),
    "",
    "Predicted windows are the configuration's timers, counted like the figures from the command's return (the fault took effect while it ran).",
    "",
    `**Verdict: ${verdictWords(report)}**${verdictWhy(report)}`,
    "",
    ...ticketOutages(fault?.outages ?? [], report.startedAt, "Outages clients saw during the fault"),
  ];
  if (report.configuration && report.configuration.unmapped.length > 0) {
    lines.push(`Not mapped onto the lab: ${report.configuration.unmapped.length} item${report.configuration.unmapped.length === 1 ? "" : "s"} (summary.md lists them with the mapping table).`, "");
  }
  lines.push("Full report: report.html and report.json beside this file.", "");
  return lines.join("\n");
}

/**
 * A watch's ticket: what was watched and when, the operator's marks, the outages clients saw during
 * the change, and each period's latency — a watch has no budget and no prediction.
 */
function renderWatchTicket(report: Report): string {
  const origin = Date.parse(report.startedAt);
  const clock = (ms: number): string => new Date(origin + ms).toISOString().slice(11, 23);
  const analysis = report.analysis as RunAnalysis;
  const headline = watchHeadline(report) ?? `❌ FAIL${report.error ? ` — ${report.error.message}` : analysis.notes.includes(ENDPOINT_SILENT_NOTE) ? " — the endpoint never answered a probe" : ""}`;
  const marks = report.marks ?? [];
  const periods = report.periods ?? [];
  const ms = (v: number | null): string => (v === null ? "–" : formatDurationMs(v));
  return [
    `## vipdrill watch: ${headline}`,
    "",
    `**What was watched** (${report.startedAt} → ${clock(analysis.endMs)} UTC, ${formatDurationMs(analysis.endMs)}; vipdrill ${report.vipdrill})`,
    "",
    `- ${report.scenario.description}; ${report.probes.sent} probes, a fresh connection every ${formatDurationMs(report.probes.intervalMs)}`,
    `- Target: ${report.target.hosts.length === 0 ? "the endpoint only (no host watched)" : targetWords(report)}`,
    "",
    ...(marks.length === 0 ? ["**Marks:** none", ""] : ["**Marks**", "", ...marks.map((m) => `- ${clock(m.atMs)} UTC: ${m.text}`), ""]),
    ...ticketOutages(analysis.outages, report.startedAt, "Outages clients saw during the change"),
    ...(periods.length === 0
      ? []
      : [
          "**Latency per period** (fresh connections, from each probe's due time)",
          "",
          "| period | from | to | probes | failed | p50 | p99 | max |",
          "|---|---|---|---|---|---|---|---|",
          ...periods.map((p) => `| ${cell(p.label)} | ${clock(p.fromMs)} | ${clock(p.toMs)} | ${p.latency.count} | ${p.latency.failed} | ${ms(p.latency.p50)} | ${ms(p.latency.p99)} | ${ms(p.latency.max)} |`),
          "",
        ]),
    "Full report: report.html and report.json beside this file.",
    "",
  ].join("\n");
}

/**
 * The outages of a report as a ticket lists them: each window's wall-clock start (from the run's
 * start), its length with its ±, and what failed; "none" when clients saw none.
 */
export function ticketOutages(outages: readonly ReportOutage[], startedAt: string, title = "Outages clients saw"): string[] {
  const origin = Date.parse(startedAt);
  const clock = (ms: number): string => new Date(origin + ms).toISOString().slice(11, 23);
  if (outages.length === 0) return [`**${title}:** none — no probe failed.`, ""];
  return [
    `**${title}:** ${outages.length}`,
    "",
    ...outages.map((o) => {
      const length = o.durationMs === null ? "never recovered" : `${o.startsAtFirstProbe ? "≥ " : ""}${formatWithPrecision(o.durationMs, o.precisionMs)}`;
      const kinds = Object.entries(o.errorKinds)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
      return `- ${clock(o.startMs)} UTC → ${o.endMs === null ? "the end" : `${clock(o.endMs)} UTC`}: ${length}, ${o.failedProbes} failed probe${o.failedProbes === 1 ? "" : "s"}${kinds ? ` (${kinds})` : ""}`;
    }),
    "",
  ];
}

function verdictWords(report: Report): string {
  if (report.aborted) return `⛔ ABORTED (${report.aborted})`;
  return report.verdict === "pass" ? "✅ PASS" : "❌ FAIL";
}

function verdictWhy(report: Report): string {
  if (report.error) return ` — ${report.error.message}`;
  const breached = report.budgets.filter((b) => !b.pass);
  if (breached.length === 0) return ` — every budget held (${report.budgets.map((b) => b.name).join(", ")}).`;
  return ` — ${breached.map((b) => `${b.name} ${b.measured}, limit ${b.limit}`).join("; ")}.`;
}

function targetWords(report: Report): string {
  const roles = (role: string): number => report.target.hosts.filter((h) => h.roles.includes(role)).length;
  const where = report.target.kind === "lab" ? `lab \`${report.target.name}\`` : `inventory \`${report.target.name}\``;
  return `${where} (${roles("load-balancer")} load balancers, ${roles("control-plane")} control planes; VIP ${report.target.endpoint.vip}:${report.target.endpoint.port})`;
}

function configurationBullets(proposed: ConfigUnderTest | undefined, baseline: ConfigUnderTest | undefined): string[] {
  const bullets = (c: ConfigUnderTest | undefined, what: string): string[] =>
    c === undefined ? [] : [`- ${what}:`, ...c.files.map((f) => `  - ${f.daemon} \`${f.path}\` sha256 \`${f.sha256}\``), ...c.overrides.map((o) => `  - set ${o}`)];
  if (proposed === undefined && baseline === undefined) return ["- Configuration: the lab's templates (lab/templates/)"];
  return [...bullets(baseline, "Today's configuration (baseline)"), ...bullets(proposed, proposed?.role === "lab" ? "The lab's templates" : "Proposed configuration")];
}

/** One row per figure: predicted and measured, for the report and (beside it) the baseline. */
function figureTable(report: Report, baseline: Report | undefined): string[] {
  const sides = baseline ? [baseline, report] : [report];
  const head = baseline
    ? ["figure", "today: predicted", "today: measured", "proposed: predicted", "proposed: measured"]
    : ["figure", "predicted", "measured", ""];
  const rows = TICKET_FIGURES.map(({ key, predicted, outside }) => {
    const cells = sides.flatMap((side) => {
      const window = predicted?.(side);
      return [window ? formatSpanMs(window.fromMs, window.toMs) : "–", measuredText(side, key)];
    });
    // A repeated run's verdicts are its iterations' (their own ticket.md); the median alone says nothing of them.
    const inside = baseline ? [] : [report.repeat ? "" : insideText(outside?.(report))];
    return [RUN_FIGURES[key].label, ...cells, ...inside];
  });
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

/** A run's figure with its ±; a repeated run's median with the range. */
function measuredText(report: Report, key: RunFigureKey): string {
  const distribution = report.repeat?.figures[key];
  if (distribution) {
    const { p50, min, max } = distribution.stats;
    if (!p50) return "not measured";
    return `p50 ${figureText(key, p50)} (${figureText(key, min)} – ${figureText(key, max)}, n ${distribution.n})`;
  }
  return figureText(key, RUN_FIGURES[key].read(figureSourceOfReport(report)));
}

/** The analysis' verdict (README "Predicted windows": a figure whose ± lies wholly outside is a finding). */
function insideText(outside: boolean | null | undefined): string {
  if (outside === null || outside === undefined) return "";
  return outside ? "**outside** the prediction" : "inside the prediction";
}
