import type { RunAnalysis } from "../analysis/types.js";
import type { Report } from "./report-types.js";

/** The note a watch whose endpoint never answered carries (watch-report.ts writes it, ticket.md reads it). */
export const ENDPOINT_SILENT_NOTE = "the endpoint never answered a probe during the watch";

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
