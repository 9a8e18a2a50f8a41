import { MonotonicClock } from "../common/clock.js";
import { AbortedError, VipdrillError } from "../common/errors.js";
import { missingVipInterfaces, waitUntilHealthy, LAB_READINESS } from "../engine/readiness.js";
import { drillRecordOf, runDrill } from "../engine/runner.js";
import { Safety } from "../engine/safety.js";
import { Timeline } from "../model/timeline.js";
import { buildReport, writeReport } from "../report/report.js";
import { liveDrillProgress, progressPrinter } from "../report/terminal.js";
import { renderSummary } from "../report/summary.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import type { Scenario } from "../model/scenario.js";
import { DockerLabProvider, planLab, type StartedLab } from "../targets/docker/docker-lab.js";
import type { Topology } from "../model/host.js";
import { refuseWideBlastRadius } from "../engine/blast-radius.js";
import { loadInventory } from "../inventory/load.js";
import { preflightFailed, renderPreflight, runPreflight } from "../preflight/preflight.js";
import { inventoryTopology } from "../targets/ssh/inventory-topology.js";
import { SshPool } from "../targets/ssh/ssh-pool.js";
import { LabError } from "../common/errors.js";
import { confirm } from "./confirm.js";
import { EXIT, exitCodeOf, worstOf, type ExitCode } from "./exit-codes.js";
import { describePlan, plannedInventoryTopology } from "./plan-command.js";
import { reportError } from "./report-error.js";
import { connectOrSetUpEngine } from "./engine-setup.js";
import { writeJsonDocument } from "./json-output.js";
import { RunLedger } from "./run-ledger.js";
import { colorLevel } from "../report/color-level.js";
import { appendHistory } from "./history-append.js";
import { drillRepeated, type MeasuredDrill } from "./repeat-run.js";
import type { Report } from "../report/report-types.js";
import { ConfiguredLab, planConfiguredLab, type ConfigFlags, type ConfiguredLabPlan } from "./configured-lab.js";

export interface RunOptions {
  labName: string;
  keepLab?: boolean;
  reports: string;
  progress: boolean;
  /** Run against the hosts of this inventory file instead of the lab. */
  inventory?: string;
  /** Do not ask before changing real hosts (CI). */
  yes?: boolean;
  /** Trust unknown SSH host keys and record them (trust on first use). */
  acceptNewHostKeys?: boolean;
  /** Check the runbook's prerequisites before drilling an inventory (default true). */
  preflight?: boolean;
  allowWideBlastRadius?: boolean;
  /** Drill each scenario this many times on one lab (overrides a scenario's repeat:). */
  repeat?: number;
  /** Append one JSON line per scenario run to this file. */
  history?: string;
  /** Write the run's outcome as one JSON document on stdout (run-ledger.ts RunDocument). */
  json?: boolean;
  /** Print stack traces. */
  debug?: boolean;
  /** Production files on the lab's balancers instead of its templates (--keepalived-conf, …); a scenario's lab.config otherwise. */
  config?: ConfigFlags;
}

/** Scenarios that share lab settings run one after another on one lab. */
function groupByLab(scenarios: Scenario[]): Scenario[][] {
  const groups = new Map<string, Scenario[]>();
  for (const scenario of scenarios) {
    const key = JSON.stringify([scenario.lab, scenario.dns]);
    groups.set(key, [...(groups.get(key) ?? []), scenario]);
  }
  return [...groups.values()];
}

/**
 * `vipdrill run`. However it ends — a scenario that does not validate, no engine, a host out of
 * reach, a failed preflight, an error or Ctrl-C mid-drill — each scenario leaves a report folder
 * (at least junit.xml and summary.md saying why: RunLedger) and, with --json, the run's document.
 */
export async function runCommand(files: string[], options: RunOptions): Promise<ExitCode> {
  const ledger = new RunLedger(files.length > 0 ? files : [defaultScenarioFile()], options.reports);
  let code: ExitCode;
  try {
    // Every scenario is validated before anything is started.
    const scenarios = await ledger.load(loadScenario);
    code = options.inventory !== undefined ? await runOnInventory(scenarios, options.inventory, options, ledger) : await runOnLab(scenarios, options, ledger);
  } catch (error) {
    ledger.failed(error);
    reportError(error, options.debug ?? false);
    code = exitCodeOf(error);
  }
  const document = await ledger.finish(code);
  if (options.json) writeJsonDocument(document);
  return code;
}

