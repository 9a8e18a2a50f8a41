import { MonotonicClock } from "../common/clock.js";
import { DEFAULT_DEAD_MAN_GRACE_MS } from "../engine/runner.js";
import { blastRadius, type BlastRadius } from "../engine/blast-radius.js";
import { Timeline } from "../model/timeline.js";
import { renderCommand, type Command } from "../model/command.js";
import { deadManCommands } from "../faults/dead-man.js";
import { runtimeClientArgv } from "../host-tools/haproxy-runtime.js";
import { plannedConfigPaths } from "../host-tools/balancer-config.js";
import { planPredictionLines } from "../engine/predict.js";
import { prepareFault } from "../faults/fault-controller.js";
import { formatDurationMs } from "../analysis/format.js";
import { describePercentileLimits } from "../analysis/percentile-budgets.js";
import { loadInventory } from "../inventory/load.js";
import type { Inventory } from "../inventory/types.js";
import { defaultScenarioFile, loadScenario } from "../scenario/load.js";
import { resolveTargets } from "../scenario/selector.js";
import { vipCandidateHosts } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { JOURNAL_FOLLOW, SYSLOG_FILES, tailFollow } from "../observers/keepalived-observer.js";
import { MONITOR } from "../observers/vip-observer.js";
import { followKubeVipLogArgv } from "../observers/kube-vip-log-observer.js";
import { kubectlLeaseArgv, leasePath as LEASE_PATH } from "../host-tools/lease-client.js";
import { planLab } from "../targets/docker/docker-lab.js";
import { configRequestOf, planLabConfig, topologyWithConfig } from "../targets/docker/proposed-config.js";
import { plannedLabTopology } from "../targets/docker/lab-topology.js";
import type { Topology } from "../model/host.js";
import { hostsWithRole } from "../model/host.js";
import { refusingTransport } from "../model/refusing-transport.js";
import { inventoryTopology } from "../targets/ssh/inventory-topology.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { writeJsonDocument } from "./json-output.js";

/** An inventory's hosts, none of them contacted. */
export function plannedInventoryTopology(inventory: Inventory): Topology {
  return inventoryTopology(inventory, () => refusingTransport("ssh"));
}

function sshLine(inventory: Inventory, id: string): string {
  const host = inventory.hosts.find((h) => h.id === id)!;
  const ssh = host.ssh;
  return `ssh ${ssh.user}@${host.address}:${ssh.port}${ssh.jump ? ` via ${ssh.jump}` : ""}${ssh.sudo ? ", sudo -n" : ""}`;
}

const argvLine = (argv: readonly string[]): string => renderCommand({ kind: "exec", argv: [...argv] });

/** One command of a plan, on one host, in the order the drill runs them. */
export interface PlanStep {
  step: number;
  host: string;
  /** What it is for: observe, arm a dead-man timer, inject, restore, disarm the dead-man timer. */
  action: string;
  /** As a user would type it. */
  command: string;
}

/** A drill's plan: the text, its commands host by host, and the blast radius of the targets it shows. */
export interface DrillPlan {
  text: string;
  steps: PlanStep[];
  radius: BlastRadius;
}

/**
 * Every command a drill would run on every host, in order, including the restores and the dead-man
 * timers; nothing is run. `vip-owner` / `vip-backup` are shown as they resolve when the first VIP
 * candidate holds the VIP; the drill resolves them again at the fault.
 */
