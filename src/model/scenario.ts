/**
 * The validated, normalised scenario: what the zod schema in schema.ts outputs.
 * Durations are milliseconds here; YAML writes them as strings ("250ms", "5s", "1m").
 */
import type { Role } from "./host.js";

export const FAULT_TYPES = [
  "service-stop",
  "link-down",
  "backend-drain",
  "node-kill",
  "node-pause",
  "apiserver-unhealthy",
  "static-pod-stop",
  "container-kill",
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/**
 * The hosts each fault acts on: any host, or only hosts of one role (a drain takes servers out of
 * HAProxy's backend, and the unhealthy apiserver is the control plane's own).
 */
export const FAULT_TARGETS = {
  "service-stop": "any",
  "link-down": "any",
  "backend-drain": "control-plane",
  "node-kill": "any",
  "node-pause": "any",
  "apiserver-unhealthy": "control-plane",
  "static-pod-stop": "control-plane",
  "container-kill": "control-plane",
} as const satisfies Record<FaultType, Role | "any">;

export const PICKS = ["first", "random", "all"] as const;
export type Pick = (typeof PICKS)[number];

/** `vip-owner`, `vip-backup`, `kube-vip-leader`, `role:control-plane`, `role:load-balancer`, or a host id (`cp-1`). */
export type Selector =
  | { kind: "vip-owner" }
  | { kind: "vip-backup" }
  /** The host kube-vip's Lease names as its holder. */
  | { kind: "kube-vip-leader" }
  | { kind: "role"; role: Role }
  | { kind: "host"; id: string };

export interface FaultBase {
  /** The selector as written, for messages and reports. */
  target: string;
  selector: Selector;
  /** Which of the selected hosts to fault; default "first" (by host id). */
  pick: Pick;
}
export type FaultSpec =
  | (FaultBase & { type: "service-stop"; service: string })
  | (FaultBase & { type: "link-down"; interface?: string })
  | (FaultBase & { type: "backend-drain"; state: "drain" | "maint" })
  | (FaultBase & { type: "node-kill" })
  | (FaultBase & { type: "node-pause" })
  | (FaultBase & { type: "apiserver-unhealthy" })
  /** Move the static pod's manifest out of the manifests directory (the kubelet stops the pod) and back. */
  | (FaultBase & { type: "static-pod-stop"; manifest?: string })
  /**
   * Stop a container with crictl, as a crash or an OOM kill would (SIGKILL, crictl's default) or
   * as a graceful stop (SIGTERM with a grace period); the kubelet starts it again by itself.
   */
  | (FaultBase & { type: "container-kill"; container?: string; signal: "SIGKILL" | "SIGTERM" });

export const LATENCY_PHASES = ["baseline", "fault", "recovered", "after-restore"] as const;
export type LatencyPhase = (typeof LATENCY_PHASES)[number];
export const PERCENTILES = ["p50", "p90", "p99", "p99.9", "max"] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** Figures a budget can also limit by percentiles of their distribution over repeats (`failover: { p95: 5s }`). */
export const DISTRIBUTION_BUDGETS = ["failover", "outage", "failback", "failedProbes"] as const;
export type DistributionBudget = (typeof DISTRIBUTION_BUDGETS)[number];

/** A limit on one percentile of a figure's distribution over a run's iterations (k6 style: p95 ≤ 5 s). */
export interface PercentileLimit {
  /** As written: "p95", "p99.9", "max". */
  name: string;
  /** Above 0, at most 100 (max). */
  percentile: number;
  /** ms for durations, a count for probe counts. */
  limit: number;
}

export interface Budgets {
  /**
   * The failover time (README "Measurement definitions"), checked on every run (every iteration of
   * a repeated one). Default 5000 (the runbook's 5 s); absent when the budget is given as percentiles.
   */
  failoverMs?: number;
  /** The longest outage window of the fault. */
  outageMs?: number;
  /** The longest outage window after the restore. */
  failbackMs?: number;
  /** Failed probes over the whole run (drain: 0). */
  failedProbes?: number;
  /** Failed probes from the fault's first stable recovery to the restore. Default 0. */
  errorsAfterRecovery: number;
  /** Whether the VIP must move to another host, must stay, or either. Default "any". */
  vipMove: "must" | "must-not" | "any";
  /** Two VIP owners at once. Default "forbid". */
  splitBrain: "forbid" | "allow";
  /** The endpoint must be healthy at the end of the settle phase. Default true. */
  healthyAfterRestore: boolean;
  latency: Partial<Record<LatencyPhase, Partial<Record<Percentile, number>>>>;
  /**
   * Limits on percentiles of a figure's distribution over the iterations of a repeated run (one
   * iteration: its own value). A figure given so has no per-run limit above unless it names `max`.
   */
  percentiles?: Partial<Record<DistributionBudget, PercentileLimit[]>>;
}

export interface ProbeSpec {
  /** Δ between due times. Default 10. */
  intervalMs: number;
  /** Per-probe timeout. Default 1000. */
  timeoutMs: number;
  /** Request path. Default "/version". */
  path: string;
  /** "version": 200 + JSON with gitVersion; "ok": 200 + body "ok". Default from path. */
  expect: "version" | "ok";
  /** Stable recovery = this many ms of consecutive successes (N = ceil(ms / Δ)). Default 250. */
  stableMs: number;
  /** Probes in flight beyond which a due probe is skipped. Default ceil(2·timeout/interval)+16. */
  maxInFlight: number;
  /** Keep-alive stream alongside the fresh one: number of pooled connections; 0 = off. Default 0. */
  keepAliveConnections: number;
  /** Keep-alive stream interval. Default 100. */
  keepAliveIntervalMs: number;
}

/** The lab's shape: the runbook's Option B (HAProxy + Keepalived) or Option A (kube-vip on the control planes). */
export const LAB_TOPOLOGIES = ["haproxy-keepalived", "kube-vip"] as const;
export type LabTopology = (typeof LAB_TOPOLOGIES)[number];

/** kube-vip's lease timings and ARP rate, as its manifest's env sets them (kube-vip reads whole seconds). */
export interface KubeVipSpec {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** vip_arpRate. Default 3000 (kube-vip's). */
  arpRateMs: number;
}

export interface LabSpec {
  topology: LabTopology;
  /** Lab subnet (CIDR). Default 172.30.213.0/24. */
  subnet: string;
  /** VIP, inside the subnet and outside the range Docker hands out. Default <subnet>.200. */
  vip: string;
  /** Keepalived advert_int in seconds: whole seconds with VRRPv2, centiseconds below 1 s or fractional (the lab then runs VRRPv3). Default 1. */
  advertIntS: number;
  controlPlanes: number;
  /** 0 for kube-vip. */
  loadBalancers: number;
  /** kube-vip's settings; present when topology is kube-vip. */
  kubeVip?: KubeVipSpec;
  /** Production files on the lab's balancers in place of its templates (paths resolved against the scenario's folder). */
  config?: LabConfigSpec;
}

/** `lab.config`: the proposed keepalived.conf (one for every balancer, or one each) and haproxy.cfg, and today's beside them. */
export interface LabConfigSpec {
  keepalived: string[];
  haproxy?: string;
  /** Today's configuration, drilled on the same lab and set beside the proposed one. */
  baseline?: { keepalived: string[]; haproxy?: string };
}

export interface Scenario {
  /** Absolute path of the file, or "<builtin>". */
  file: string;
  version: 1;
  name: string;
  description: string;
  lab: LabSpec;
  /** DNS name for SNI / Host. Default api.cluster.local. */
  dns: string;
  probes: ProbeSpec;
  fault: FaultSpec;
  /** Steady state before the fault. Default 5000. */
  baselineMs: number;
  /** How long the fault stays in before it is restored. Default 10000. */
  holdMs: number;
  /** Observation after the restore. Default 10000. */
  settleMs: number;
  budgets: Budgets;
  /** Drill this many times on one lab (`repeat:`; `--repeat` overrides); absent: once. */
  repeat?: number;
}