/** The drills on the docker lab: scenarios with the same lab settings share one lab. */
async function runOnLab(scenarios: Scenario[], options: RunOptions, ledger: RunLedger): Promise<ExitCode> {
  const docker = await connectOrSetUpEngine();
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  const safety = new Safety().install();
  const progress = progressPrinter(process.stderr);
  const codes: ExitCode[] = [];
  try {
    // A configuration to drill is read, mapped and checked by its daemons before any lab starts.
    const groups: Array<{ group: Scenario[]; config: ConfiguredLabPlan | undefined }> = [];
    for (const group of groupByLab(scenarios)) groups.push({ group, config: await planConfiguredLab(docker, group[0]!, options, progress) });
    for (const { group, config } of groups) {
      const first = group[0]!;
      const plan = config?.prepared.plan ?? planLab(first.lab, first.dns, options.labName);
      let lab: StartedLab | undefined;
      try {
        const upClock = new MonotonicClock();
        lab = await provider.up(plan, {
          owner: options.keepLab ? "lab-up" : `run:${process.pid}`,
          reuse: true,
          progress,
          signal: safety.signal,
          ...(config && { files: config.startsWith.files }),
        });
        progress.done();
        if (lab.created) process.stderr.write(`lab "${plan.name}" healthy in ${(upClock.nowMs() / 1000).toFixed(1)} s\n`);
        const configured = config && new ConfiguredLab(lab.topology, config, safety.signal, progress, lab.created);
        for (const scenario of group) {
          const code = configured
            ? await configured.drill(scenario, (topology) => drillRecorded(scenario, topology, safety, options, ledger), (topology) => drillAndWrite(scenario, topology, safety, options))
            : await drillScenario(scenario, lab.topology, safety, options, ledger);
          codes.push(code);
          if (code === EXIT.aborted || code === EXIT.restoreFailed) return worstOf(codes);
        }
      } catch (error) {
        progress.done();
        if (!(error instanceof VipdrillError)) throw error;
        reportError(error, false);
        ledger.failed(error);
        codes.push(exitCodeOf(error));
        return worstOf(codes);
      } finally {
        progress.done();
        // A lab this run created is torn down unless --keep-lab; a restore failure keeps it for inspection.
        const restoreFailed = codes.includes(EXIT.restoreFailed);
        if (lab?.created && !options.keepLab && !restoreFailed) {
          process.stderr.write(`tearing down lab "${plan.name}"…\n`);
          await provider.down(plan.name);
        } else if (restoreFailed) {
          process.stderr.write(`lab "${plan.name}" is left running for inspection: \`vipdrill lab down\` removes it\n`);
        }
      }
    }
    return worstOf(codes);
  } finally {
    safety.uninstall();
  }
}

/** One scenario: a drill, or --repeat N of them on the same hosts (repeat-run.ts); then its history line (--history). */
async function drillScenario(scenario: Scenario, topology: Topology, safety: Safety, options: RunOptions, ledger: RunLedger): Promise<ExitCode> {
  return (await drillRecorded(scenario, topology, safety, options, ledger)).code;
}

/** drillScenario, with the report and its folder (a proposed configuration's drill sets today's beside it). */
async function drillRecorded(scenario: Scenario, topology: Topology, safety: Safety, options: RunOptions, ledger: RunLedger): Promise<DrillWritten> {
  const written = await drillAndWrite(scenario, topology, safety, options);
  if (options.history !== undefined) await appendHistory(options.history, scenario, written.report, topology, written.dir);
  await ledger.reported(scenario, written.dir, written.report, written.code);
  return written;
}

export interface DrillWritten {
  code: ExitCode;
  report: Report;
  dir: string;
}

/** A scenario drilled once or --repeat times, its reports written under options.reports; nothing recorded for the run. */
export async function drillAndWrite(scenario: Scenario, topology: Topology, safety: Safety, options: Pick<RunOptions, "repeat" | "reports" | "progress" | "allowWideBlastRadius">): Promise<DrillWritten> {
  const times = options.repeat ?? scenario.repeat ?? 1;
  return times === 1
    ? await drillOne(scenario, topology, safety, options)
    : await drillRepeated(scenario, times, topology, safety, options, {
        measure: (s, healthyNow) => measureDrill(s, topology, safety, options, healthyNow),
        exitCode: (drill) => drillExitCode(drill, safety),
      });
}

async function drillOne(scenario: Scenario, topology: Topology, safety: Safety, options: Pick<RunOptions, "reports" | "progress" | "allowWideBlastRadius">): Promise<{ code: ExitCode; report: Report; dir: string }> {
  const drill = await measureDrill(scenario, topology, safety, options);
  const dir = await writeReport(drill.report, options.reports);
  process.stdout.write(`${renderSummary(drill.report, process.stdout)}\nreport: ${dir}/report.json\n`);
  return { code: drillExitCode(drill, safety), report: drill.report, dir };
}

