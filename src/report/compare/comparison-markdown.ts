import { COMPARISON_COLUMNS, comparisonRows, gateLine, sideLine } from "./comparison-table.js";
import type { Comparison } from "./comparison.js";

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The comparison for a change ticket: what was compared, a table, the notes and the gate. */
export function comparisonMarkdown(c: Comparison): string {
  const rows = comparisonRows(c);
  const lines = [
    `## vipdrill compare: ${cell(c.new.scenario)}`,
    "",
    `- **base** ${cell(sideLine(c.base))}`,
    `- **new** ${cell(sideLine(c.new))}`,
    "",
    `| ${COMPARISON_COLUMNS.join(" | ")} |`,
    `|${COMPARISON_COLUMNS.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
    "Single runs: a difference is beyond noise when it exceeds the sum of the two ± (the measurement's precision, not run-to-run variation). " +
      "Several runs: a two-sided Mann–Whitney U test at 0.05; the difference is the Hodges–Lehmann shift.",
  ];
  if (c.notes.length > 0) lines.push("", ...c.notes.map((n) => `- ${cell(n)}`));
  const gate = gateLine(c);
  if (gate !== null) lines.push("", `**${cell(gate)}**`);
  return `${lines.join("\n")}\n`;
}
