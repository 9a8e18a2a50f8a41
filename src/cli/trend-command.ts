import { writeFile } from "node:fs/promises";
import { UsageError } from "../common/errors.js";
import { display } from "../common/display-path.js";
import { readHistory } from "../report/history/history-file.js";
import { evaluateGate, parseGate } from "../report/history/trend-gate.js";
import { trendHtml } from "../report/history/trend-html.js";
import { runsByScenario, trendColumns, trendRows } from "../report/history/trend-table.js";
import { screenFor } from "../report/terminal.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { wholeNumberOption } from "./whole-number-option.js";

/** What commander hands `trend`. */
export interface TrendFlags {
  scenario?: string;
  last?: string;
  html?: string;
  gate?: string[];
}

export async function trendCommand(file: string, flags: TrendFlags): Promise<ExitCode> {
  // Every gate parses before the file is read.
  const gates = (flags.gate ?? []).map(parseGate);
  const last = flags.last === undefined ? undefined : wholeNumberOption("--last", flags.last);
  const records = await readHistory(file);
  const scenarios = runsByScenario(records, flags.scenario, last);
  if (scenarios.size === 0) {
    const names = [...new Set(records.map((r) => r.scenario))];
    throw new UsageError("VIPDRILL_USAGE", `${display(file)}: no run${flags.scenario === undefined ? "" : ` of ${flags.scenario}`} in this history${names.length > 0 ? ` (it holds ${names.join(", ")})` : ""}`);
  }
  const screen = screenFor(process.stdout);
  // Gates judge each scenario's whole history; --last only trims what is shown.
  const full = runsByScenario(records, flags.scenario);
  const results = [...scenarios.keys()].flatMap((name) => gates.map((gate) => evaluateGate(gate, name, full.get(name)!)));
  const out: string[] = [];
  for (const [name, runs] of scenarios) {
    const rows = [trendColumns(), ...trendRows(runs)];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    out.push(screen.bold(`${name} — ${runs.length} run${runs.length === 1 ? "" : "s"}`));
    rows.forEach((r, i) => out.push(`  ${(i === 0 ? screen.bold : (s: string) => s)(r.map((c, j) => c.padEnd(widths[j]!)).join("  ").trimEnd())}`));
    for (const g of results.filter((g) => g.scenario === name)) out.push(`  ${g.tripped ? screen.red("✗") : screen.green("✓")} ${g.gate.text}: ${g.words}`);
    out.push("");
  }
  process.stdout.write(`${out.join("\n")}`);
  if (flags.html !== undefined) {
    await writeFile(flags.html, trendHtml(display(file), scenarios, results));
    process.stdout.write(`trend: ${flags.html}\n`);
  }
  return results.some((g) => g.tripped) ? EXIT.budgetBreached : EXIT.pass;
}
