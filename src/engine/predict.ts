import { keepalivedFailbackWindow, keepalivedFailoverWindow, keepalivedNoFailover, type BalancerFault } from "../analysis/keepalived-window.js";
import { kubeVipFailoverWindow, type LeaderLoss } from "../analysis/kube-vip-window.js";
import { timingsWithMaster, type KeepalivedTimings } from "../model/keepalived.js";
import { vipCandidateHosts, type Topology } from "../model/host.js";
import type { PredictedWindow } from "../model/prediction.js";
import type { FaultSpec } from "../model/scenario.js";

/**
 * How a fault on kube-vip's leader makes it stop leading: a lost link or node lets the Lease expire;
 * a graceful stop releases it; a stopped kubelet changes nothing. undefined: no window can be
 * promised (a SIGKILLed kube-vip is restarted by the kubelet, at once or after a back-off).
 */
function leaderLoss(fault: FaultSpec): LeaderLoss | undefined {
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
 * vip-owner: under kube-vip the VIP's owner is the leader); Keepalived's and HAProxy's timers on a
 * balancer tier, `master` being the host that holds the VIP when the fault hits.
 */
export function predictFailover(fault: FaultSpec, topology: Topology, master?: string): PredictedWindow | null {
  const balancers = balancerSetup(fault, topology, master);
  if (balancers) return keepalivedFailoverWindow(balancers.timings, balancers.fault, balancers.source);
  const setup = topology.kubeVip;
  if (topology.vipManager !== "kube-vip" || !setup?.timings) return null;
  if (fault.selector.kind !== "kube-vip-leader" && fault.selector.kind !== "vip-owner") return null;
  const loss = leaderLoss(fault);
  if (loss === undefined) return null;
  const notice = fault.type === "static-pod-stop" && setup.manifestNoticeMs ? { ms: setup.manifestNoticeMs, why: "the kubelet notices the manifest is gone" } : undefined;
  return kubeVipFailoverWindow(setup.timings, loss, setup.source, notice);
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
