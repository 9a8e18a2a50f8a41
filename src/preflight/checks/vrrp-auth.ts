import { balancerConfig } from "../../host-tools/balancer-config.js";
import { judgeInstance, vrrpInstances, type LoadedConf } from "../keepalived-conf.js";
import { listing, onEveryLoadBalancer, unreachable, type CheckDefinition, type HostFinding } from "./context.js";

/** One balancer's verdict from its configuration. */
export function judgeKeepalived(hostId: string, loaded: LoadedConf): HostFinding {
  const instances = vrrpInstances(loaded.statements);
  const notes = loaded.notes.length > 0 ? ` (${loaded.notes.join("; ")})` : "";
  if (instances.length === 0) {
    return { id: hostId, status: "fail", seen: `no vrrp_instance in ${listing(loaded.files)}${notes}` };
  }
  const judged = instances.map(judgeInstance);
  return { id: hostId, status: judged.every((j) => j.ok) ? "pass" : "fail", seen: judged.map((j) => j.seen).join(", ") + notes };
}

/** The runbook: VRRP authentication configured to prevent spoofing (or unicast peers only), in the keepalived.conf each balancer really reads. */
export const vrrpAuthCheck: CheckDefinition = {
  id: "vrrp-auth",
  title: "every VRRP instance authenticates its adverts or sends them unicast",
  run: (context) =>
    onEveryLoadBalancer(context, "Keepalived", async (host): Promise<HostFinding> => {
      try {
        const { keepalived } = await context.on(host.id, balancerConfig(host, context.topology));
        return "error" in keepalived ? { id: host.id, status: "fail", seen: keepalived.error } : judgeKeepalived(host.id, keepalived.loaded);
      } catch (error) {
        return { id: host.id, status: "fail", seen: unreachable(error) };
      }
    }),
};
