/**
 * `npm run soak`: vipdrill interrupted by SIGINT at random moments, and what it leaves behind.
 *  1. SOAK_LAB_RUNS (default 20) runs of the default drill on the built-in lab, each sent SIGINT at a
 *     uniformly random moment of its life: afterwards no container or network of the lab may exist.
 *  2. SOAK_SSH_RUNS (default 10) runs of the same drill over SSH against a `lab up --ssh` lab: afterwards
 *     every host must be healed — links up, no heal timer left, HAProxy servers ready, one VIP owner.
 * Figures are printed; the exit code is 1 if any run left something behind.
 */
import { LAB_READINESS } from "../src/engine/readiness.js";
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "../src/common/clock.js";
import { packageRoot } from "../src/common/package-root.js";
import { readinessGaps } from "../src/engine/readiness.js";
import { DockerLabProvider, planLab } from "../src/targets/docker/docker-lab.js";
import { connectEngine } from "../src/targets/docker/engine.js";
import { defaultScenarioFile, loadScenario } from "../src/scenario/load.js";

const CLI = join(packageRoot(), "dist", "cli", "main.js");
const LAB = "vipdrill-soak";
const SSH_LAB = "vipdrill-soak-ssh";

/** Run the CLI; SIGINT it after `afterMs` (if still running). */
function interrupted(args: string[], afterMs: number): Promise<{ code: number | null; signalled: boolean; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: packageRoot(), env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    let signalled = false;
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => {
      signalled = true;
      child.kill("SIGINT");
    }, afterMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, signalled, stderr, ms: Date.now() - started });
    });
  });
}

// Off a TTY the run prints a "phase NAME:" line as each phase starts: the last one is where SIGINT hit.
const phaseOf = (stderr: string): string => [...stderr.matchAll(/phase (\w+)/g)].pop()?.[1] ?? "before the drill";

async function main(): Promise<void> {
  const labRuns = Number(process.env["SOAK_LAB_RUNS"] ?? 20);
  const sshRuns = Number(process.env["SOAK_SSH_RUNS"] ?? 10);
  const docker = await connectEngine();
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  let leftovers = 0;

  for (let i = 1; i <= labRuns; i++) {
    const at = Math.round(Math.random() * 34_000);
    const reports = await mkdtemp(join(tmpdir(), "vipdrill-soak-"));
    const run = await interrupted(["run", "--lab-name", LAB, "--reports", reports], at);
    const containers = await docker.listContainers({ all: true, filters: { label: [`vipdrill.lab=${LAB}`] } });
    const networks = await docker.listNetworks({ filters: { label: [`vipdrill.lab=${LAB}`] } });
    const clean = containers.length === 0 && networks.length === 0 && run.code !== 5;
    if (!clean) leftovers++;
    process.stdout.write(
      `lab run ${String(i).padStart(2)}: SIGINT at ${(at / 1000).toFixed(1)} s (${run.signalled ? phaseOf(run.stderr) : "after it ended"}), exit ${run.code}, ` +
        `${(run.ms / 1000).toFixed(1)} s in all; left: ${containers.length} containers, ${networks.length} networks ${clean ? "✓" : "✗"}\n`,
    );
  }

  if (sshRuns > 0) {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-soak-ssh-"));
    const up = await interrupted(["lab", "up", "--lab-name", SSH_LAB, "--ssh", dir], 600_000);
    if (up.code !== 0) throw new Error(`lab up --ssh failed: ${up.stderr}`);
    const scenario = await loadScenario(defaultScenarioFile());
    const lab = await provider.up(planLab(scenario.lab, scenario.dns, SSH_LAB), { owner: "lab-up", reuse: true, progress: () => undefined });
    try {
      for (let i = 1; i <= sshRuns; i++) {
        const at = Math.round(Math.random() * 26_000);
        const reports = await mkdtemp(join(tmpdir(), "vipdrill-soak-"));
        const run = await interrupted(["run", "--inventory", join(dir, "inventory.yaml"), "--yes", "--reports", reports], at);
        // Healed means: the lab is ready again (every backend UP, one VIP owner, the API answers
        // through the VIP) within 10 s, the links are up, and no heal timer is left.
        let gaps = await readinessGaps(lab.topology);
        for (let w = 0; w < 50 && gaps.length > 0; w++) {
          await sleep(200);
          gaps = await readinessGaps(lab.topology);
        }
        const hostProblems: string[] = [];
        for (const host of lab.topology.hosts) {
          const link = await host.transport.exec(["ip", "-o", "link", "show", "dev", "eth0"]);
          if (!/<[^>]*\bUP\b/.test(link.stdout)) hostProblems.push(`${host.id} eth0 down`);
          const timers = await host.transport.exec(["systemctl", "list-timers", "--all", "--no-legend"]);
          if (/vipdrill-heal/.test(timers.stdout)) hostProblems.push(`${host.id} heal timer left`);
        }
        const clean = gaps.length === 0 && hostProblems.length === 0 && run.code !== 5;
        if (!clean) leftovers++;
        process.stdout.write(
          `ssh run ${String(i).padStart(2)}: SIGINT at ${(at / 1000).toFixed(1)} s (${run.signalled ? phaseOf(run.stderr) : "after it ended"}), exit ${run.code}, ` +
            `${(run.ms / 1000).toFixed(1)} s in all; ${clean ? "every host healed ✓" : `✗ ${[...gaps, ...hostProblems].join("; ")}`}\n`,
        );
      }
    } finally {
      await provider.down(SSH_LAB);
    }
  }
  process.stdout.write(`${labRuns + sshRuns} interrupted runs, ${leftovers} left something behind\n`);
  process.exitCode = leftovers > 0 ? 1 : 0;
}

await main();
