import { UsageError } from "../common/errors.js";
import type { Host, Topology } from "../targets/host.js";
import type { FaultSpec } from "./types.js";

export { parseSelector, SELECTOR_HELP } from "./selector-syntax.js";

/**
 * The hosts a fault acts on, from its selector and the VIP's holders at the start of the drill,
 * then narrowed by `pick`. Errors name what was looked for and what there is.
 */
export function resolveTargets(
  fault: FaultSpec,
  topology: Topology,
  vip: { owner: string | null; holders: string[] },
  random: () => number = Math.random,
): Host[] {
  const byId = [...topology.hosts].sort((a, b) => a.id.localeCompare(b.id));
  const selector = fault.selector;
  let selected: Host[];
  switch (selector.kind) {
    case "vip-owner":
      if (vip.holders.length !== 1 || vip.owner === null) {
        throw new UsageError(
          "VIPDRILL_NO_VIP_OWNER",
          `fault.target vip-owner: the VIP ${topology.endpoint.vip} is held by ${vip.holders.length === 0 ? "no host" : vip.holders.join(" and ")}, so there is no single owner to fault`,
        );
      }
      selected = byId.filter((h) => h.id === vip.owner);
      break;
    case "vip-backup":
      selected = byId.filter((h) => h.roles.includes("load-balancer") && !vip.holders.includes(h.id));
      break;
    case "role":
      selected = byId.filter((h) => h.roles.includes(selector.role));
      break;
    case "host":
      selected = byId.filter((h) => h.id === selector.id);
      if (selected.length === 0) {
        throw new UsageError(
          "VIPDRILL_UNKNOWN_HOST",
          `fault.target: no host "${selector.id}" in ${topology.kind} "${topology.name}" (hosts: ${byId.map((h) => h.id).join(", ")})`,
        );
      }
      break;
  }
  if (selected.length === 0) {
    throw new UsageError("VIPDRILL_NO_TARGET", `fault.target ${fault.target}: selects no host in ${topology.kind} "${topology.name}"`);
  }
  if (fault.pick === "all") return selected;
  if (fault.pick === "random") return [selected[Math.floor(random() * selected.length)]!];
  return [selected[0]!];
}
