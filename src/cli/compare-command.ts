import { writeFile } from "node:fs/promises";
import { RUN_FIGURE_KEYS, type RunFigureKey } from "../analysis/run-figures.js";
import { UsageError } from "../common/errors.js";
import { comparisonHtml } from "../report/compare/comparison-html.js";
import { comparisonMarkdown } from "../report/compare/comparison-markdown.js";
import { renderComparison } from "../report/compare/comparison-terminal.js";
import { compareSides } from "../report/compare/comparison.js";
import { sideOfReport, type CompareSide } from "../report/compare/compare-side.js";
import { parseMaxRegression } from "../report/compare/max-regression.js";
import { readReport } from "../report/compare/report-file.js";
import { readHistory } from "../report/history/history-file.js";
import { sideOfHistory } from "../report/history/history-side.js";
import { screenFor } from "../report/terminal.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { wholeNumberOption } from "./whole-number-option.js";

/** What commander hands `compare`. */
export interface CompareFlags {
  maxRegression?: string;
  force?: boolean;
  figures?: string;
  last?: string;
  markdown?: string;
  html?: string;
}

/** A history file is JSON lines; anything else is a report folder or report.json. */
const isHistory = (path: string): boolean => /\.(jsonl|ndjson)$/i.test(path);

export async function compareCommand(basePath: string, newPath: string, flags: CompareFlags): Promise<ExitCode> {
  // Every argument is checked before a file is read.
  const maxRegression = flags.maxRegression === undefined ? undefined : parseMaxRegression(flags.maxRegression);
  const figures = flags.figures === undefined ? undefined : parseFigures(flags.figures);
  const last = flags.last === undefined ? undefined : wholeNumberOption("--last", flags.last);
  const reportSide = async (path: string): Promise<CompareSide | undefined> => (isHistory(path) ? undefined : sideOfReport(await readReport(path)));
  const reports = await Promise.all([reportSide(basePath), reportSide(newPath)]);
  const known = reports.find((s) => s !== undefined)?.scenario;
  const side = async (path: string, loaded: CompareSide | undefined): Promise<CompareSide> => loaded ?? sideOfHistory(path, await readHistory(path), known, last);
  const [base, next] = [await side(basePath, reports[0]), await side(newPath, reports[1])];
  const comparison = compareSides(base, next, { force: flags.force ?? false, ...(maxRegression && { maxRegression }), ...(figures && { figures }) });
  process.stdout.write(`${renderComparison(comparison, screenFor(process.stdout))}\n`);
  if (flags.markdown !== undefined) await writeFile(flags.markdown, comparisonMarkdown(comparison));
  if (flags.html !== undefined) await writeFile(flags.html, comparisonHtml(comparison));
  return comparison.rows.some((r) => r.regression !== null) ? EXIT.budgetBreached : EXIT.pass;
}

/** "failover,outage" → figure keys; the README's names or their words ("vip-move", "failed-probes"). */
export function parseFigures(text: string): RunFigureKey[] {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, "");
  return text.split(",").map((name) => {
    const key = RUN_FIGURE_KEYS.find((k) => squash(k) === squash(name.trim()));
    if (key === undefined) throw new UsageError("VIPDRILL_USAGE", `--figures: expected figures among ${RUN_FIGURE_KEYS.join(", ")}, got ${JSON.stringify(name.trim())}`);
    return key;
  });
}
