import type { Role, VipManager } from "../../model/host.js";
import type { KubeVipSpec } from "../../model/scenario.js";

/** One lab node: its id (= container hostname), role and static address on the lab network. */
export interface LabNodePlan {
  id: string;
  role: Role;
  address: string;
}

/** Everything needed to render the lab's files and create its containers. */
export interface LabPlan {
  /** Lab name; every container and network carries the label vipdrill.lab=<name>. */
  name: string;
  subnet: string;
  /** The part of the subnet Docker may hand out; the VIP and static addresses are placed by us. */
  ipRange: string;
  gateway: string;
  vip: string;
  dns: string;
  port: number;
  /** Interface inside each container that carries the lab network. */
  interface: string;
  /** version 3 where advert_int is below 1 s or fractional (VRRPv2 rounds it to whole seconds); 2 when absent. */
  vrrp: { routerId: number; authPass: string; advertIntS: number; version?: 3 };
  /** The balancer the VIP settles on (the highest VRRP priority): the first balancer unless a proposed configuration says another. */
  master?: string;
  /** The apiservers' backend as a proposed haproxy.cfg names it; the template's otherwise. */
  haproxyBackend?: string;
  /** SHA-256 of the proposed configuration as the lab renders it: a running lab with another one is not reused. */
  configSha256?: string;
  nodes: LabNodePlan[];
  /** Keepalived on the load balancers, or kube-vip static pods on the control planes. */
  vipManager: VipManager;
  /** kube-vip's timings where it holds the VIP. */
  kubeVip?: KubeVipSpec;
}
