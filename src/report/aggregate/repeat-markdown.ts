/** A repeated run's distributions in Markdown, for summary.md (markdown.ts) and change tickets; "" for a single run. */
import { DISTRIBUTION_PERCENTILES, type DistributionStat } from "../../analysis/distribution.js";
import { formatDurationMs } from "../../analysis/format.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES } from "../../analysis/run-figures.js";
import type { Report } from "../report-types.js";
import { figureText } from "./figure-text.js";

const STATS = Object.keys(DISTRIBUTION_PERCENTILES) as DistributionStat[];

export function repeatMarkdown(report: Report): string {
  const repeat = report.repeat;
  if (repeat === undefined) return "";
  const rows = RUN_FIGURE_KEYS.filter((key) => repeat.figures[key].n > 0).map((key) => {
    const d = repeat.figures[key];
    return `| ${RUN_FIGURES[key].label} | ${d.n} | ${STATS.map((stat) => figureText(key, d.stats[stat])).join(" | ")} |`;
  });
  return [
    `### ${repeat.completed} of ${repeat.requested} iterations`,
    "",
    `| figure | n | ${STATS.join(" | ")} |`,
    `|---|---|${STATS.map(() => "---").join("|")}|`,
    ...rows,
    "",
    `Percentiles by nearest rank (each an iteration's own value and ±). Waits for the VIP to come back: ${formatDurationMs(repeat.failbackWaitMs.total)} in all, ${formatDurationMs(repeat.failbackWaitMs.max)} at most.`,
    "",
  ].join("\n");
}
