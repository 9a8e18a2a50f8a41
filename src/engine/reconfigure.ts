/**
 * Relabel a running lab between drills (today's configuration, then the proposed one; a sweep's
 * combinations): write the balancers' files, restart Keepalived and reload HAProxy, and wait until
 * everything is healthy with the VIP back on the intended master and staying there.
 */
import { performance } from "node:perf_hooks";
import { sleep } from "../common/clock.js";
import { LabError } from "../common/errors.js";
import type { ConfigDaemon } from "../model/config-under-test.js";
import type { Host, Topology } from "../model/host.js";
import { waitForSteadyState } from "./repeat.js";

export interface BalancerFile {
  daemon: ConfigDaemon;
  path: string;
  content: string;
  mode: number;
}

export interface ReconfigureOptions {
  /** The host the VIP must settle on; null: any one owner. */
  master: string | null;
  /**
   * How long the VIP must then stay put: a balancer restarted last can still win an election a few
   * adverts later (3 advert intervals cover a master-down timer).
   */
  settleMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

/** What each daemon needs to read a new file: Keepalived is restarted (a reload keeps some timers), HAProxy reloaded (seamless). */
const APPLY: Record<ConfigDaemon, (host: Host) => string[]> = {
  haproxy: () => ["systemctl", "reload", "haproxy"],
  keepalived: () => ["systemctl", "restart", "keepalived"],
};

async function mustRun(host: Host, argv: string[], what: string, stdin?: string): Promise<void> {
  const result = await host.transport.exec(argv, { timeoutMs: 30_000, ...(stdin !== undefined && { stdin }) });
  if (result.exitCode !== 0) {
    throw new LabError("VIPDRILL_LAB_RECONFIGURE", `${host.id}: ${what} failed (exit ${result.exitCode ?? "none"}): ${(result.stderr || result.stdout).trim().split("\n").slice(-3).join(" / ")}`);
  }
}

/** Returns how long it took until the lab was steady again (ms). */
export async function reconfigureBalancers(topology: Topology, files: ReadonlyMap<string, readonly BalancerFile[]>, options: ReconfigureOptions): Promise<number> {
  const started = performance.now();
  const hosts = topology.hosts.filter((h) => files.has(h.id));
  await Promise.all(
    hosts.map(async (host) => {
      for (const file of files.get(host.id) ?? []) await mustRun(host, ["install", "-D", "-m", file.mode.toString(8), "/dev/stdin", file.path], `writing ${file.path}`, file.content);
    }),
  );
  // HAProxy first: Keepalived's check goes through it.
  for (const daemon of ["haproxy", "keepalived"] as const) {
    const changed = hosts.filter((h) => (files.get(h.id) ?? []).some((f) => f.daemon === daemon));
    options.progress?.(`${daemon}: ${daemon === "haproxy" ? "reloading" : "restarting"} on ${changed.map((h) => h.id).join(", ") || "no balancer"}`);
    await Promise.all(changed.map((host) => mustRun(host, APPLY[daemon](host), APPLY[daemon](host).join(" "))));
  }
  const wait = { timeoutMs: options.timeoutMs, ...(options.signal && { signal: options.signal }), ...(options.progress && { progress: options.progress }) };
  await waitForSteadyState(topology, options.master, wait);
  await sleep(options.settleMs, options.signal);
  await waitForSteadyState(topology, options.master, wait);
  return performance.now() - started;
}
