import type { ChalkInstance } from "chalk";
import { COMPARISON_COLUMNS, comparisonRows, gateLine, sideLine } from "./comparison-table.js";
import type { Comparison } from "./comparison.js";

/** The comparison on a terminal: both sides, a padded table, the notes, the gate. */
export function renderComparison(c: Comparison, screen: ChalkInstance): string {
  const rows = comparisonRows(c);
  const widths = COMPARISON_COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  const out = [`base  ${sideLine(c.base)}`, `new   ${sideLine(c.new)}`, "", screen.bold(line(COMPARISON_COLUMNS))];
  rows.forEach((cells, i) => {
    const text = line(cells);
    out.push(c.rows[i]!.regression !== null ? screen.red(text) : c.rows[i]!.verdict === "beyond-noise" ? screen.bold(text) : text);
  });
  for (const note of c.notes) out.push(`note: ${note}`);
  const gate = gateLine(c);
  if (gate !== null) out.push(c.rows.some((r) => r.regression !== null) ? screen.red.bold(gate) : screen.green(gate));
  return out.join("\n");
}
