import { systemctlService, type ExecTransport, type NodeLifecycle, type Topology } from "../../model/host.js";
import { refusingTransport } from "../../model/refusing-transport.js";
import type { LabNodePlan, LabPlan } from "./lab-plan.js";

export const HAPROXY_SOCKET = "/run/haproxy/admin.sock";
export const HAPROXY_BACKEND = "kube-apiservers";

export const containerName = (lab: string, node: string): string => `vipdrill-${lab}-${node}`;

/** A lab's hosts and endpoint as its plan lays them out, each host reached through transportOf. */
export function labTopology(plan: LabPlan, transportOf: (node: LabNodePlan) => ExecTransport, lifecycle: NodeLifecycle): Topology {
  return {
    kind: "lab",
    name: plan.name,
    hosts: plan.nodes.map((node) => ({
      id: node.id,
      address: node.address,
      roles: [node.role],
      labels: { container: containerName(plan.name, node.id) },
      transport: transportOf(node),
      vipInterface: plan.interface,
      service: systemctlService,
    })),
    endpoint: { vip: plan.vip, port: plan.port, dns: plan.dns },
    haproxy: { socket: HAPROXY_SOCKET, backend: HAPROXY_BACKEND },
    lifecycle,
  };
}

/** The lab a plan describes, without Docker: its hosts refuse commands and its nodes every lifecycle step. */
export function plannedLabTopology(plan: LabPlan): Topology {
  const refuse = (): Promise<never> => Promise.reject(new Error("a plan changes no node"));
  const lifecycle: NodeLifecycle = { kill: refuse, start: refuse, pause: refuse, unpause: refuse, state: () => Promise.resolve("running") };
  return labTopology(plan, () => refusingTransport("docker"), lifecycle);
}
