/**
 * --repeat N: one scenario drilled N times on the same hosts. Before each iteration after the first,
 * wait until the VIP is back where the first one started and the lab is healthy (that wait is
 * reported); each iteration writes its own report into <run>/iteration-NN/, and the run's own
 * report.json beside them holds the distribution (report/aggregate/).
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LabError, UsageError } from "../common/errors.js";
import { intendedVipOwner, waitForSteadyState } from "../engine/repeat.js";
import type { Safety } from "../engine/safety.js";
import type { Topology } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { aggregateReport, repeatIteration, type IterationRun } from "../report/aggregate/aggregate-report.js";
import { iterationLine, renderRepeatSummary } from "../report/aggregate/repeat-terminal.js";
import { reportDirFor } from "../report/report-dir.js";
import type { Report } from "../report/report-types.js";
import { writeReport, writeReportFiles } from "../report/report.js";
import { screenFor } from "../report/terminal.js";
import { MAX_REPEAT } from "../scenario/schema.js";
import { EXIT, worstOf, type ExitCode } from "./exit-codes.js";
import { reportError } from "./report-error.js";

/** A drill run and judged; nothing written yet. */
export interface MeasuredDrill {
  report: Report;
  error: Error | undefined;
}

/** How long the VIP may take to come back between iterations (kube-vip's lease: tens of seconds at most). */
const STEADY_TIMEOUT_MS = 120_000;

/** `--repeat` as typed: a whole number from 1 to MAX_REPEAT, else a usage error before anything starts. */
export function parseRepeat(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > MAX_REPEAT) {
    throw new UsageError("VIPDRILL_USAGE", `--repeat: expected a whole number of iterations from 1 to ${MAX_REPEAT}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Each iteration judges the per-run budgets alone; percentile budgets belong to the distribution. */
function perRunScenario(scenario: Scenario): Scenario {
  const { percentiles: _, ...budgets } = scenario.budgets;
  return { ...scenario, budgets };
}

export async function drillRepeated(
  scenario: Scenario,
  times: number,
  topology: Topology,
  safety: Safety,
  options: { reports: string },
  drill: {
    /** One drill, judged; `healthyNow` when the lab was just seen healthy (after the wait between iterations). */
    measure(scenario: Scenario, healthyNow: boolean): Promise<MeasuredDrill>;
    exitCode(drill: MeasuredDrill): ExitCode;
  },
): Promise<{ code: ExitCode; report: Report; dir: string }> {
  const screen = screenFor(process.stdout);
  const started = performance.now();
  const owner = await intendedVipOwner(topology);
  const perRun = perRunScenario(scenario);
  const runs: IterationRun[] = [];
  const codes: ExitCode[] = [];
  let runDir: string | undefined;
  let stopped: { code: string; message: string } | undefined;
  // An iteration's files are written while the VIP comes back, never while a drill is timing.
  let writing: Promise<void> = Promise.resolve();
  for (let k = 1; k <= times; k++) {
    let waitMs: number | null = null;
    if (k > 1) {
      try {
        waitMs = await waitForSteadyState(topology, owner, { signal: safety.signal, timeoutMs: STEADY_TIMEOUT_MS });
        await writing;
      } catch (error) {
        if (!(error instanceof LabError) && !(error instanceof UsageError) && !safety.signal.aborted) throw error;
        reportError(error, false);
        stopped = { code: (error as LabError).code, message: (error as Error).message };
        codes.push(safety.signal.aborted ? EXIT.aborted : EXIT.lab);
        break;
      }
    }
    const measured = await drill.measure(perRun, k > 1);
    runDir ??= reportDirFor(options.reports, measured.report.startedAt, scenario.name);
    const dir = `iteration-${String(k).padStart(Math.max(2, String(times).length), "0")}`;
    writing = writeReportFiles(measured.report, join(runDir, dir));
    // Awaited before the next drill or the run's report; handled now so a failed write waits for that await.
    writing.catch(() => undefined);
    // The run's report keeps the first iteration's timeline only: a thousand iterations' timelines would not fit.
    const report = k === 1 ? measured.report : { ...measured.report, timeline: [] };
    const run = { iteration: k, report, dir, failbackWaitMs: waitMs };
    runs.push(run);
    const code = drill.exitCode(measured);
    process.stdout.write(`${iterationLine(repeatIteration(run), times, screen)} (${join(runDir, dir)}/)\n`);
    // A breached budget is a finding of that iteration; anything else stops the run.
    if (code !== EXIT.pass && code !== EXIT.budgetBreached) {
      codes.push(code);
      break;
    }
  }
  await writing;
  const report = aggregateReport({ runs, budgets: scenario.budgets, requested: times, wallMs: performance.now() - started, ...(stopped && { stopped }) });
  const dir = await writeReport(report, options.reports);
  process.stdout.write(`${renderRepeatSummary(report, screen)}\nreport: ${dir}/report.json\n`);
  codes.push(report.verdict === "pass" ? EXIT.pass : EXIT.budgetBreached);
  return { code: worstOf(codes), report, dir };
}
