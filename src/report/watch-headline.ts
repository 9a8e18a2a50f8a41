import type { RunAnalysis } from "../analysis/types.js";
import type { Report } from "./report-types.js";

/**
 * The headline of a watch that ran: what clients saw, not "pass" — a watch has no budget. Undefined
 * for a drill, or for a watch that failed (its endpoint never answered, an error): those say FAIL.
 */
export function watchHeadline(report: Report): string | undefined {
  if (report.kind !== "watch" || report.verdict !== "pass") return undefined;
  const outages = (report.analysis as RunAnalysis).outages;
  if (outages.length === 0) return "no outage";
  const open = outages.some((o) => o.endMs === null);
  return `${outages.length} outage${outages.length === 1 ? "" : "s"}${open ? ", the last still going at the end" : ""}`;
}
