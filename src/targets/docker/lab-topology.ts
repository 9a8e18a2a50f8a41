import { systemctlService, type ExecTransport, type NodeLifecycle, type Topology } from "../../model/host.js";
import { refusingTransport } from "../../model/refusing-transport.js";
import { DEFAULT_CONTAINER, DEFAULT_LEASE, DEFAULT_MANIFEST, type KubeVipSetup } from "../../model/kube-vip.js";
import type { KeepalivedSetup } from "../../model/keepalived.js";
import { LAB_ADMIN_CONF, byId, labVrrpPriority } from "./lab-files.js";
import type { LabNodePlan, LabPlan } from "./lab-plan.js";
import { labVrrpVersionNote } from "./lab-vrrp-version.js";

export const HAPROXY_SOCKET = "/run/haproxy/admin.sock";
export const HAPROXY_BACKEND = "kube-apiservers";

/** What the lab's nodes run in place of the real thing (README "The lab"): named in every report. */
export const KEEPALIVED_STAND_INS = ["kube-apiserver (a TLS server answering /version and the health endpoints)", "kubelet (a stoppable process)"] as const;
export const KUBE_VIP_STAND_INS = [
  "kube-apiserver (the Lease API on a real 3-member etcd)",
  "kube-vip (client-go's leader election and kube-vip's ARP loop, in Python)",
  "kubelet (static pods from /etc/kubernetes/manifests)",
  "crictl",
] as const;

/**
 * kube-vip as the lab deploys it (lab/templates/kube-vip.yaml.tmpl). The Lease is read with kubectl
 * until the started lab reads the admin kubeconfig from a node and reads it through the API.
 */
export const LAB_KUBE_VIP: KubeVipSetup = {
  lease: DEFAULT_LEASE,
  manifestPath: DEFAULT_MANIFEST,
  container: DEFAULT_CONTAINER,
  leaseAccess: { kind: "kubectl", kubeconfig: LAB_ADMIN_CONF },
  source: "the lab's kube-vip manifest (scenario lab.kubeVip)",
  // The stand-in kubelet polls its manifests directory every 0.5 s (a real one is told by inotify).
  manifestNoticeMs: 500,
};

/**
 * The lab's Keepalived and HAProxy timers as lab/templates set them, for the predicted windows
 * (lab-topology.test.ts reads them back from the rendered files): the runbook's check through the
 * balancer's own HAProxy, which marks a server DOWN after 3 checks a second apart.
 */
export function labKeepalived(plan: LabPlan): KeepalivedSetup {
  const balancers = plan.nodes.filter((n) => n.role === "load-balancer").sort(byId);
  return {
    common: {
      version: plan.vrrp.version ?? 2,
      advertIntMs: plan.vrrp.advertIntS * 1000,
      downTimerAdverts: 3,
      script: { name: "chk_apiserver", intervalMs: 1000, timeoutMs: 1000, fall: 2, rise: 2, weight: 0, checks: "haproxy" },
      haproxy: { interMs: 1000, fastInterMs: 1000, downInterMs: 1000, fall: 3, rise: 2, redispatch: true },
    },
    peers: Object.fromEntries(balancers.map((lb, index) => [lb.id, { priority: labVrrpPriority(index), nopreempt: false, preemptDelayMs: 0 }])),
    source: `the lab's templates (scenario lab.advertInt ${plan.vrrp.advertIntS} s)`,
  };
}

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
    haproxy: { socket: HAPROXY_SOCKET, backend: plan.haproxyBackend ?? HAPROXY_BACKEND, socketGiven: "lab" },
    lifecycle,
    vipManager: plan.vipManager,
    ...(plan.vipManager === "kube-vip"
      ? { kubeVip: { ...LAB_KUBE_VIP, ...(plan.kubeVip ? { timings: plan.kubeVip } : {}) }, standIns: KUBE_VIP_STAND_INS }
      : { keepalived: labKeepalived(plan), standIns: KEEPALIVED_STAND_INS, ...(labVrrpVersionNote(plan) && { configuration: labVrrpVersionNote(plan) }) }),
  };
}

/** The lab a plan describes, without Docker: its hosts refuse commands and its nodes every lifecycle step. */
export function plannedLabTopology(plan: LabPlan): Topology {
  const refuse = (): Promise<never> => Promise.reject(new Error("a plan changes no node"));
  const lifecycle: NodeLifecycle = { kill: refuse, start: refuse, pause: refuse, unpause: refuse, state: () => Promise.resolve("running") };
  return labTopology(plan, () => refusingTransport("docker"), lifecycle);
}