export async function describePlan(scenario: Scenario, topology: Topology, inventory?: Inventory): Promise<DrillPlan> {
  const candidates = vipCandidateHosts(topology);
  const assumedOwner = candidates[0]?.id ?? null;
  // Under kube-vip the VIP's owner is the Lease's holder: assume the same first candidate.
  const assumedLeader = topology.vipManager === "kube-vip" ? (candidates[0]?.nodeName ?? assumedOwner) : null;
  const targets = resolveTargets(scenario.fault, topology, { owner: assumedOwner, holders: assumedOwner ? [assumedOwner] : [], leaseHolder: assumedLeader });
  const radius = blastRadius(targets, topology);
  const fault = await prepareFault("f1", scenario.fault, targets, topology, new Timeline(), new MonotonicClock(), { dryRun: true });
  const { probes } = scenario;
  const { endpoint } = topology;
  const lines: string[] = [];
  lines.push(`scenario ${scenario.name} (${scenario.file})`);
  lines.push(`  ${scenario.description}`);
  if (topology.kind === "lab") {
    const lab = planLab(scenario.lab, scenario.dns, topology.name);
    lines.push(`lab "${lab.name}": network ${lab.subnet} (Docker hands out ${lab.ipRange}), VIP ${lab.vip}:${lab.port} as ${lab.dns}`);
    // The topology's nodes, not the scenario's: a proposed configuration sizes the lab.
    lines.push(`  ${topology.hosts.map((h) => `${h.id} ${h.address}`).join(", ")}; built or reused on \`run\``);
  } else if (inventory) {
    lines.push(`inventory "${inventory.name}" (${inventory.file}): VIP ${endpoint.vip}:${endpoint.port} as ${endpoint.dns}`);
    for (const host of topology.hosts) lines.push(`  ${host.id} ${host.address} (${host.roles.join(", ")}): ${sshLine(inventory, host.id)}`);
    lines.push("  every host is connected to and checked (preflight) before anything is done; the run asks for confirmation (--yes in CI)");
  }
  for (const lb of hostsWithRole(topology.hosts, "load-balancer")) lines.push(`  ${lb.id}: ${plannedConfigPaths(lb, topology)}`);
  const config = topology.kind === "lab" ? topology.configuration : undefined;
  if (config) {
    lines.push(
      `  in place of the templates, the proposed ${config.files.map((f) => `${f.daemon === "keepalived" ? "keepalived.conf" : "haproxy.cfg"} ${f.path}`).join(", ")} ` +
        `(sha256 ${config.files.map((f) => f.sha256.slice(0, 12)).join(", ")}), mapped onto the lab's addresses; \`run\` has keepalived -t and haproxy -c check them first`,
    );
    for (const item of config.unmapped) lines.push(`  not mapped: ${item}`);
  }
  lines.push(
    `probes: GET https://${endpoint.vip}:${endpoint.port}${probes.path} (SNI/Host ${endpoint.dns}) every ${formatDurationMs(probes.intervalMs)}, ` +
      `fresh TCP+TLS each, timeout ${formatDurationMs(probes.timeoutMs)}, expect ${probes.expect}` +
      (probes.keepAliveConnections > 0 ? `; plus ${probes.keepAliveConnections} keep-alive connections every ${formatDurationMs(probes.keepAliveIntervalMs)}` : ""),
  );
  const symbolic = ["vip-owner", "vip-backup", "kube-vip-leader"].includes(scenario.fault.selector.kind);
  lines.push(
    `fault ${scenario.fault.type} on ${scenario.fault.target} (pick ${scenario.fault.pick})` +
      (symbolic
        ? ` → resolved when the drill starts and again at the fault; if ${assumedOwner ?? "?"} holds the ${topology.vipManager === "kube-vip" ? "Lease and the " : ""}VIP: ${targets.map((t) => t.id).join(", ")}`
        : ` → ${targets.map((t) => t.id).join(", ")}`),
  );
  lines.push(
    `blast radius: ${radius.controlPlanes.faulted.length} of ${radius.controlPlanes.total} control planes, ${radius.loadBalancers.faulted.length} of ${radius.loadBalancers.total} load balancers` +
      (radius.refusals.length > 0 ? ` — REFUSED at run time (${radius.refusals.join("; ")}) unless --allow-wide-blast-radius` : ""),
  );
  let step = 1;
  const steps: PlanStep[] = [];
  const at = (host: string, action: string, command: string): void => {
    steps.push({ step, host, action, command });
    lines.push(`${step++}. [${host}] ${action}: ${command}`);
  };
  lines.push(`${step++}. readiness (read-only): /healthz of each control plane; on load balancers ${argvLine(runtimeClientArgv("socat", topology.haproxy.socketGiven ? topology.haproxy.socket : "SOCKET"))} <<< "show stat"${topology.haproxy.socketGiven ? "" : " (SOCKET: each one's, above)"} (here and below: \`nc -U\` or python3 instead on a balancer without socat); ip -o -4 addr show / ip -o link show on ${candidates.map((c) => c.id).join(", ")}`);
  for (const host of candidates) at(host.id, "observe", `${argvLine(MONITOR)} (streamed until the end)`);
  for (const host of hostsWithRole(topology.hosts, "load-balancer")) {
    at(
      host.id,
      "observe",
      `${argvLine(JOURNAL_FOLLOW)} --after-cursor=CURSOR (streamed until the end; CURSOR: the journal's end when the drill starts, after a lost connection the last entry read; ` +
        `without journald ${argvLine(tailFollow("FILE"))}, FILE the first of ${SYSLOG_FILES.join(", ")} that mentions Keepalived)`,
    );
  }
  const kubeVip = topology.kubeVip;
  if (kubeVip) {
    const ref = `${kubeVip.lease.namespace}/${kubeVip.lease.name}`;
    lines.push(
      `${step++}. observe kube-vip's Lease ${ref}: ` +
        (kubeVip.leaseAccess.kind === "api"
          ? `GET ${LEASE_PATH(kubeVip.lease)} on each control plane's apiserver every 200 ms, as ${kubeVip.leaseAccess.credentials.userName} (${kubeVip.leaseAccess.credentials.file})`
          : `${argvLine(kubectlLeaseArgv(kubeVip.lease, kubeVip.leaseAccess.kubeconfig))} on one control plane every 500 ms, in turn`),
    );
    for (const host of hostsWithRole(topology.hosts, "control-plane")) at(host.id, "observe", `${argvLine(followKubeVipLogArgv(kubeVip.container))} (streamed until the end)`);
  }
  lines.push(`${step++}. baseline: probe for ${formatDurationMs(scenario.baselineMs)}`);
  const graceMs = DEFAULT_DEAD_MAN_GRACE_MS;
  const deadManMs = scenario.holdMs + graceMs;
  const disarms: Array<{ host: string; command: Command }> = [];
  for (const action of fault.actions) {
    if (!action.selfHealing) continue;
    const { arm, disarm } = deadManCommands(`f1-${action.host.id}`, action.restore, deadManMs, true);
    at(action.host.id, `arm a dead-man timer (heals by itself after ${formatDurationMs(deadManMs)} if vipdrill cannot)`, argvLine(arm));
    lines.push(`     (on a host without systemd: ${argvLine(deadManCommands(`f1-${action.host.id}`, action.restore, deadManMs, false).arm)})`);
    disarms.push({ host: action.host.id, command: disarm });
  }
  for (const action of fault.actions) {
    for (const command of action.inject) at(action.host.id, "inject", renderCommand(command));
  }
  if (scenario.fault.type === "link-down" && topology.kind === "inventory") {
    lines.push(
      `     if that link carries vipdrill's own SSH connection to the host, its reply cannot come back: the dead-man timer is then armed for ` +
        `${formatDurationMs(scenario.holdMs)} instead and is the restore; vipdrill reconnects and verifies within ${formatDurationMs(graceMs)} after`,
    );
  }
  lines.push(`${step++}. verify the fault took effect; hold it for ${formatDurationMs(scenario.holdMs)}`);
  for (const action of fault.actions) {
    for (const command of action.restore) at(action.host.id, "restore", renderCommand(command));
  }
  lines.push(`${step++}. verify every host healed`);
  for (const { host, command } of disarms) at(host, "disarm the dead-man timer", renderCommand(command));
  lines.push(`${step++}. settle: probe for ${formatDurationMs(scenario.settleMs)}, then judge the budgets`);
  const b = scenario.budgets;
  lines.push(
    `budgets: ${b.failoverMs !== undefined ? `failover ≤ ${formatDurationMs(b.failoverMs)}` : `failover ${describePercentileLimits(b.percentiles?.failover ?? [], formatDurationMs)}`}` +
      (b.outageMs !== undefined ? `, outage ≤ ${formatDurationMs(b.outageMs)}` : "") +
      (b.failbackMs !== undefined ? `, failback ≤ ${formatDurationMs(b.failbackMs)}` : "") +
      (b.failedProbes !== undefined ? `, failed probes ≤ ${b.failedProbes}` : "") +
      `, errors after recovery ≤ ${b.errorsAfterRecovery}, VIP move: ${b.vipMove}, split brain: ${b.splitBrain}`,
  );
  lines.push(...planPredictionLines(scenario, topology));
  lines.push(
    topology.kind === "lab"
      ? "On error or Ctrl-C the fault is restored and the lab torn down."
      : "On error, Ctrl-C or SIGTERM the fault is restored; if vipdrill dies, each host's dead-man timer heals it.",
  );
  return { text: lines.join("\n"), steps, radius };
}

