/**
 * Reading kube-vip's Lease (kube-system/plndr-cp-lock by default) — from vipdrill through one
 * control plane's own apiserver with a kubeconfig's credentials, or on a control plane with
 * `kubectl get lease -o json` — as one record, or as a one-line reason it could not be read.
 */
import { request, type Agent } from "node:https";
import { hostOfNode, hostsWithRole, type Host, type Topology } from "../model/host.js";
import type { KubeCredentials, LeaseRef } from "../model/kube-vip.js";

/** The Lease as client-go's LeaseLock keeps it (coordination.k8s.io/v1 spec). Times are the holder's clock. */
export interface LeaseRecord {
  holderIdentity: string | null;
  leaseDurationSeconds: number | null;
  acquireTimeEpochMs: number | null;
  renewTimeEpochMs: number | null;
  leaseTransitions: number;
  resourceVersion: string;
}

export const LEASE_FAILURES = ["forbidden", "unauthorized", "not-found", "unreachable", "timeout", "tls", "http-status", "bad-body"] as const;
export type LeaseFailure = (typeof LEASE_FAILURES)[number];

export type LeaseRead = { ok: true; lease: LeaseRecord } | { ok: false; failure: LeaseFailure; message: string };

/** `2026-12-01T19:27:40.123456Z` (a MicroTime) → epoch ms with its microseconds; null when absent. */
export function parseMicroTime(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!match) return null;
  const whole = Date.parse(`${match[1]}${match[3]}`);
  return Number.isNaN(whole) ? null : whole + (match[2] ? Number(match[2]) * 1000 : 0);
}

/** A Lease object (the apiserver's JSON, or kubectl's `-o json`) → its record; undefined when it is not one. */
export function parseLease(json: string): LeaseRecord | undefined {
  let object: unknown;
  try {
    object = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof object !== "object" || object === null || (object as { kind?: unknown }).kind !== "Lease") return undefined;
  const { spec = {}, metadata = {} } = object as { spec?: Record<string, unknown>; metadata?: Record<string, unknown> };
  const holder = spec.holderIdentity;
  return {
    // client-go's release writes an empty holder: nobody holds it.
    holderIdentity: typeof holder === "string" && holder !== "" ? holder : null,
    leaseDurationSeconds: typeof spec.leaseDurationSeconds === "number" ? spec.leaseDurationSeconds : null,
    acquireTimeEpochMs: parseMicroTime(spec.acquireTime),
    renewTimeEpochMs: parseMicroTime(spec.renewTime),
    leaseTransitions: typeof spec.leaseTransitions === "number" ? spec.leaseTransitions : 0,
    resourceVersion: typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "",
  };
}

/** The Lease's path in the Kubernetes API. */
export const leasePath = (ref: LeaseRef): string => `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/leases/${encodeURIComponent(ref.name)}`;
const path = leasePath;

/** The Status message kube-apiserver sends with a 403 (`… is forbidden: User "…" cannot get resource "leases" …`). */
function statusMessage(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    return typeof status.message === "string" ? status.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GET the Lease from one apiserver: `address` replaces the kubeconfig server's host (each control
 * plane's own apiserver, not only the VIP), while the TLS name checked stays the server's.
 */
export function readLeaseFromApi(credentials: KubeCredentials, address: string, ref: LeaseRef, options: { timeoutMs: number; agent?: Agent }): Promise<LeaseRead> {
  const server = new URL(credentials.server);
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port: server.port === "" ? 443 : Number(server.port),
        path: path(ref),
        method: "GET",
        servername: /^[\d.]+$/.test(server.hostname) ? undefined : server.hostname,
        ca: credentials.caPem,
        cert: credentials.clientCertPem,
        key: credentials.clientKeyPem,
        rejectUnauthorized: !credentials.insecure,
        // The serving certificate names the server's host, which may not be the address dialled.
        checkServerIdentity: () => undefined,
        headers: { accept: "application/json", ...(credentials.token ? { authorization: `Bearer ${credentials.token}` } : {}) },
        agent: options.agent ?? false,
        timeout: options.timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status === 200) {
            const lease = parseLease(body);
            resolve(lease ? { ok: true, lease } : { ok: false, failure: "bad-body", message: `${address}: the answer is not a Lease` });
          } else if (status === 403) {
            resolve({ ok: false, failure: "forbidden", message: statusMessage(body) ?? `${address}: 403 Forbidden` });
          } else if (status === 401) {
            resolve({ ok: false, failure: "unauthorized", message: `${address}: 401 Unauthorized: the apiserver does not accept the credentials of user "${credentials.userName}" in ${credentials.file}` });
          } else if (status === 404) {
            resolve({ ok: false, failure: "not-found", message: statusMessage(body) ?? `${address}: lease ${ref.namespace}/${ref.name} not found` });
          } else {
            resolve({ ok: false, failure: "http-status", message: `${address}: HTTP ${status}${statusMessage(body) ? `: ${statusMessage(body)}` : ""}` });
          }
        });
        res.on("error", (error) => resolve({ ok: false, failure: "unreachable", message: `${address}: ${error.message}` }));
      },
    );
    req.on("timeout", () => {
      req.destroy();
      resolve({ ok: false, failure: "timeout", message: `${address}: no answer within ${options.timeoutMs} ms` });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      const tls = /certificate|SSL|TLS|self.signed/i.test(error.message) || (error.code ?? "").startsWith("ERR_TLS") || (error.code ?? "").includes("CERT");
      resolve({ ok: false, failure: tls ? "tls" : "unreachable", message: `${address}: ${error.message}` });
    });
    req.end();
  });
}

