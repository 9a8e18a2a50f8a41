/**
 * A balancer tier's timers read from the hosts themselves (an inventory): each balancer's
 * keepalived.conf where its Keepalived reads it, and HAProxy's checks from the files its HAProxy
 * reads (balancer-config.ts), for the predicted windows.
 */
import { hostsWithRole, type Topology } from "../model/host.js";
import type { KeepalivedSetup } from "../model/keepalived.js";
import { balancerConfig } from "./balancer-config.js";
import { haproxyChecksOf } from "./haproxy-checks.js";
import { keepalivedSetupOf, vrrpInstanceFor, type VrrpInstanceConf } from "./keepalived-timings.js";

/** The tier's timers, or what stands in the way, one phrase per balancer ("lb-1: cannot read …"). */
export async function readBalancerTimings(topology: Topology): Promise<KeepalivedSetup | string> {
  const balancers = hostsWithRole(topology.hosts, "load-balancer");
  const read = await Promise.all(
    balancers.map(async (host): Promise<{ hostId: string; instance: VrrpInstanceConf; config: Awaited<ReturnType<typeof balancerConfig>> } | string> => {
      const config = await balancerConfig(host, topology);
      if ("error" in config.keepalived) return `${host.id}: ${config.keepalived.error}`;
      const instance = vrrpInstanceFor(config.keepalived.loaded.statements, topology.endpoint.vip);
      return typeof instance === "string" ? `${host.id}: ${instance}` : { hostId: host.id, instance, config };
    }),
  );
  const problems = read.filter((r): r is string => typeof r === "string");
  if (problems.length > 0) return problems.join("; ");
  const found = read.filter((r) => typeof r !== "string");
  const haproxy = found.map((f) => f.config.haproxy).find((h) => h !== undefined && "lines" in h);
  const checks = haproxy && "lines" in haproxy ? haproxyChecksOf(haproxy.lines, topology.haproxy.backend) : undefined;
  return keepalivedSetupOf(found, checks, `keepalived.conf${checks ? " and haproxy.cfg" : ""} on ${found.map((f) => f.hostId).join(", ")}`) ?? "no load balancer to read a keepalived.conf on";
}
