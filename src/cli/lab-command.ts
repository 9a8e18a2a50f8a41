import { LAB_READINESS } from "../engine/readiness.js";
import { MonotonicClock } from "../common/clock.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import { DockerLabProvider, planLab } from "../targets/docker/docker-lab.js";
import { resolve } from "node:path";
import { enableLabSsh } from "../targets/docker/lab-ssh-access.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { Safety } from "../engine/safety.js";
import { progressPrinter } from "../report/terminal.js";
import { connectOrSetUpEngine } from "./engine-setup.js";
import { planConfiguredLab } from "./configured-lab.js";

/** The lab's provider on the engine (set up first where the wrapper allows it). */
async function labProvider(): Promise<DockerLabProvider> {
  return new DockerLabProvider(await connectOrSetUpEngine(), LAB_READINESS);
}

/** `vipdrill lab down`: remove the lab's containers and network. */
export async function labDown(options: { labName: string; all?: boolean }): Promise<ExitCode> {
  const provider = await labProvider();
  const names = options.all ? await provider.labs() : [options.labName];
  if (names.length === 0) process.stdout.write("no lab on this host: nothing to remove\n");
  for (const name of names) {
    const removed = await provider.down(name);
    process.stdout.write(removed > 0 ? `lab "${name}": removed ${removed} containers and its network\n` : `lab "${name}": nothing to remove\n`);
  }
  return EXIT.pass;
}

/** `vipdrill lab status`: the lab's nodes and who started it. */
export async function labStatus(options: { labName: string }): Promise<ExitCode> {
  const status = await (await labProvider()).status(options.labName);
  if (status.nodes.length === 0) {
    process.stdout.write(`lab "${options.labName}": not running${status.network ? " (a network is left: vipdrill lab down)" : ""}\n`);
    return EXIT.pass;
  }
  process.stdout.write(`lab "${options.labName}" (${status.owner === "lab-up" ? "started by vipdrill lab up" : `owned by ${status.owner ?? "?"}`})\n`);
  for (const node of status.nodes) process.stdout.write(`  ${node.id.padEnd(6)} ${node.role.padEnd(14)} ${node.address.padEnd(16)} ${node.state}\n`);
  return EXIT.pass;
}

/** `vipdrill lab up [scenario]`: a lab with the scenario's settings, left running for later drills. */
export async function labUp(scenarioFile: string | undefined, options: { labName: string; ssh?: string }): Promise<ExitCode> {
  const scenario = await loadScenario(scenarioFile ?? defaultScenarioFile());
  const docker = await connectOrSetUpEngine();
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  const safety = new Safety().install();
  const clock = new MonotonicClock();
  const progress = progressPrinter(process.stderr);
  try {
    // The scenario's lab.config too: the lab comes up as its drills will run it (today's configuration first where it names one).
    const config = await planConfiguredLab(docker, scenario, { labName: options.labName }, progress);
    const plan = config?.prepared.plan ?? planLab(scenario.lab, scenario.dns, options.labName);
    const lab = await provider.up(plan, { owner: "lab-up", reuse: false, progress, signal: safety.signal, ...(config && { files: config.startsWith.files }) });
    progress.done();
    process.stdout.write(
      `lab "${plan.name}" is up in ${(clock.nowMs() / 1000).toFixed(1)} s: VIP ${plan.vip}:${plan.port} (${plan.dns}), ` +
        `${lab.topology.hosts.map((h) => `${h.id} ${h.address}`).join(", ")}. Drills now use it; \`vipdrill lab down\` removes it.\n`,
    );
    if (options.ssh !== undefined) {
      const access = await enableLabSsh(lab, resolve(options.ssh));
      process.stdout.write(
        `SSH is open on every node (root, drill with passwordless sudo, drill-pw whose sudo wants a password); ` +
          `drill the lab as real hosts with: vipdrill run --inventory ${access.inventoryFile} --yes\n`,
      );
    }
    return EXIT.pass;
  } finally {
    progress.done();
    safety.uninstall();
  }
}
