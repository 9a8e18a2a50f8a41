import { kubeVipFailoverWindow, type LeaderLoss } from "../analysis/kube-vip-window.js";
import type { Topology } from "../model/host.js";
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
 * The failover window the topology's configuration allows for this fault, where one can be derived:
 * kube-vip's lease timings when the fault hits its leader (the selector kube-vip-leader, or
 * vip-owner: under kube-vip the VIP's owner is the leader).
 */
export function predictFailover(fault: FaultSpec, topology: Topology): PredictedWindow | null {
  const setup = topology.kubeVip;
  if (topology.vipManager !== "kube-vip" || !setup?.timings) return null;
  if (fault.selector.kind !== "kube-vip-leader" && fault.selector.kind !== "vip-owner") return null;
  const loss = leaderLoss(fault);
  if (loss === undefined) return null;
  const notice = fault.type === "static-pod-stop" && setup.manifestNoticeMs ? { ms: setup.manifestNoticeMs, why: "the kubelet notices the manifest is gone" } : undefined;
  return kubeVipFailoverWindow(setup.timings, loss, setup.source, notice);
}
