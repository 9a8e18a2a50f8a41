/**
 * kube-vip's side of a topology (the runbook's Option A): the control planes hold the VIP through
 * kube-vip static pods that elect a leader on a Lease. What vipdrill needs to watch and fault it.
 */

/** Where the Lease lives: kube-system/plndr-cp-lock unless kube-vip was told otherwise. */
export interface LeaseRef {
  namespace: string;
  name: string;
}

/** Credentials from a kubeconfig: the current context's cluster and user. */
export interface KubeCredentials {
  /** The kubeconfig it came from, for messages. */
  file: string;
  /** The current context's cluster server, e.g. https://10.0.0.10:6443. */
  server: string;
  /** PEM CA; undefined with insecure-skip-tls-verify. */
  caPem: string | undefined;
  insecure: boolean;
  /** The user's name in the kubeconfig (kubernetes-admin), for messages. */
  userName: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
}

/** How vipdrill reads the Lease: through each control plane's own apiserver, or with kubectl on one. */
export type LeaseAccess = { kind: "api"; credentials: KubeCredentials } | { kind: "kubectl"; kubeconfig: string };

export interface KubeVipSetup {
  lease: LeaseRef;
  /** The static-pod manifest on each control plane (kubelet's staticPodPath). */
  manifestPath: string;
  /** kube-vip's container name, as `crictl ps --name` matches it. */
  container: string;
  leaseAccess: LeaseAccess;
  /** Where the manifest's settings came from, for reports ("lab template", "preflight"). */
  source: string;
  /** The lease timings and ARP rate kube-vip runs with, where known (the lab's; a manifest preflight read). */
  timings?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number; arpRateMs: number };
  /** How long the kubelet may take to notice a static-pod manifest is gone (inotify: at once; the lab's stand-in polls). */
  manifestNoticeMs?: number;
}

export const DEFAULT_LEASE: LeaseRef = { namespace: "kube-system", name: "plndr-cp-lock" };
export const DEFAULT_MANIFEST = "/etc/kubernetes/manifests/kube-vip.yaml";
export const DEFAULT_CONTAINER = "kube-vip";

/** client-go's wait.JitterUntil factor for followers' polls (leaderelection.JitterFactor). */
export const LEADER_ELECTION_JITTER = 1.2;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s`;

/**
 * client-go refuses leaseDuration ≤ renewDeadline and renewDeadline ≤ JitterFactor·retryPeriod
 * (NewLeaderElector); a message saying which, or undefined when the timings are valid.
 */
export function invalidKubeVipTimings(t: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }): string | undefined {
  if (t.leaseDurationMs <= t.renewDeadlineMs) return `leaseDuration (${seconds(t.leaseDurationMs)}) must be greater than renewDeadline (${seconds(t.renewDeadlineMs)})`;
  if (t.renewDeadlineMs <= LEADER_ELECTION_JITTER * t.retryPeriodMs) {
    return `renewDeadline (${seconds(t.renewDeadlineMs)}) must be greater than ${LEADER_ELECTION_JITTER} × retryPeriod (${seconds(LEADER_ELECTION_JITTER * t.retryPeriodMs)})`;
  }
  return undefined;
}
