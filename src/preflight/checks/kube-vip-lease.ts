import { readLease, superAdminHint } from "../../host-tools/lease-client.js";
import { vipHolders } from "../../engine/readiness.js";
import { listing, type CheckDefinition } from "./context.js";

/**
 * kube-vip's Lease (the runbook's Option A): readable by vipdrill, held by exactly one control plane,
 * and that one holds the VIP. A Lease vipdrill may not read names kubeadm ≥ 1.29's super-admin.conf
 * pitfall, the usual cause.
 */
export const kubeVipLeaseCheck: CheckDefinition = {
  id: "kube-vip-lease",
  title: "kube-vip's Lease is held by exactly one control plane, which holds the VIP",
  async run(context) {
    const topology = context.topology;
    const setup = topology.kubeVip;
    if (topology.vipManager !== "kube-vip" || !setup) return { status: "skip", seen: "Keepalived holds the VIP: no Lease to check" };
    const lease = await context.on("the Lease", readLease(topology, Math.min(3000, context.remainingMs())));
    const name = `${setup.lease.namespace}/${setup.lease.name}`;
    if (!lease.ok) return { status: "fail", seen: `${name}: ${lease.failure === "forbidden" ? superAdminHint(lease.message) : lease.message}` };
    const holders = await context.on("the VIP holders", vipHolders(topology));
    const holder = lease.lease.holderIdentity;
    if (holder === null) return { status: "fail", seen: `${name} is held by nobody (released, or kube-vip is not running)` };
    const host = lease.holderHost;
    if (!host) return { status: "fail", seen: `${name} is held by "${holder}", no host's node name (set nodeName on the hosts in the inventory)` };
    const seen = `${name} held by ${holder}${host.id === holder ? "" : ` (${host.id})`}, ${lease.lease.leaseTransitions} transitions; the VIP on ${listing(holders) || "no host"}`;
    return { status: holders.length === 1 && holders[0] === host.id ? "pass" : "fail", seen };
  },
};
