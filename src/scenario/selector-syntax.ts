import { ROLES } from "../targets/host.js";
import type { Selector } from "./types.js";

export const SELECTOR_HELP = "vip-owner, vip-backup, role:control-plane, role:load-balancer or a host id such as cp-1";

/** Parse a target selector; undefined when it is not one. */
export function parseSelector(text: string): Selector | undefined {
  if (text === "vip-owner") return { kind: "vip-owner" };
  if (text === "vip-backup") return { kind: "vip-backup" };
  if (text.startsWith("role:")) {
    const role = text.slice("role:".length);
    return (ROLES as readonly string[]).includes(role) ? { kind: "role", role: role as (typeof ROLES)[number] } : undefined;
  }
  // A host id: like a hostname, and not a near miss of a keyword ("vip-ownr").
  if (/^[a-z0-9][a-z0-9._-]*$/.test(text) && !text.startsWith("vip-") && !text.startsWith("role")) return { kind: "host", id: text };
  return undefined;
}
