import type { FaultFigures, FigureSource } from "../../analysis/run-figures.js";

/** What a report's figures are read from: its first fault (report.json `faults[0]`), its probes, its analysis' latency. */
export interface ReportFigureFields {
  faults: readonly FaultFigures[];
  probes: { failed: number };
  analysis: unknown;
}

/** Where a report's figures are: its first fault, its failed probes and its latency per phase. */
export function figureSourceOfReport(report: ReportFigureFields): FigureSource {
  return {
    fault: report.faults[0] ?? null,
    failedProbes: report.probes.failed,
    latency: (report.analysis as Pick<FigureSource, "latency"> | null)?.latency ?? {},
  };
}
