import { keepalivedFailbackWindow, keepalivedFailoverWindow, keepalivedNoFailover, type BalancerFault } from "../analysis/keepalived-window.js";
import { formatSpanMs } from "../analysis/format.js";
import { kubeVipFailoverWindow, type LeaderLoss } from "../analysis/kube-vip-window.js";
import { timingsWithMaster, type KeepalivedTimings } from "../model/keepalived.js";
import { vipCandidateHosts, type Topology } from "../model/host.js";
import type { PredictedWindow } from "../model/prediction.js";
import type { FaultSpec, Scenario } from "../model/scenario.js";

/**
 * How a fault on kube-vip's leader makes it stop leading: a lost link or node lets the Lease expire;
 * a graceful stop releases it; a stopped kubelet changes nothing. undefined: no window can be
 * promised (a SIGKILLed kube-vip is restarted by the kubelet, at once or after a back-off).
 */
export function leaderLoss(fault: FaultSpec): LeaderLoss | undefined {
  switch (fault.type) {
    case "link-down":
    case "node-kill":
    case "node-pause":
      return "expiry";
    case "static-pod-stop":
      return "release";
    case "container-kill":
      return fault.signal === "SIGTERM" ? "release" : undefined;
    case "service-stop":
      return fault.service === "kubelet" ? "none" : undefined;
    default:
      return undefined;
  }
}

/**
 * What a fault does to a Keepalived + HAProxy tier, where its timers decide the outcome: faults on
 * the master (the VIP's owner; its VIP link), or a control plane taken out of HAProxy's rotation.
 */
function balancerFault(fault: FaultSpec, topology: Topology, masterId: string): BalancerFault | undefined {
  const selector = fault.selector;
  const onMaster = selector.kind === "vip-owner" || (selector.kind === "host" && selector.id === masterId);
  // One control plane (a host, or one picked of a role) out of rotation: the others serve.
  const oneControlPlane =
    (selector.kind === "host" && topology.hosts.find((h) => h.id === selector.id)?.roles.includes("control-plane") === true) ||
    (selector.kind === "role" && selector.role === "control-plane" && fault.pick !== "all");
  switch (fault.type) {
    case "link-down": {
      const vipLink = topology.hosts.find((h) => h.id === masterId)?.vipInterface;
      return onMaster && (fault.interface === undefined || fault.interface === vipLink) ? "link-down" : undefined;
    }
    case "node-kill":
    case "node-pause":
      return onMaster ? "node-down" : undefined;
    case "service-stop":
      if (fault.service === "keepalived" || fault.service === "haproxy") return onMaster ? `${fault.service}-stop` : undefined;
      return fault.service === "kube-apiserver" && oneControlPlane ? "backend-stop" : undefined;
    case "backend-drain":
      return oneControlPlane ? "backend-drain" : undefined;
    default:
      return undefined;
  }
}

/** The Keepalived timings with `master` (default: the first VIP candidate, the lab's intended master) holding the VIP, and what the fault is to them. */
function balancerSetup(fault: FaultSpec, topology: Topology, master: string | undefined): { timings: KeepalivedTimings; fault: BalancerFault; source: string } | undefined {
  const setup = topology.keepalived;
  const masterId = master ?? vipCandidateHosts(topology)[0]?.id;
  if (topology.vipManager !== "keepalived" || !setup || masterId === undefined) return undefined;
  const timings = timingsWithMaster(setup, masterId);
  const kind = balancerFault(fault, topology, masterId);
  return timings && kind ? { timings, fault: kind, source: setup.source } : undefined;
}

/**
 * The failover window the topology's configuration allows for this fault, where one can be derived:
 * kube-vip's lease timings when the fault hits its leader (the selector kube-vip-leader, or
 * vip-owner: under kube-vip the VIP's owner is the leader; `releaseFailed` says why a graceful stop did
 * not release the Lease, as the leader logged it); Keepalived's and HAProxy's timers on a
 * balancer tier, `master` being the host that holds the VIP when the fault hits.
 */
