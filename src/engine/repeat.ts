/**
 * Between the iterations of a repeated drill the lab must be back where the first one started: the
 * VIP on its intended master (Keepalived: the host that held it before the first iteration, lb-1 in
 * the lab; kube-vip has no intended leader: one node holding both the Lease and the VIP) and
 * everything healthy. How long that took is reported per iteration (the failback wait).
 */
import { performance } from "node:perf_hooks";
import { sleep } from "../common/clock.js";
import { AbortedError, LabError } from "../common/errors.js";
import type { Topology } from "../model/host.js";
import { readinessGaps, vipHolders } from "./readiness.js";

/** Polled this often: each check is itself a round of commands, so the wait costs at most about two of them. */
const POLL_MS = 100;

/** The host the VIP must be back on between iterations; null where any one owner will do (kube-vip). */
export async function intendedVipOwner(topology: Topology): Promise<string | null> {
  if (topology.vipManager === "kube-vip") return null;
  const holders = await vipHolders(topology);
  return holders.length === 1 ? holders[0]! : null;
}

/** Waits until the lab is healthy with the VIP on `owner` (any single owner when null); returns how long that took (ms). */
export async function waitForSteadyState(
  topology: Topology,
  owner: string | null,
  options: { signal?: AbortSignal; timeoutMs: number; progress?: (message: string) => void },
): Promise<number> {
  const started = performance.now();
  let gaps: string[] = [];
  while (performance.now() - started < options.timeoutMs) {
    if (options.signal?.aborted) throw new AbortedError("interrupted while waiting for the VIP to come back between iterations");
    gaps = await steadyStateGaps(topology, owner);
    if (gaps.length === 0) return performance.now() - started;
    options.progress?.(`waiting for the next iteration: ${gaps.join("; ")}`);
    await sleep(POLL_MS, options.signal);
  }
  const where = owner === null ? "one owner" : owner;
  throw new LabError(
    "VIPDRILL_NOT_BACK",
    `the VIP did not come back to ${where} with everything healthy within ${options.timeoutMs / 1000} s (${gaps.join("; ")}): ` +
      "a repeated drill needs it back where it started (Keepalived preemption); the iterations so far are reported",
  );
}

async function steadyStateGaps(topology: Topology, owner: string | null): Promise<string[]> {
  // The owner first: it is two commands per host, and the usual reason to wait.
  const holders = await vipHolders(topology);
  if (owner !== null && (holders.length !== 1 || holders[0] !== owner)) return [`VIP on ${holders.join("+") || "no host"}, not yet back on ${owner}`];
  return readinessGaps(topology, holders);
}
