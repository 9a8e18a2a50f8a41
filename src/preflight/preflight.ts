/**
 * `preflight`: the runbook's prerequisites as checks against any Topology (the docker lab or an
 * SSH inventory). Hosts are reached only through their transports; the endpoint over TLS/HTTPS.
 * Each check has its own deadline and catches its own errors, so one bad host never hides the others.
 */
import { getMaxListeners, setMaxListeners } from "node:events";
import { AbortedError, errorMessage } from "../common/errors.js";
import { sleep } from "../common/clock.js";
import { balancerConfig } from "../host-tools/balancer-config.js";
import { hostsWithRole, type Topology } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { certificateSansCheck } from "./checks/certificate-sans.js";
import type { CheckContext, CheckDefinition, CheckOutcome, CheckStatus, HostFinding, Resolver } from "./checks/context.js";
import { dnsCheck, systemResolver } from "./checks/dns.js";
import { daemonConfigCheck } from "./checks/daemon-config.js";
import { haproxyBackendsCheck } from "./checks/haproxy-backends.js";
import { predictedFailoverCheck } from "./checks/predicted-failover.js";
import { kubeVipLeaseCheck } from "./checks/kube-vip-lease.js";
import { kubeVipManifestCheck } from "./checks/kube-vip-manifest.js";
import { observersCheck } from "./checks/observers.js";
import { versionCheck } from "./checks/version.js";
import { vipSingleOwnerCheck } from "./checks/vip-single-owner.js";
import { vrrpAuthCheck } from "./checks/vrrp-auth.js";

export type { CheckStatus, HostFinding, Resolver } from "./checks/context.js";
export { renderPreflight, renderPreflightLines } from "./render.js";

export type PreflightCheckId =
  | "dns"
  | "certificate-sans"
  | "version"
  | "vrrp-auth"
  | "haproxy-backends"
  | "kube-vip-manifest"
  | "kube-vip-lease"
  | "daemon-config"
  | "predicted-failover"
  | "vip-single-owner"
  | "observers";

export interface PreflightCheck {
  id: PreflightCheckId;
  title: string;
  status: CheckStatus;
  /** What was seen, one line. */
  seen: string;
  /** Per host (or `VIP`: through the VIP), where the check looked at several. */
  hosts?: HostFinding[];
  durationMs: number;
}

export interface PreflightResult {
  /** `lab "vipdrill"` / `inventory "prod-eu"`. */
  target: string;
  checks: PreflightCheck[];
  durationMs: number;
}

export interface PreflightOptions {
  signal?: AbortSignal;
  /** Per check (default 5 s). */
  timeoutMs?: number;
  /** Name → addresses; the system resolver (getaddrinfo) by default. Tests inject one. */
  resolver?: Resolver;
  /** The drills about to run: their faults' predicted windows are set against their budgets (none: a link pull against the runbook's 5 s). */
  scenarios?: readonly Scenario[];
}

export const DEFAULT_CHECK_TIMEOUT_MS = 5_000;

/** The checks, in the order they are reported. */
export const PREFLIGHT_CHECKS: readonly CheckDefinition[] = [
  dnsCheck,
  certificateSansCheck,
  versionCheck,
  vrrpAuthCheck,
  haproxyBackendsCheck,
  kubeVipManifestCheck,
  kubeVipLeaseCheck,
  daemonConfigCheck,
  predictedFailoverCheck,
  vipSingleOwnerCheck,
  observersCheck,
];

/** Run every check (in parallel: they are independent) and report them in order. */
export async function runPreflight(topology: Topology, options: PreflightOptions = {}): Promise<PreflightResult> {
  const started = performance.now();
  if (options.signal?.aborted) throw new AbortedError("interrupted before preflight");
  await askBalancersOnce(topology, options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, options.signal);
  // Each check listens for the caller's abort while it runs: allow them all without Node's leak warning.
  if (options.signal) setMaxListeners(getMaxListeners(options.signal) + PREFLIGHT_CHECKS.length, options.signal);
  const checks = await Promise.all(PREFLIGHT_CHECKS.map((check) => runCheck(check, topology, options)));
  if (options.signal?.aborted) throw new AbortedError("interrupted during preflight");
  return { target: `${topology.kind} "${topology.name}"`, checks, durationMs: performance.now() - started };
}

/**
 * Where each real balancer's daemons read their configuration is asked once, before the checks
 * that share the answer (balancerConfig keeps it per connection), within one check's time: so each
 * check's deadline measures its own work. A balancer that does not answer is left to the checks,
 * which name it.
 */
async function askBalancersOnce(topology: Topology, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  if (topology.kind !== "inventory") return;
  const done = new AbortController();
  // Whichever comes first: every balancer answered, the time is up, the caller aborted.
  void Promise.allSettled(hostsWithRole(topology.hosts, "load-balancer").map((host) => balancerConfig(host, topology))).then(() => done.abort());
  await sleep(timeoutMs, signal ? AbortSignal.any([signal, done.signal]) : done.signal);
}

/** True when any check failed (skips do not fail a preflight). */
export function preflightFailed(result: PreflightResult): boolean {
  return result.checks.some((c) => c.status === "fail");
}

/**
 * One check under its own deadline. Whatever it throws becomes a failure with the message; when the
 * deadline passes first, the failure names what was still awaited (a host that did not answer).
 */
export async function runCheck(check: CheckDefinition, topology: Topology, options: PreflightOptions = {}): Promise<PreflightCheck> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const started = performance.now();
  const deadline = started + timeoutMs;
  const controller = new AbortController();
  let resolveAborted: (outcome: CheckOutcome) => void = () => undefined;
  const aborted = new Promise<CheckOutcome>((resolve) => (resolveAborted = resolve));
  const onOuterAbort = (): void => {
    controller.abort(options.signal?.reason);
    resolveAborted({ status: "fail", seen: "aborted" });
  };
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const pending = new Map<string, number>();
  const context: CheckContext = {
    topology,
    signal: controller.signal,
    resolver: options.resolver ?? systemResolver,
    scenarios: options.scenarios ?? [],
    remainingMs: () => Math.max(1, Math.floor(deadline - performance.now())),
    async on(who, work) {
      pending.set(who, (pending.get(who) ?? 0) + 1);
      try {
        return await work;
      } finally {
        const left = (pending.get(who) ?? 1) - 1;
        if (left > 0) pending.set(who, left);
        else pending.delete(who);
      }
    },
  };
  let timer: NodeJS.Timeout | undefined;
  // A little grace past the deadline: operations given the remaining time report their own
  // timeouts (with detail) first; the race only catches one that ignores its timeout.
  const timedOut = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      const waiting = [...pending.keys()];
      controller.abort(new Error("preflight check timed out"));
      resolve({
        status: "fail",
        seen: `timed out after ${formatSeconds(timeoutMs)}${waiting.length > 0 ? `, no answer from ${waiting.join(", ")}` : ""}`,
      });
    }, timeoutMs + 250);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([
      check.run(context).catch((error: unknown): CheckOutcome => ({ status: "fail", seen: `check failed: ${errorMessage(error)}` })),
      timedOut,
      aborted,
    ]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    if (!controller.signal.aborted) controller.abort(new Error("preflight check finished"));
  }
  return {
    id: check.id as PreflightCheckId,
    title: check.title,
    status: outcome.status,
    seen: oneLine(outcome.seen),
    ...(outcome.hosts ? { hosts: outcome.hosts.map((h) => ({ ...h, seen: oneLine(h.seen) })) } : {}),
    durationMs: performance.now() - started,
  };
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, " ").trim();

const formatSeconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
