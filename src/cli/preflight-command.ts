import { UsageError, VipdrillError } from "../common/errors.js";
import { LAB_READINESS } from "../engine/readiness.js";
import { loadInventory } from "../inventory/load.js";
import { preflightFailed, renderPreflight, runPreflight } from "../preflight/preflight.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import { DockerLabProvider, planLab } from "../targets/docker/docker-lab.js";
import { connectEngine } from "../targets/docker/engine.js";
import type { Topology } from "../model/host.js";
import { inventoryTopology } from "../targets/ssh/inventory-topology.js";
import { SshPool } from "../targets/ssh/ssh-pool.js";
import { Safety } from "../engine/safety.js";
import { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
import { reportError } from "./report-error.js";

/** `vipdrill preflight`: the runbook's prerequisites, checked read-only; exit 0 when all hold, 3 when not. */
export async function preflightCommand(options: { labName: string; inventory?: string; acceptNewHostKeys?: boolean }): Promise<ExitCode> {
  const safety = new Safety().install();
  let pool: SshPool | undefined;
  try {
    let topology: Topology;
    if (options.inventory !== undefined) {
      const inventory = await loadInventory(options.inventory);
      pool = new SshPool(inventory, { acceptNewHostKeys: options.acceptNewHostKeys ?? false });
      const ssh = pool;
      topology = inventoryTopology(inventory, (id) => ssh.transport(id));
      await ssh.connectEvery();
    } else {
      const provider = new DockerLabProvider(await connectEngine(), LAB_READINESS);
      const status = await provider.status(options.labName);
      if (status.nodes.length === 0) {
        throw new UsageError("VIPDRILL_NO_LAB", `no lab "${options.labName}" is running: start one with \`vipdrill lab up\`, or pass --inventory FILE`);
      }
      const scenario = await loadScenario(defaultScenarioFile());
      const lab = await provider.up(planLab(scenario.lab, scenario.dns, options.labName), { owner: "lab-up", reuse: true, progress: () => undefined, signal: safety.signal });
      topology = lab.topology;
    }
    const result = await runPreflight(topology, { signal: safety.signal });
    process.stdout.write(`${renderPreflight(result, { color: process.stdout.isTTY })}\n`);
    return preflightFailed(result) ? EXIT.lab : EXIT.pass;
  } catch (error) {
    if (!(error instanceof VipdrillError)) throw error;
    reportError(error, false);
    return exitCodeOf(error);
  } finally {
    await pool?.close();
    safety.uninstall();
  }
}
