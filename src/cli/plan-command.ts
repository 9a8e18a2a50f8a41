import { MonotonicClock } from "../common/clock.js";
import { DEFAULT_DEAD_MAN_GRACE_MS } from "../engine/runner.js";
import { Timeline } from "../engine/timeline.js";
import { renderCommand } from "../faults/command.js";
import { prepareFault } from "../faults/fault-controller.js";
import { formatDurationMs } from "../analysis/format.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import { resolveTargets, vipCandidateHosts } from "../scenario/selector.js";
import type { Scenario } from "../scenario/types.js";
import { planLab, HAPROXY_BACKEND, HAPROXY_SOCKET } from "../targets/docker/docker-lab.js";
import type { ExecTransport, Host, Topology } from "../targets/host.js";
import { systemctlService } from "../targets/host.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** A transport that refuses: planning must never touch a host. */
const noTransport: ExecTransport = {
  kind: "docker",
  sharesClock: true,
  exec: () => Promise.reject(new Error("plan does not run commands")),
  stream: () => Promise.reject(new Error("plan does not run commands")),
};

/** The lab as it will be, without starting it. */
function plannedTopology(scenario: Scenario, labName: string): Topology {
  const plan = planLab(scenario.lab, scenario.dns, labName);
  const hosts: Host[] = plan.nodes.map((node) => ({
    id: node.id,
    address: node.address,
    roles: [node.role],
    labels: {},
    transport: noTransport,
    vipInterface: plan.interface,
    service: systemctlService,
  }));
  return {
    kind: "lab",
    name: plan.name,
    hosts,
    endpoint: { vip: plan.vip, port: plan.port, dns: plan.dns },
    haproxy: { socket: HAPROXY_SOCKET, backend: HAPROXY_BACKEND },
    lifecycle: {
      kill: () => Promise.reject(new Error("plan")),
      start: () => Promise.reject(new Error("plan")),
      pause: () => Promise.reject(new Error("plan")),
      unpause: () => Promise.reject(new Error("plan")),
      state: () => Promise.resolve("running"),
    },
  };
}

export async function describePlan(scenario: Scenario, labName: string): Promise<string> {
  const topology = plannedTopology(scenario, labName);
  // The VIP owner is only known at run time; in a healthy lab it is the highest-priority load balancer.
  const candidates = vipCandidateHosts(topology);
  const assumedOwner = candidates[0]?.id ?? null;
  const targets = resolveTargets(scenario.fault, topology, { owner: assumedOwner, holders: assumedOwner ? [assumedOwner] : [] });
  const fault = await prepareFault("f1", scenario.fault, targets, topology, new Timeline(), new MonotonicClock(), { dryRun: true });
  const { probes } = scenario;
  const lines: string[] = [];
  const lab = planLab(scenario.lab, scenario.dns, labName);
  lines.push(`scenario ${scenario.name} (${scenario.file})`);
  lines.push(`  ${scenario.description}`);
  lines.push(`lab "${lab.name}": network ${lab.subnet} (Docker hands out ${lab.ipRange}), VIP ${lab.vip}:${lab.port} as ${lab.dns}`);
  lines.push(`  ${lab.nodes.map((n) => `${n.id} ${n.address}`).join(", ")}; built or reused on \`run\``);
  lines.push(
    `probes: GET https://${lab.vip}:${lab.port}${probes.path} (SNI/Host ${scenario.dns}) every ${formatDurationMs(probes.intervalMs)}, ` +
      `fresh TCP+TLS each, timeout ${formatDurationMs(probes.timeoutMs)}, expect ${probes.expect}` +
      (probes.keepAliveConnections > 0 ? `; plus ${probes.keepAliveConnections} keep-alive connections every ${formatDurationMs(probes.keepAliveIntervalMs)}` : ""),
  );
  const symbolic = ["vip-owner", "vip-backup"].includes(scenario.fault.selector.kind);
  lines.push(
    `fault ${scenario.fault.type} on ${scenario.fault.target} (pick ${scenario.fault.pick})` +
      (symbolic ? ` → resolved when the drill starts; in a healthy lab: ${targets.map((t) => t.id).join(", ")}` : ` → ${targets.map((t) => t.id).join(", ")}`),
  );
  let step = 1;
  lines.push(`${step++}. start observers: \`ip -o monitor address link\` on ${candidates.map((c) => c.id).join(", ")}; Keepalived journal`);
  lines.push(`${step++}. baseline: probe for ${formatDurationMs(scenario.baselineMs)}`);
  const deadManMs = scenario.holdMs + DEFAULT_DEAD_MAN_GRACE_MS;
  for (const action of fault.actions) {
    if (action.selfHealing) {
      lines.push(`${step++}. [${action.host.id}] arm a dead-man timer: after ${formatDurationMs(deadManMs)} the host runs the restore by itself`);
    }
  }
  for (const action of fault.actions) {
    for (const command of action.inject) lines.push(`${step++}. [${action.host.id}] inject: ${renderCommand(command)}`);
  }
  lines.push(`${step++}. verify the fault took effect; hold it for ${formatDurationMs(scenario.holdMs)}`);
  for (const action of fault.actions) {
    for (const command of action.restore) lines.push(`${step++}. [${action.host.id}] restore: ${renderCommand(command)}`);
  }
  lines.push(`${step++}. verify every host healed; disarm the dead-man timers`);
  lines.push(`${step++}. settle: probe for ${formatDurationMs(scenario.settleMs)}, then judge the budgets`);
  const b = scenario.budgets;
  lines.push(
    `budgets: failover ≤ ${formatDurationMs(b.failoverMs)}` +
      (b.outageMs !== undefined ? `, outage ≤ ${formatDurationMs(b.outageMs)}` : "") +
      (b.failbackMs !== undefined ? `, failback ≤ ${formatDurationMs(b.failbackMs)}` : "") +
      (b.failedProbes !== undefined ? `, failed probes ≤ ${b.failedProbes}` : "") +
      `, errors after recovery ≤ ${b.errorsAfterRecovery}, VIP move: ${b.vipMove}, split brain: ${b.splitBrain}`,
  );
  lines.push("On error or Ctrl-C the fault is restored and the lab torn down.");
  return lines.join("\n");
}

export async function planCommand(files: string[], options: { labName: string }): Promise<ExitCode> {
  const targets = files.length > 0 ? files : [defaultScenarioFile()];
  for (const file of targets) {
    const scenario = await loadScenario(file);
    process.stdout.write(`${await describePlan(scenario, options.labName)}\n\n`);
  }
  return EXIT.pass;
}
