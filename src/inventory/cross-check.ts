import { describeInput } from "../common/duration.js";
import { dotted, type YamlPath } from "../common/yaml-document.js";

export type Report = (path: YamlPath, message: string) => void;
type Loose = Record<string, unknown>;

const isMapping = (v: unknown): v is Loose => v !== null && typeof v === "object" && !Array.isArray(v);
const items = (v: unknown): Loose[] => (Array.isArray(v) ? v.map((x) => (isMapping(x) ? x : {})) : []);
const sshOf = (v: Loose): Loose => (isMapping(v.ssh) ? v.ssh : {});

/**
 * The rules across keys: exactly one of caFile and insecure, ids unique across hosts and jump hosts,
 * a vipInterface where the VIP can live, each role once, haproxyServer on control planes only, jumps
 * to hosts that exist and in no cycle. Run even where fields have errors (`value` may then hold
 * anything), so a file shows all its problems at once.
 */
export function crossCheck(value: unknown, report: Report): void {
  if (!isMapping(value)) return;
  const endpoint = value.endpoint;
  if (isMapping(endpoint) && (endpoint.insecure === undefined || typeof endpoint.insecure === "boolean")) {
    if (endpoint.caFile !== undefined && endpoint.insecure === true) {
      report(["endpoint", "insecure"], "expected false when endpoint.caFile is set (verify against the CA, or drop caFile), got true");
    } else if (endpoint.caFile === undefined && endpoint.insecure !== true) {
      report(["endpoint", "caFile"], "expected the CA certificate that signed the apiserver's serving certificates (or insecure: true), got nothing");
    }
  }

  const hosts = items(value.hosts);
  const jumpHosts = items(value.jumpHosts);

  // kube-vip holds the VIP on the control planes: a load balancer has no place in it.
  const lbRoles = (h: Loose): boolean => Array.isArray(h.roles) && (h.roles as unknown[]).includes("load-balancer");
  if (value.topology === "kube-vip") {
    hosts.forEach((h, i) => {
      if (lbRoles(h)) report(["hosts", i, "roles"], `expected control-plane only with topology kube-vip (kube-vip puts the VIP on the control planes), got ${JSON.stringify(h.roles)}`);
    });
  } else if (value.kubeVip !== undefined && (value.topology === "haproxy-keepalived" || hosts.some(lbRoles))) {
    report(["kubeVip"], "expected no kubeVip settings where Keepalived holds the VIP (topology haproxy-keepalived), got some: set topology: kube-vip, or drop kubeVip");
  }
  const nodes = [
    ...hosts.map((node, i) => ({ node, path: ["hosts", i] as YamlPath })),
    ...jumpHosts.map((node, i) => ({ node, path: ["jumpHosts", i] as YamlPath })),
  ].filter(({ node }) => typeof node.id === "string");

  // Ids: unique across hosts and jump hosts; the later ones are the duplicates.
  const firstWith = new Map<string, YamlPath>();
  for (const { node, path } of nodes) {
    const id = node.id as string;
    const first = firstWith.get(id);
    if (first) report([...path, "id"], `expected an id no other host has, got ${JSON.stringify(id)} (${dotted(first)} has it)`);
    else firstWith.set(id, path);
  }

  // The VIP lives on the load balancers, or on the control planes where there are none (kube-vip).
  const roles = (h: Loose): unknown[] => (Array.isArray(h.roles) ? (h.roles as unknown[]) : []);
  const hasLoadBalancer = hosts.some((h) => roles(h).includes("load-balancer"));
  const carrier = hasLoadBalancer ? "load-balancer" : "control-plane";
  hosts.forEach((h, i) => {
    if (roles(h).includes(carrier) && h.vipInterface === undefined) {
      const where = hasLoadBalancer ? "on a load balancer" : "on a control plane when there is no load balancer (kube-vip)";
      report(["hosts", i, "vipInterface"], `expected the interface that carries the VIP (e.g. eth0) ${where}, got nothing`);
    }
    roles(h).forEach((role, j) => {
      if (roles(h).indexOf(role) < j) report(["hosts", i, "roles", j], `expected each role once, got ${describeInput(role)} again`);
    });
    for (const key of ["haproxySocket", "keepalivedConf"] as const) {
      if (h[key] !== undefined && roles(h).length > 0 && !roles(h).includes("load-balancer")) {
        report(["hosts", i, key], `expected no ${key} on a host that is not a load balancer, got ${describeInput(h[key])}`);
      }
    }
    if (h.haproxyServer !== undefined && roles(h).length > 0 && !roles(h).includes("control-plane")) {
      report(["hosts", i, "haproxyServer"], `expected no haproxyServer on a host that is not a control plane, got ${describeInput(h.haproxyServer)}`);
    }
  });

  // Jumps: to a host that exists, not to itself, and no cycles. A top-level jump is every host's but its target's.
  const topJump = sshOf(value).jump;
  const jumps = new Map<string, { to: string; path: YamlPath }>();
  for (const { node, path } of nodes) {
    const id = node.id as string;
    const own = sshOf(node).jump;
    const jump = own !== undefined ? { to: own, path: [...path, "ssh", "jump"] } : topJump !== id ? { to: topJump, path: ["ssh", "jump"] } : undefined;
    if (jump === undefined || typeof jump.to !== "string") continue;
    if (jump.to === id) {
      report(jump.path, `expected another host to connect through, got ${JSON.stringify(id)} (the host itself)`);
    } else if (!firstWith.has(jump.to)) {
      const known = [...firstWith.keys()].join(", ");
      report(jump.path, `expected the id of a jump host or host (${known}), got ${JSON.stringify(jump.to)}`);
    } else if (!jumps.has(id)) {
      jumps.set(id, { to: jump.to, path: jump.path });
    }
  }
  const reported = new Set<string>();
  for (const [start, { path }] of jumps) {
    const chain = [start];
    let next = jumps.get(start)?.to;
    while (next !== undefined && next !== start && !chain.includes(next)) {
      chain.push(next);
      next = jumps.get(next)?.to;
    }
    if (next !== start) continue;
    const key = [...chain].sort().join(" ");
    if (reported.has(key)) continue;
    reported.add(key);
    report(path, `expected jumps that end at a host reached directly, got a cycle: ${[...chain, start].join(" → ")}`);
  }
}
