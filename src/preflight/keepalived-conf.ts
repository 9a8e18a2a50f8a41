/** How keepalived.conf's VRRP instances guard their adverts (the parser itself is host-tools/keepalived-conf.ts). */
import type { ConfStatement } from "../host-tools/keepalived-conf.js";

export { loadKeepalivedConf, parseKeepalivedConf, type ConfSource, type ConfStatement, type LoadedConf } from "../host-tools/keepalived-conf.js";

/** How one vrrp_instance guards its adverts. */
export interface VrrpInstanceAuth {
  name: string;
  file: string;
  line: number;
  /** `auth_type` of its authentication block, as written (undefined: no authentication block). */
  authType?: string;
  /** An authentication block without auth_pass. */
  authPassMissing: boolean;
  /** Peers listed in unicast_peer (0: multicast). */
  unicastPeers: number;
  /** VRRP version in force: the instance's `version`, else global_defs' `vrrp_version`, else 2. */
  version: number;
}

const find = (statements: readonly ConfStatement[] | undefined, keyword: string): ConfStatement | undefined =>
  statements?.find((s) => s.words[0] === keyword);

/** Every vrrp_instance, with what guards it. */
export function vrrpInstances(statements: readonly ConfStatement[]): VrrpInstanceAuth[] {
  const globalVersion = Number(find(find(statements, "global_defs")?.block, "vrrp_version")?.words[1] ?? 2);
  return statements
    .filter((s) => s.words[0] === "vrrp_instance")
    .map((s) => {
      const auth = find(s.block, "authentication");
      const peers = find(s.block, "unicast_peer")?.block ?? [];
      const version = Number(find(s.block, "version")?.words[1] ?? globalVersion);
      const authType = find(auth?.block, "auth_type")?.words[1];
      return {
        name: s.words[1] ?? "(unnamed)",
        file: s.file,
        line: s.line,
        ...(auth ? { authType: authType ?? "" } : {}),
        authPassMissing: auth !== undefined && find(auth.block, "auth_pass")?.words[1] === undefined,
        unicastPeers: peers.filter((p) => p.words.length > 0).length,
        version: Number.isFinite(version) ? version : 2,
      };
    });
}

/**
 * Whether an instance is protected against spoofed adverts: VRRPv2 authentication (PASS with a
 * password, or AH), or unicast peers. VRRPv3 carries no authentication, so there only unicast counts.
 */
export function judgeInstance(instance: VrrpInstanceAuth): { ok: boolean; seen: string } {
  const peers = instance.unicastPeers > 0 ? `unicast to ${instance.unicastPeers} peer${instance.unicastPeers === 1 ? "" : "s"}` : undefined;
  const type = instance.authType?.toUpperCase();
  let auth: { ok: boolean; text: string } | undefined;
  if (instance.authType !== undefined) {
    if (type !== "PASS" && type !== "AH") auth = { ok: false, text: `auth_type ${JSON.stringify(instance.authType)} is not PASS or AH` };
    else if (instance.version === 3) auth = { ok: false, text: `auth ${type} ignored by VRRPv3` };
    else if (type === "PASS" && instance.authPassMissing) auth = { ok: false, text: "auth PASS without auth_pass" };
    else auth = { ok: true, text: `auth ${type}` };
  }
  const ok = Boolean(peers) || auth?.ok === true;
  const parts = [auth?.text, peers].filter((p): p is string => p !== undefined);
  if (parts.length === 0) return { ok: false, seen: `${instance.name} has neither authentication nor unicast_peer` };
  return { ok, seen: `${instance.name} ${parts.join(", ")}` };
}
