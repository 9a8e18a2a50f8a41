/** A repeated run on a terminal: one line per iteration as it ends, then each figure's distribution and the run's budgets. */
import type { ChalkInstance } from "chalk";
import { DISTRIBUTION_PERCENTILES, type DistributionStat } from "../../analysis/distribution.js";
import { formatDurationMs } from "../../analysis/format.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES } from "../../analysis/run-figures.js";
import type { Report } from "../report-types.js";
import { figureText } from "./figure-text.js";
import type { RepeatIteration } from "./repeat-summary.js";

/** The figures an iteration's line names: the headline ones. */
const LINE_FIGURES = ["failover", "outage", "vipMove", "failback"] as const;

export function iterationLine(it: RepeatIteration, of: number, screen: ChalkInstance): string {
  const verdict = it.error !== null ? screen.red(`ERROR ${it.error.code}`) : it.verdict === "pass" ? screen.green("pass") : screen.red("fail");
  const figures = LINE_FIGURES.map((key) => `${RUN_FIGURES[key].label} ${figureText(key, it.figures[key])}`).join(", ");
  const wait = it.failbackWaitMs === null ? "" : `; waited ${formatDurationMs(it.failbackWaitMs)} for the VIP to come back`;
  return `iteration ${it.iteration}/${of} ${verdict}: ${figures}${wait}`;
}

const STATS = Object.keys(DISTRIBUTION_PERCENTILES) as DistributionStat[];

export function renderRepeatSummary(report: Report, screen: ChalkInstance): string {
  const repeat = report.repeat;
  if (repeat === undefined) return "";
  const head = report.verdict === "pass" ? screen.green.bold("PASS") : screen.red.bold(report.aborted ? `ABORTED (${report.aborted})` : "FAIL");
  const out = [`\n${screen.bold(report.scenario.name)} × ${repeat.completed}${repeat.completed < repeat.requested ? ` of ${repeat.requested}` : ""} — ${head}`];
  out.push(`  ${"figure".padEnd(22)} ${"n".padStart(3)}  ${STATS.map((s) => s.padEnd(22)).join("")}`);
  for (const key of RUN_FIGURE_KEYS) {
    const d = repeat.figures[key];
    if (d.n === 0) continue;
    const cells = STATS.map((stat) => figureText(key, d.stats[stat]).padEnd(22)).join("");
    const missing = d.unmeasured.length > 0 && RUN_FIGURES[key].unmeasured === "worst" ? `  (not measured in ${d.unmeasured.join(", ")})` : "";
    out.push(`  ${RUN_FIGURES[key].label.padEnd(22)} ${String(d.n).padStart(3)}  ${cells}${missing}`);
  }
  out.push(`  waits for the VIP to come back: ${formatDurationMs(repeat.failbackWaitMs.total)} in all, ${formatDurationMs(repeat.failbackWaitMs.max)} at most; ${formatDurationMs(repeat.wallMs)} wall`);
  out.push("  budgets");
  for (const b of report.budgets) {
    const mark = b.pass ? screen.green("✓") : screen.red("✗");
    out.push(`    ${mark} ${b.name.padEnd(24)} ${b.measured}  (limit ${b.limit})${b.detail ? ` — ${b.detail}` : ""}`);
  }
  if (report.error) out.push(screen.red(`  error: ${report.error.message}`));
  return out.join("\n");
}
