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
import { connectEngine } from "../targets/docker/engine.js";
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

export async function runCommand(files: string[], options: RunOptions): Promise<ExitCode> {
  // Every scenario is validated before anything is started.
  const scenarios = await Promise.all((files.length > 0 ? files : [defaultScenarioFile()]).map((f) => loadScenario(f)));
  if (options.inventory !== undefined) return runOnInventory(scenarios, options.inventory, options);
  const docker = await connectEngine();
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  const safety = new Safety().install();
  const progress = progressPrinter(process.stderr);
  const codes: ExitCode[] = [];
  try {
    for (const group of groupByLab(scenarios)) {
      const first = group[0]!;
      const plan = planLab(first.lab, first.dns, options.labName);
      let lab: StartedLab | undefined;
      try {
        const upClock = new MonotonicClock();
        lab = await provider.up(plan, {
          owner: options.keepLab ? "lab-up" : `run:${process.pid}`,
          reuse: true,
          progress,
          signal: safety.signal,
        });
        progress.done();
        if (lab.created) process.stderr.write(`lab "${plan.name}" healthy in ${(upClock.nowMs() / 1000).toFixed(1)} s\n`);
        for (const scenario of group) {
          const code = await drillOne(scenario, lab.topology, safety, options);
          codes.push(code);
          if (code === EXIT.aborted || code === EXIT.restoreFailed) return worstOf(codes);
        }
      } catch (error) {
        progress.done();
        if (!(error instanceof VipdrillError)) throw error;
        reportError(error, false);
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

async function drillOne(scenario: Scenario, topology: Topology, safety: Safety, options: RunOptions): Promise<ExitCode> {
  const clock = new MonotonicClock();
  const timeline = new Timeline();
  const startedAt = new Date(clock.originEpochMs);
  process.stderr.write(`\n▶ ${scenario.name}: ${scenario.description}\n`);
  await waitUntilHealthy(topology, { signal: safety.signal, timeoutMs: 60_000 });
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
  const report = buildReport({ scenario, topology, events: timeline.events, startedAt, aborted: safety.reason, ...drillRecordOf(outcome) });
  const dir = await writeReport(report, options.reports);
  process.stdout.write(`${renderSummary(report, process.stdout)}\nreport: ${dir}/report.json\n`);
  if (outcome.error) {
    reportError(outcome.error, false);
    return exitCodeOf(outcome.error instanceof AbortedError || !safety.reason ? outcome.error : new AbortedError(safety.reason));
  }
  return report.verdict === "pass" ? EXIT.pass : EXIT.budgetBreached;
}

/**
 * The same drills against real hosts: every scenario is checked against the inventory and every
 * host connected to before anything is done; then preflight, the plan, a confirmation, the drills.
 */
async function runOnInventory(scenarios: Scenario[], file: string, options: RunOptions): Promise<ExitCode> {
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
      const result = await runPreflight(topology, { signal: safety.signal });
      process.stderr.write(`${renderPreflight(result, { color: process.stderr.isTTY })}\n`);
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
      const code = await drillOne(scenario, topology, safety, options);
      codes.push(code);
      if (code === EXIT.aborted || code === EXIT.restoreFailed) break;
    }
    return worstOf(codes);
  } catch (error) {
    if (!(error instanceof VipdrillError)) throw error;
    reportError(error, false);
    codes.push(exitCodeOf(error));
    return worstOf(codes);
  } finally {
    await pool.close();
    safety.uninstall();
  }
}