/**
 * kubectl on a control plane, with the kubeconfig that host keeps (kubeadm's admin.conf by
 * default). `get --raw` is one GET of the Lease, with no API discovery before it.
 */
export function kubectlLeaseArgv(ref: LeaseRef, kubeconfig = "/etc/kubernetes/admin.conf"): string[] {
  return ["kubectl", "--kubeconfig", kubeconfig, "--request-timeout=2s", "get", "--raw", path(ref)];
}

/** Read the Lease with kubectl on a control plane, through its transport. */
export async function readLeaseWithKubectl(host: Host, ref: LeaseRef, options: { timeoutMs: number; kubeconfig?: string }): Promise<LeaseRead> {
  const result = await host.transport.exec(kubectlLeaseArgv(ref, options.kubeconfig), { timeoutMs: options.timeoutMs });
  if (result.timedOut) return { ok: false, failure: "timeout", message: `${host.id}: kubectl did not answer within ${options.timeoutMs} ms` };
  if (result.exitCode === 0) {
    const lease = parseLease(result.stdout);
    return lease ? { ok: true, lease } : { ok: false, failure: "bad-body", message: `${host.id}: kubectl printed no Lease` };
  }
  const said = result.stderr.trim().split("\n").at(-1) ?? "";
  const failure: LeaseFailure = /forbidden/i.test(said) ? "forbidden" : /NotFound|not found/.test(said) ? "not-found" : /Unauthorized/i.test(said) ? "unauthorized" : "unreachable";
  return { ok: false, failure, message: `${host.id}: ${said || `kubectl exited ${result.exitCode ?? "?"}`}` };
}

/**
 * kubeadm ≥ 1.29 scopes admin.conf to a ClusterRole bound only once the control plane is reachable
 * (through the VIP kube-vip is meant to bring up): the Lease is forbidden until then.
 */
export function superAdminHint(message: string): string {
  return /cannot get resource "leases"/.test(message)
    ? `${message} — on kubeadm ≥ 1.29, admin.conf is not allowed this until the cluster is bootstrapped: kube-vip on the first control plane needs /etc/kubernetes/super-admin.conf (kube-vip issue 684), and vipdrill a kubeconfig whose user may get leases in kube-system`
    : message;
}

/** The Lease as one control plane serves it, by the topology's access: its apiserver, or kubectl on it. */
export function readLeaseOn(topology: Topology, host: Host, timeoutMs: number, agent?: Agent): Promise<LeaseRead> {
  const setup = topology.kubeVip;
  if (!setup) return Promise.resolve({ ok: false, failure: "not-found", message: `${topology.kind} "${topology.name}" has no kube-vip` });
  return setup.leaseAccess.kind === "api"
    ? readLeaseFromApi(setup.leaseAccess.credentials, host.address, setup.lease, agent === undefined ? { timeoutMs } : { timeoutMs, agent })
    : readLeaseWithKubectl(host, setup.lease, { timeoutMs, kubeconfig: setup.leaseAccess.kubeconfig });
}

/**
 * The Lease from the first control plane that serves it (a cut-off one cannot: no etcd quorum),
 * with its holder's host; the last failure when none does.
 */
export async function readLease(topology: Topology, timeoutMs: number): Promise<LeaseRead & { holderHost?: Host }> {
  let last: LeaseRead = { ok: false, failure: "unreachable", message: "no control plane to read the Lease from" };
  for (const host of hostsWithRole(topology.hosts, "control-plane")) {
    last = await readLeaseOn(topology, host, timeoutMs);
    if (last.ok) {
      const holder = last.lease.holderIdentity === null ? undefined : hostOfNode(topology.hosts, last.lease.holderIdentity);
      return holder === undefined ? last : { ...last, holderHost: holder };
    }
    if (last.failure === "forbidden" || last.failure === "unauthorized") return last;
  }
  return last;
}
