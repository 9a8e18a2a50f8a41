/**
 * The versions of Keepalived and HAProxy on each load balancer, as the hosts tell them, for the
 * history file: a trend that moves with an upgrade should say so. Best effort: a host that does not
 * answer in time, or a binary that is not there, is simply left out.
 */
import { hostsWithRole, type Host, type Topology } from "../model/host.js";

/** Per host id, per program, the version it reports ("2.2.7", "2.6.12-1+deb12u1"). */
export type HostVersions = Record<string, Partial<Record<"keepalived" | "haproxy", string>>>;

const PROGRAMS = {
  // Keepalived prints "Keepalived v2.2.7 (01/16,2022)" to stderr.
  keepalived: { argv: ["keepalived", "--version"], pattern: /Keepalived v(\S+)/ },
  // "HAProxy version 2.6.12-1+deb12u1 2023/12/16 - https://haproxy.org/"
  haproxy: { argv: ["haproxy", "-v"], pattern: /HA-?Proxy version (\S+)/i },
} as const;

export async function hostVersions(topology: Topology, timeoutMs = 2000): Promise<HostVersions> {
  const hosts = hostsWithRole(topology.hosts, "load-balancer");
  const entries = await Promise.all(hosts.map(async (host) => [host.id, await versionsOn(host, timeoutMs)] as const));
  return Object.fromEntries(entries.filter(([, versions]) => Object.keys(versions).length > 0));
}

async function versionsOn(host: Host, timeoutMs: number): Promise<HostVersions[string]> {
  const found: HostVersions[string] = {};
  await Promise.all(
    (Object.keys(PROGRAMS) as Array<keyof typeof PROGRAMS>).map(async (program) => {
      const { argv, pattern } = PROGRAMS[program];
      try {
        const result = await host.transport.exec(argv, { timeoutMs });
        const version = pattern.exec(`${result.stdout}\n${result.stderr}`)?.[1];
        if (version !== undefined) found[program] = version;
      } catch {
        // An unreachable host has no version to tell; the history line is written all the same.
      }
    }),
  );
  return found;
}
