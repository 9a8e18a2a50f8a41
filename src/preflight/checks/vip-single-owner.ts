import { linkCarries, parseIpMonitorLine } from "../../host-tools/ip-monitor.js";
import type { Host } from "../../model/host.js";
import { vipCandidateHosts } from "../../model/host.js";
import { execFailure, execOn, listing, sameIp, unreachable, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

/** Interfaces carrying `vip` per `ip -o addr show` (IPv4 or IPv6). */
export function interfacesWithAddress(ipAddr: string, vip: string): string[] {
  const found = new Set<string>();
  for (const line of ipAddr.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const family = fields[2];
    if (family !== "inet" && family !== "inet6") continue;
    const address = fields[3]?.split("/")[0];
    if (address !== undefined && fields[1] !== undefined && sameIp(address, vip)) found.add(fields[1].replace(/@.*$/, ""));
  }
  return [...found];
}

/** Interfaces that carry traffic per `ip -o link show`: up and with a carrier (as the VIP observer reads them). */
export function upInterfaces(ipLink: string): Set<string> {
  const up = new Set<string>();
  for (const line of ipLink.split("\n")) {
    const link = parseIpMonitorLine(line);
    if (link?.kind === "link" && linkCarries(link)) up.add(link.dev);
  }
  return up;
}

export type HolderProbe = { id: string; holds: boolean; seen: string } | { id: string; error: string };

async function probeHolder(context: CheckContext, host: Host): Promise<HolderProbe> {
  const { vip } = context.topology.endpoint;
  try {
    const [addr, link] = await Promise.all([execOn(context, host, ["ip", "-o", "addr", "show"]), execOn(context, host, ["ip", "-o", "link", "show"])]);
    if (addr.exitCode !== 0) return { id: host.id, error: `ip addr: ${execFailure(addr)}` };
    if (link.exitCode !== 0) return { id: host.id, error: `ip link: ${execFailure(link)}` };
    const on = interfacesWithAddress(addr.stdout, vip);
    const up = upInterfaces(link.stdout);
    const held = on.filter((i) => up.has(i));
    if (held.length > 0) return { id: host.id, holds: true, seen: `holds ${vip} (${held.join(", ")})` };
    if (on.length > 0) return { id: host.id, holds: false, seen: `has ${vip} on ${on.join(", ")}, but the link is down or has no carrier (not held)` };
    return { id: host.id, holds: false, seen: "does not hold it" };
  } catch (error) {
    return { id: host.id, error: unreachable(error) };
  }
}

/** Exactly one holder among the candidates, and every candidate answered. */
export function judgeHolders(vip: string, probes: readonly HolderProbe[]): { status: "pass" | "fail"; seen: string; hosts: HostFinding[] } {
  const holders = probes.filter((p) => "holds" in p && p.holds).map((p) => p.id);
  const failedToAnswer = probes.filter((p) => "error" in p);
  const hosts: HostFinding[] = probes.map((p) => {
    if ("error" in p) return { id: p.id, status: "fail", seen: p.error };
    const alone = holders.length === 1;
    return { id: p.id, status: p.holds && !alone ? "fail" : "pass", seen: p.seen };
  });
  let headline: string;
  if (holders.length === 1) headline = `${holders[0]!} holds ${vip}`;
  else if (holders.length === 0) headline = `no host holds ${vip} (looked on ${listing(probes.map((p) => p.id))})`;
  else headline = `${vip} held by ${listing(holders)} at once (split brain)`;
  const details = hosts.filter((h) => !holders.includes(h.id) || holders.length > 1).map((h) => `${h.id} ${h.seen}`);
  const ok = holders.length === 1 && failedToAnswer.length === 0;
  return { status: ok ? "pass" : "fail", seen: [headline, ...details].join("; "), hosts };
}

/** The runbook (monitoring: loss of VIP) and the split-brain invariant: exactly one host holds the VIP. */
export const vipSingleOwnerCheck: CheckDefinition = {
  id: "vip-single-owner",
  title: "exactly one host holds the VIP",
  async run(context) {
    const candidates = vipCandidateHosts(context.topology);
    if (candidates.length === 0) return { status: "fail", seen: "no host can hold the VIP (no load balancers, no control planes)" };
    const probes = await Promise.all(candidates.map((host) => probeHolder(context, host)));
    return judgeHolders(context.topology.endpoint.vip, probes);
  },
};
