import { UsageError } from "../common/errors.js";
import { ROLES, vipCandidateHosts, type Host, type Role, type Topology } from "../model/host.js";
import { HOST_ID, HOST_ID_PATTERN } from "../model/host-id.js";
import { FAULT_TARGETS, type FaultSpec, type Selector } from "../model/scenario.js";

export const SELECTOR_HELP = "vip-owner, vip-backup, kube-vip-leader, role:control-plane, role:load-balancer or a host id such as cp-1";

/** The selector grammar for editors (JSON Schema `pattern`), the same as trySelector: a keyword, a role, or a host id. */
export const SELECTOR_PATTERN = `^(vip-owner|vip-backup|kube-vip-leader|role:(${ROLES.join("|")})|${HOST_ID_PATTERN})$`;

/** Parse a target selector; undefined when it is not one. Host ids are checked for syntax only. */
export function trySelector(text: string): Selector | undefined {
  if (text === "vip-owner") return { kind: "vip-owner" };
  if (text === "vip-backup") return { kind: "vip-backup" };
  if (text === "kube-vip-leader") return { kind: "kube-vip-leader" };
  if (text.startsWith("role:")) {
    const role = text.slice("role:".length);
    return isRole(role) ? { kind: "role", role } : undefined;
  }
  if (HOST_ID.test(text)) return { kind: "host", id: text };
  return undefined;
}

/** Parse a target selector (`vip-owner`, `role:control-plane`, `cp-1`, …); a UsageError otherwise. */
export function parseSelector(text: string): Selector {
  const selector = trySelector(text);
  if (!selector) throw new UsageError("VIPDRILL_SELECTOR_INVALID", selectorMessage(text));
  return selector;
}

export function selectorMessage(got: string): string {
  return `expected ${SELECTOR_HELP}, got ${JSON.stringify(got)}`;
}

/** "control planes", "load balancers". */
export const rolePlural = (role: Role): string => `${role.replace("-", " ")}s`;

function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/**
 * The hosts a fault acts on, from its selector and who holds the VIP at the start of the drill,
 * narrowed by `pick` (first by host id, random, all). Errors name what was looked for and what there is.
 */
export function resolveTargets(
  fault: FaultSpec,
  topology: Topology,
  vip: { owner: string | null; holders: string[]; leaseHolder?: string | null },
  random: () => number = Math.random,
): Host[] {
  const byId = [...topology.hosts].sort((a, b) => a.id.localeCompare(b.id));
  const known = byId.map((h) => h.id).join(", ");
  const where = `${topology.kind} "${topology.name}"`;
  const holders = [...new Set(vip.holders.length > 0 ? vip.holders : vip.owner !== null ? [vip.owner] : [])].sort();
  const selector = fault.selector;
  let selected: Host[];
  switch (selector.kind) {
    case "vip-owner": {
      const candidates = vipCandidateHosts(topology)
        .map((h) => h.id)
        .sort();
      if (holders.length === 0) {
        throw new UsageError(
          "VIPDRILL_NO_VIP_OWNER",
          `fault.target vip-owner: no host holds the VIP ${topology.endpoint.vip} (looked on ${candidates.join(", ") || "no host"}), so there is no owner to fault`,
        );
      }
      if (holders.length > 1) {
        throw new UsageError(
          "VIPDRILL_SEVERAL_VIP_OWNERS",
          `fault.target vip-owner: the VIP ${topology.endpoint.vip} is held by ${holders.join(" and ")} at once (split brain), so there is no single owner to fault`,
        );
      }
      const owner = holders[0]!;
      selected = byId.filter((h) => h.id === owner);
      if (selected.length === 0) {
        throw new UsageError("VIPDRILL_UNKNOWN_HOST", `fault.target vip-owner: the VIP is held by "${owner}", which is not a host of ${where} (hosts: ${known})`);
      }
      break;
    }
    case "vip-backup":
      selected = vipCandidateHosts(topology)
        .filter((h) => !holders.includes(h.id))
        .sort((a, b) => a.id.localeCompare(b.id));
      break;
    case "kube-vip-leader": {
      if (topology.vipManager !== "kube-vip") {
        throw new UsageError("VIPDRILL_SELECTOR_TOPOLOGY", `fault.target kube-vip-leader: ${where} holds its VIP with Keepalived, not kube-vip; use vip-owner`);
      }
      const holder = vip.leaseHolder ?? null;
      const lease = topology.kubeVip ? `${topology.kubeVip.lease.namespace}/${topology.kubeVip.lease.name}` : "kube-vip's Lease";
      if (holder === null) throw new UsageError("VIPDRILL_NO_LEASE_HOLDER", `fault.target kube-vip-leader: nobody holds ${lease} now, so there is no leader to fault`);
      selected = byId.filter((h) => (h.nodeName ?? h.id) === holder);
      if (selected.length === 0) {
        throw new UsageError("VIPDRILL_UNKNOWN_HOST", `fault.target kube-vip-leader: ${lease} is held by "${holder}", which is no host's node name in ${where} (hosts: ${known}; set nodeName in the inventory)`);
      }
      break;
    }
    case "role":
      selected = byId.filter((h) => h.roles.includes(selector.role));
      break;
    case "host":
      selected = byId.filter((h) => h.id === selector.id);
      if (selected.length === 0) {
        throw new UsageError("VIPDRILL_UNKNOWN_HOST", `fault.target: no host "${selector.id}" in ${where} (hosts: ${known})`);
      }
      break;
  }
  if (selected.length === 0) {
    throw new UsageError("VIPDRILL_NO_TARGET", `fault.target ${fault.target}: selects no host in ${where} (hosts: ${known})`);
  }
  const role = FAULT_TARGETS[fault.type];
  if (role !== "any") {
    const wrong = selected.filter((h) => !h.roles.includes(role));
    if (wrong.length > 0) {
      throw new UsageError(
        "VIPDRILL_TARGET_ROLE",
        `fault.target ${fault.target}: ${fault.type} acts on ${rolePlural(role)}, but ${wrong.map((h) => `${h.id} is a ${h.roles.join(" and ") || "host without a role"}`).join(", ")}`,
      );
    }
  }
  if (fault.pick === "all") return selected;
  if (fault.pick === "random") return [selected[Math.min(selected.length - 1, Math.floor(random() * selected.length))]!];
  return [selected[0]!];
}
