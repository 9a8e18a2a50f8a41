import { screenFor } from "./terminal.js";
import { configurationLines } from "./config-section.js";
import { figureLines } from "./figures.js";
import type { Report } from "./report-types.js";
import { watchHeadline } from "./watch-headline.js";

/** The end-of-drill summary for a terminal: figures with their precision, each budget ✓/✗. */
export function renderSummary(report: Report, stream: NodeJS.WriteStream): string {
  const s = screenFor(stream);
  const watched = watchHeadline(report);
  const head = watched !== undefined ? s.bold(watched) : report.verdict === "pass" ? s.green.bold("PASS") : s.red.bold(report.aborted ? `ABORTED (${report.aborted})` : "FAIL");
  const out = [`\n${s.bold(report.scenario.name)} — ${head}`];
  for (const [label, text] of figureLines(report)) out.push(`  ${label.padEnd(14)} ${text}`);
  const standIns = report.target.standIns ?? [];
  if (standIns.length > 0) out.push(`  ${"stand-ins".padEnd(14)} ${standIns.join("; ")} — the lab's, not the real components`);
  if (report.budgets.length > 0) out.push("  budgets");
  for (const b of report.budgets) {
    const mark = b.pass ? s.green("✓") : s.red("✗");
    out.push(`    ${mark} ${b.name.padEnd(24)} ${b.measured}  (limit ${b.limit})${b.detail ? ` — ${b.detail}` : ""}`);
  }
  if (report.configuration) out.push(...configurationLines(report.configuration).map((l) => `  ${l}`));
  if (report.error) out.push(s.red(`  error: ${report.error.message}`));
  return out.join("\n");
}
