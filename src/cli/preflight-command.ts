import { UsageError } from "../common/errors.js";
import { LAB_READINESS } from "../engine/readiness.js";
import { loadInventory } from "../inventory/load.js";
import { preflightFailed, renderPreflight, runPreflight } from "../preflight/preflight.js";
import { colorLevel } from "../report/color-level.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import { DockerLabProvider, planLab } from "../targets/docker/docker-lab.js";
import type { Topology } from "../model/host.js";
import { inventoryTopology } from "../targets/ssh/inventory-topology.js";
import { SshPool } from "../targets/ssh/ssh-pool.js";
import { Safety } from "../engine/safety.js";
import { connectOrSetUpEngine } from "./engine-setup.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { writeJsonDocument } from "./json-output.js";

/**
 * `vipdrill preflight`: the runbook's prerequisites, checked read-only; exit 0 when all hold, 3 when
 * not. With --json, the result (every check with what it saw) as one document.
 */
export async function preflightCommand(options: { labName: string; inventory?: string; acceptNewHostKeys?: boolean; json?: boolean }): Promise<ExitCode> {
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
      const provider = new DockerLabProvider(await connectOrSetUpEngine(), LAB_READINESS);
      const status = await provider.status(options.labName);
      if (status.nodes.length === 0) {
        throw new UsageError("VIPDRILL_NO_LAB", `no lab "${options.labName}" is running: start one with \`vipdrill lab up\`, or pass --inventory FILE`);
      }
      const scenario = await loadScenario(defaultScenarioFile());
      const lab = await provider.up(planLab(scenario.lab, scenario.dns, options.labName), { owner: "lab-up", reuse: true, progress: () => undefined, signal: safety.signal });
      topology = lab.topology;
    }
    const result = await runPreflight(topology, { signal: safety.signal });
    process.stdout.write(`${renderPreflight(result, { color: colorLevel(process.stdout) > 0 })}\n`);
    const exitCode = preflightFailed(result) ? EXIT.lab : EXIT.pass;
    if (options.json) writeJsonDocument({ ok: exitCode === EXIT.pass, exitCode, ...result });
    return exitCode;
  } finally {
    await pool?.close();
    safety.uninstall();
  }
}
