import { UsageError } from "../common/errors.js";
import type { FaultSpec } from "../model/scenario.js";
import { hostsWithRole, type Host, type Topology } from "../model/host.js";

export interface BlastRadius {
  controlPlanes: { faulted: string[]; total: number };
  loadBalancers: { faulted: string[]; total: number };
  /** Why the endpoint could not survive this fault, one phrase per reason; empty when it could. */
  refusals: string[];
}

/**
 * What one fault takes out at once. The endpoint survives losing a minority of the control planes
 * (etcd keeps quorum, HAProxy has backends left) and all but one load balancer; more than that is
 * an outage by construction, not a drill.
 */
export function blastRadius(targets: readonly Host[], topology: Topology): BlastRadius {
  const ids = (hosts: readonly Host[]): string[] => hosts.map((h) => h.id).sort();
  const cps = hostsWithRole(topology.hosts, "control-plane");
  const lbs = hostsWithRole(topology.hosts, "load-balancer");
  const faultedCps = hostsWithRole(targets, "control-plane");
  const faultedLbs = hostsWithRole(targets, "load-balancer");
  const refusals: string[] = [];
  // A minority: fewer than half. 1 of 3 or 2 of 5 is; 2 of 3, 1 of 2 or the only one is not.
  if (faultedCps.length > 0 && faultedCps.length * 2 >= cps.length) {
    refusals.push(`${faultedCps.length} of ${cps.length} control planes (${ids(faultedCps).join(", ")}) is not a minority`);
  }
  if (faultedLbs.length > 0 && faultedLbs.length === lbs.length) {
    refusals.push(`${lbs.length === 1 ? "the only load balancer" : `every load balancer`} (${ids(faultedLbs).join(", ")}) at once`);
  }
  return {
    controlPlanes: { faulted: ids(faultedCps), total: cps.length },
    loadBalancers: { faulted: ids(faultedLbs), total: lbs.length },
    refusals,
  };
}

/** Refuse a fault wider than the endpoint can survive, unless the user said they mean it. */
export function guardBlastRadius(fault: FaultSpec, targets: readonly Host[], topology: Topology, allowWide: boolean): BlastRadius {
  return refuseWideBlastRadius(fault, blastRadius(targets, topology), allowWide);
}

/** guardBlastRadius for a radius already worked out (a plan's). */
export function refuseWideBlastRadius(fault: FaultSpec, radius: BlastRadius, allowWide: boolean): BlastRadius {
  if (radius.refusals.length > 0 && !allowWide) {
    throw new UsageError(
      "VIPDRILL_BLAST_RADIUS",
      `fault ${fault.type} on ${fault.target} (pick ${fault.pick}) would take out ${radius.refusals.join(" and ")}: refused, ` +
        "since no VIP can fail over from that. Narrow fault.target or fault.pick, or pass --allow-wide-blast-radius if an outage is what you mean to test",
    );
  }
  return radius;
}
