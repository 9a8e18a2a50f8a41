import { sleep } from "../common/clock.js";
import { AbortedError, LabError } from "../common/errors.js";
import { parseShowStat, runtimeCall } from "../host-tools/haproxy-runtime.js";
import { linkCarries, parseIpMonitorLine } from "../host-tools/ip-monitor.js";
import { probeOnce } from "../probes/https-probe.js";
import { readLease } from "../host-tools/lease-client.js";
import { vipCandidateHosts } from "../model/host.js";
import { interfaceNames } from "../host-tools/interfaces.js";
import type { Topology } from "../model/host.js";

/** Wait until the endpoint and every backend are healthy: a drill starts only from a steady state. */
export async function waitUntilHealthy(
  topology: Topology,
  options: { signal?: AbortSignal; timeoutMs: number; progress?: (message: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let gaps: string[] = [];
  while (Date.now() < deadline) {
    if (options.signal?.aborted) throw new AbortedError("interrupted while waiting for a healthy endpoint");
    gaps = await readinessGaps(topology);
    if (gaps.length === 0) return;
    options.progress?.(`waiting for a healthy ${topology.kind}: ${gaps.join("; ")}`);
    await sleep(200, options.signal);
  }
  throw new LabError(
    "VIPDRILL_NOT_HEALTHY",
    `${topology.kind} "${topology.name}" not healthy after ${options.timeoutMs / 1000} s: ${gaps.join("; ")}`,
  );
}

/**
 * What is not healthy yet, as short phrases; empty when the endpoint and every backend are.
 * `holders`: the VIP's holders when the caller has just read them (repeat.ts), to save a round.
 */
export async function readinessGaps(topology: Topology, holdersNow?: readonly string[]): Promise<string[]> {
  const { endpoint } = topology;
  const gaps: string[] = [];
  const checks = topology.hosts.map(async (host) => {
    if (host.roles.includes("control-plane")) {
      const r = await probeOnce({
        address: host.address,
        port: endpoint.port,
        servername: endpoint.dns,
        path: "/healthz",
        caPem: endpoint.caPem,
        expect: "ok",
        timeoutMs: 1000,
      });
      if (r.outcome !== "ok") gaps.push(`${host.id} apiserver ${r.outcome}`);
    }
    if (host.roles.includes("load-balancer")) {
      // A socket waiting cannot fix (none at admin level, no such socket, permission denied) throws at once.
      const stat = await runtimeCall(host, topology, "show stat", { timeoutMs: 3000 });
      if (typeof stat === "string") {
        gaps.push(`${host.id} ${stat}`);
        return;
      }
      const down = parseShowStat(stat.stdout)
        .filter((row) => row.backend === topology.haproxy.backend && row.server !== "BACKEND" && row.status !== "UP")
        .map((row) => `${row.server}=${row.status}`);
      if (stat.exitCode !== 0) gaps.push(`${host.id} haproxy runtime API unavailable`);
      else if (down.length > 0) gaps.push(`${host.id} haproxy backends ${down.join(",")}`);
    }
  });
  await Promise.all(checks);
  const holders = holdersNow ?? (await vipHolders(topology));
  if (holders.length !== 1) gaps.push(`VIP ${endpoint.vip} held by ${holders.length} hosts (${holders.join(",") || "none"})`);
  if (topology.vipManager === "kube-vip") {
    // kube-vip is steady once one control plane holds both the Lease and the VIP.
    const lease = await readLease(topology, 2000);
    if (!lease.ok) gaps.push(`kube-vip Lease: ${lease.message}`);
    else if (lease.lease.holderIdentity === null) gaps.push("kube-vip Lease held by nobody");
    else if (lease.holderHost?.id !== holders[0] || holders.length !== 1) gaps.push(`kube-vip Lease held by ${lease.lease.holderIdentity}, VIP on ${holders.join(",") || "none"}`);
  }
  if (gaps.length === 0) {
    const r = await probeOnce({
      address: endpoint.vip,
      port: endpoint.port,
      servername: endpoint.dns,
      path: "/version",
      caPem: endpoint.caPem,
      expect: "version",
      timeoutMs: 1000,
    });
    if (r.outcome !== "ok") gaps.push(`VIP /version ${r.outcome}`);
  }
  return gaps.sort();
}

/** VIP candidates (see vipCandidateHosts) holding the VIP on an interface that is up, per `ip -o addr` and `ip -o link`. */
export async function vipHolders(topology: Topology): Promise<string[]> {
  const held = await Promise.all(
    vipCandidateHosts(topology).map(async (host) => {
      const addr = await host.transport.exec(["ip", "-o", "-4", "addr", "show"], { timeoutMs: 5000 });
      const link = await host.transport.exec(["ip", "-o", "link", "show", "dev", host.vipInterface], { timeoutMs: 5000 });
      const hasVip = addr.stdout.split("\n").some((line) => line.includes(` ${topology.endpoint.vip}/`));
      return hasVip && linkCarries(parseIpMonitorLine(link.stdout.split("\n")[0] ?? "")) ? host.id : undefined;
    }),
  );
  return held.filter((id): id is string => id !== undefined).sort();
}

/**
 * VIP candidates whose vipInterface does not exist, as one phrase each naming the interfaces the
 * host has: checked right after connecting, so a typo in an inventory fails at once and clearly.
 */
export async function missingVipInterfaces(topology: Topology): Promise<string[]> {
  const missing = await Promise.all(
    vipCandidateHosts(topology).map(async (host) => {
      const link = await host.transport.exec(["ip", "-o", "link", "show", "dev", host.vipInterface || "(none)"], { timeoutMs: 5000 });
      if (link.exitCode === 0) return undefined;
      const names = (await interfaceNames(host)).join(", ");
      return `${host.id} has no interface "${host.vipInterface}" (vipInterface; it has: ${names || "?"})`;
    }),
  );
  return missing.filter((m): m is string => m !== undefined);
}

/** What the docker lab provider needs to know a lab is ready (it stands below the engine). */
export const LAB_READINESS = { waitUntilHealthy, vipHolders } as const;