/** `vipdrill plan --json`: each scenario's plan. */
export interface PlanDocument {
  ok: true;
  exitCode: ExitCode;
  plans: Array<{ scenario: string; file: string; target: { kind: string; name: string }; blastRadius: BlastRadius; steps: PlanStep[]; text: string }>;
}

/**
 * The lab a drill of this scenario would run on: with lab.config, sized to the proposed files and
 * predicted from their timers (mapped as `run` maps them; only the daemons' own check waits for `run`).
 */
async function plannedLab(scenario: Scenario, labName: string): Promise<Topology> {
  const request = configRequestOf(scenario, {});
  if (request === undefined) return plannedLabTopology(planLab(scenario.lab, scenario.dns, labName));
  const prepared = await planLabConfig(scenario, labName, request);
  // The plan is of the recorded drill: the proposed configuration's (a baseline is drilled before it).
  return topologyWithConfig(plannedLabTopology(prepared.plan), prepared.proposed);
}

export async function planCommand(files: string[], options: { labName: string; inventory?: string; json?: boolean }): Promise<ExitCode> {
  const targets = files.length > 0 ? files : [defaultScenarioFile()];
  const inventory = options.inventory === undefined ? undefined : await loadInventory(options.inventory);
  const document: PlanDocument = { ok: true, exitCode: EXIT.pass, plans: [] };
  for (const file of targets) {
    const scenario = await loadScenario(file);
    const topology = inventory ? plannedInventoryTopology(inventory) : await plannedLab(scenario, options.labName);
    const plan = await describePlan(scenario, topology, inventory);
    document.plans.push({ scenario: scenario.name, file: scenario.file, target: { kind: topology.kind, name: topology.name }, blastRadius: plan.radius, steps: plan.steps, text: plan.text });
    process.stdout.write(`${plan.text}\n\n`);
  }
  if (options.json) writeJsonDocument(document);
  return EXIT.pass;
}