export function predictFailover(fault: FaultSpec, topology: Topology, master?: string, releaseFailed?: string): PredictedWindow | null {
  const balancers = balancerSetup(fault, topology, master);
  if (balancers) return keepalivedFailoverWindow(balancers.timings, balancers.fault, balancers.source);
  const setup = topology.kubeVip;
  if (topology.vipManager !== "kube-vip" || !setup?.timings) return null;
  if (fault.selector.kind !== "kube-vip-leader" && fault.selector.kind !== "vip-owner") return null;
  const graceful = leaderLoss(fault);
  if (graceful === undefined) return null;
  // A release that failed (a renewal in flight when kube-vip stopped changed the Lease under it: 409)
  // leaves the Lease to expire, as after a crash.
  const loss = graceful === "release" && releaseFailed !== undefined ? "expiry" : graceful;
  const notice = fault.type === "static-pod-stop" && setup.manifestNoticeMs ? { ms: setup.manifestNoticeMs, why: "the kubelet notices the manifest is gone" } : undefined;
  const window = kubeVipFailoverWindow(setup.timings, loss, setup.source, notice);
  return window && loss !== graceful ? { ...window, terms: [releaseFailed!, ...window.terms] } : window;
}

/** The window of the VIP's move back after the restore (Keepalived's preemption), where one can be derived. */
export function predictFailback(fault: FaultSpec, topology: Topology, holdMs: number, master?: string): PredictedWindow | null {
  const balancers = balancerSetup(fault, topology, master);
  return balancers ? keepalivedFailbackWindow(balancers.timings, balancers.fault, holdMs, balancers.source) : null;
}

/** Why the configuration moves nothing for this fault while clients fail (no tracked script, a weight too small), or null. */
export function predictNoFailover(fault: FaultSpec, topology: Topology, master?: string): string | null {
  const balancers = balancerSetup(fault, topology, master);
  return balancers ? keepalivedNoFailover(balancers.timings, balancers.fault) : null;
}

/** The runbook's failover budget, where no scenario says otherwise. */
export const RUNBOOK_FAILOVER_BUDGET_MS = 5_000;

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))} s`;

/** "link-down on vip-owner", "service-stop haproxy on vip-owner". */
export const faultWords = (fault: FaultSpec): string => `${fault.type}${fault.type === "service-stop" ? ` ${fault.service}` : ""} on ${fault.target}`;

export interface PredictionJudgement {
  /** The window as a whole: the best case already misses the budget, or nothing fails over while clients fail. */
  cannotMeet: boolean;
  /** Part of the window lies beyond the budget (a plan warns). */
  mayMiss: boolean;
  text: string;
}

/** The fault's predicted failover set against a failover budget, in one line; null where nothing is predicted. */
export function judgePrediction(fault: FaultSpec, budgetMs: number, topology: Topology, master?: string): PredictionJudgement | null {
  const what = faultWords(fault);
  const budget = `budget ${seconds(budgetMs)}`;
  const none = predictNoFailover(fault, topology, master);
  if (none !== null) return { cannotMeet: true, mayMiss: true, text: `${what}: ${none}; ${budget}` };
  const window = predictFailover(fault, topology, master);
  if (window === null) return null;
  if (window.toMs === 0) return { cannotMeet: false, mayMiss: false, text: `${what}: no failover, no outage expected (${window.source})` };
  const span = `${what} fails over in ${formatSpanMs(window.fromMs, window.toMs)} by ${window.source}`;
  if (window.fromMs > budgetMs) return { cannotMeet: true, mayMiss: true, text: `${span}; ${budget}: never within it` };
  if (window.toMs > budgetMs) return { cannotMeet: false, mayMiss: true, text: `${span}; ${budget}: within it only at best` };
  return { cannotMeet: false, mayMiss: false, text: `${span}, within the ${budget}` };
}

/**
 * What a plan says of the windows, contacting nobody: the failover against the scenario's budget
 * (a warning where part of it lies beyond) and the VIP's move back; for an inventory whose
 * configuration is read only at preflight, that it will be.
 */
export function planPredictionLines(scenario: Scenario, topology: Topology): string[] {
  if (topology.vipManager === "keepalived" && !topology.keepalived) {
    return ["predicted windows: from each balancer's keepalived.conf and haproxy.cfg, read at preflight (a plan contacts nobody)"];
  }
  const budgetMs = scenario.budgets.failoverMs ?? RUNBOOK_FAILOVER_BUDGET_MS;
  const judged = judgePrediction(scenario.fault, budgetMs, topology);
  const lines = judged === null ? [] : [`${judged.mayMiss ? "warning" : "predicted"}: ${judged.text}`];
  const back = predictFailback(scenario.fault, topology, scenario.holdMs);
  if (back !== null) lines.push(`predicted: the VIP moves back ${formatSpanMs(back.fromMs, back.toMs)} after the restore (${back.source})`);
  return lines;
}
