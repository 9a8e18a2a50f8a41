import { repeatMarkdown } from "./aggregate/repeat-markdown.js";
import { configurationMarkdown } from "./config-section.js";
import { figureLines } from "./figures.js";
import type { Report, RunFailure } from "./report-types.js";
import { watchHeadline } from "./watch-headline.js";

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** summary.md: for a CI job summary or a change ticket. */
export function renderMarkdown(report: Report): string {
  const lines = [
    `# ${report.scenario.name}: ${watchHeadline(report) ?? (report.verdict === "pass" ? "✅ pass" : report.aborted ? `⛔ aborted (${report.aborted})` : "❌ fail")}`,
    "",
    report.scenario.description,
    "",
    `Started ${report.startedAt} against ${report.target.kind} \`${report.target.name}\` (VIP ${report.target.endpoint.vip}:${report.target.endpoint.port}, ${report.target.endpoint.dns}).`,
    "",
    "| figure | value |",
    "|---|---|",
    ...figureLines(report).map(([label, text]) => `| ${cell(label)} | ${cell(text)} |`),
    "",
    "| budget | measured | limit | |",
    "|---|---|---|---|",
    ...report.budgets.map((b) => `| ${cell(b.name)} | ${cell(b.measured)} | ${cell(b.limit)} | ${b.pass ? "✓" : "✗"} |`),
    "",
  ];
  const repeat = repeatMarkdown(report);
  if (repeat !== "") lines.push(repeat);
  if (report.configuration) lines.push(...configurationMarkdown(report.configuration));
  if (report.plan.length > 0) {
    lines.push("Commands run:", "");
    for (const host of report.plan) {
      for (const c of host.inject) lines.push(`- \`[${host.hostId}]\` inject: \`${c}\``);
      for (const c of host.restore) lines.push(`- \`[${host.hostId}]\` restore: \`${c}\``);
    }
    lines.push("");
  }
  if (report.error) lines.push(`**Error:** ${report.error.message}`, "");
  return lines.join("\n");
}

/** summary.md of a scenario that produced no report: why the drill did not run. */
export function renderFailureMarkdown(failure: RunFailure): string {
  return [
    `# ${failure.name}: ⚠️ did not run`,
    "",
    `The drill did not run (exit ${failure.exitCode}, \`${failure.error.code}\`):`,
    "",
    ...failure.error.message.split("\n").map((line) => `> ${line}`),
    "",
    `Scenario \`${failure.file}\`, started ${failure.startedAt}.`,
    "",
  ].join("\n");
}