/** A drill run and judged; nothing written yet. `healthyNow`: the caller has just seen the lab healthy (a repeat's wait). */
async function measureDrill(scenario: Scenario, topology: Topology, safety: Safety, options: Pick<RunOptions, "progress" | "allowWideBlastRadius">, healthyNow = false): Promise<MeasuredDrill> {
  const clock = new MonotonicClock();
  const timeline = new Timeline();
  const startedAt = new Date(clock.originEpochMs);
  process.stderr.write(`\n▶ ${scenario.name}: ${scenario.description}\n`);
  if (!healthyNow) await waitUntilHealthy(topology, { signal: safety.signal, timeoutMs: 60_000 });
  const live = liveDrillProgress(timeline, () => clock.nowMs(), process.stderr, options.progress);
  let outcome;
  try {
    outcome = await runDrill({
      scenario,
      topology,
      timeline,
      clock,
      signal: safety.signal,
      onPhase: (p) => live.setPhase(p),
      allowWideBlastRadius: options.allowWideBlastRadius ?? false,
    });
  } finally {
    live.stop();
  }
  const report = buildReport({ scenario, topology, events: timeline.events, probeTables: timeline.probeTables(outcome.endMs), startedAt, aborted: safety.reason, ...drillRecordOf(outcome) });
  return { report, error: outcome.error };
}

/** A drill's exit code; its error, if any, reported here once. */
function drillExitCode(drill: MeasuredDrill, safety: Safety): ExitCode {
  if (drill.error) {
    reportError(drill.error, false);
    return exitCodeOf(drill.error instanceof AbortedError || !safety.reason ? drill.error : new AbortedError(safety.reason));
  }
  return drill.report.verdict === "pass" ? EXIT.pass : EXIT.budgetBreached;
}

/**
 * The same drills against real hosts: every scenario is checked against the inventory and every
 * host connected to before anything is done; then preflight, the plan, a confirmation, the drills.
 */
async function runOnInventory(scenarios: Scenario[], file: string, options: RunOptions, ledger: RunLedger): Promise<ExitCode> {
  const inventory = await loadInventory(file);
  const planned = plannedInventoryTopology(inventory);
  // Lab-only faults, unknown hosts and blast radius fail here, before any connection is made.
  const plans = await Promise.all(scenarios.map((scenario) => describePlan(scenario, planned, inventory)));
  scenarios.forEach((scenario, i) => refuseWideBlastRadius(scenario.fault, plans[i]!.radius, options.allowWideBlastRadius ?? false));
  const safety = new Safety().install();
  const pool = new SshPool(inventory, { acceptNewHostKeys: options.acceptNewHostKeys ?? false });
  const topology = inventoryTopology(inventory, (id) => pool.transport(id), () => pool.close());
  const codes: ExitCode[] = [];
  try {
    process.stderr.write(`connecting to ${inventory.hosts.length} hosts of inventory "${inventory.name}"…\n`);
    await pool.connectEvery();
    const badInterfaces = await missingVipInterfaces(topology);
    if (badInterfaces.length > 0) {
      throw new LabError("VIPDRILL_NO_VIP_INTERFACE", `${badInterfaces.join("; ")}: fix vipInterface in ${inventory.file}; nothing was done`);
    }
    if (options.preflight ?? true) {
      const result = await runPreflight(topology, { signal: safety.signal, scenarios });
      process.stderr.write(`${renderPreflight(result, { color: colorLevel(process.stderr) > 0 })}\n`);
      if (preflightFailed(result)) {
        throw new LabError("VIPDRILL_PREFLIGHT_FAILED", `preflight failed on inventory "${inventory.name}": fix what is marked ✗, or pass --skip-preflight to drill anyway; nothing was done`);
      }
    }
    process.stdout.write(`${plans.map((p) => p.text).join("\n\n")}\n\n`);
    await confirm(`vipdrill will run ${scenarios.length === 1 ? "this drill" : `these ${scenarios.length} drills`} on the hosts of "${inventory.name}" (${inventory.file}).`, {
      yes: options.yes ?? false,
      signal: safety.signal,
    });
    for (const scenario of scenarios) {
      const code = await drillScenario(scenario, topology, safety, options, ledger);
      codes.push(code);
      if (code === EXIT.aborted || code === EXIT.restoreFailed) break;
    }
    return worstOf(codes);
  } catch (error) {
    if (!(error instanceof VipdrillError)) throw error;
    reportError(error, false);
    ledger.failed(error);
    codes.push(exitCodeOf(error));
    return worstOf(codes);
  } finally {
    await pool.close();
    safety.uninstall();
  }
}
