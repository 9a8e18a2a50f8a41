/**
 * A sweep combination written into the balancers' configuration: keepalived.conf's every
 * vrrp_instance (advert_int, preempt_delay, version) and vrrp_script, haproxy.cfg's apiservers'
 * backend (default-server, and servers that set the value themselves). Everything else is kept.
 */
import type { ConfStatement } from "./keepalived-conf.js";
import { haproxyQuote, type HaproxyLine } from "./haproxy-cfg.js";
import { apiBackendOf } from "./haproxy-mapping.js";
import { renderedOf, type RenderedConfig } from "./rendered-config.js";
import type { SweepCombination } from "./sweep-settings.js";

/** `keyword value` in a block: the statement replaced where it is, else added at its end. */
function setIn(block: readonly ConfStatement[], keyword: string, value: string, where: { file: string; line: number }): ConfStatement[] {
  const found = block.some((s) => s.words[0] === keyword);
  if (found) return block.map((s) => (s.words[0] === keyword ? { ...s, words: [keyword, value] } : s));
  return [...block, { words: [keyword, value], file: where.file, line: where.line }];
}

const mapBlocks = (statements: readonly ConfStatement[], keyword: string, change: (block: readonly ConfStatement[], owner: ConfStatement) => ConfStatement[]): ConfStatement[] =>
  statements.map((s) => (s.words[0] === keyword ? { ...s, block: change(s.block ?? [], s) } : s));

const AUTH_IGNORED = "; VRRPv3 carries no authentication (RFC 5798): Keepalived would ignore the instances' authentication, so it is left out";

/** Keepalived's statements with the combination's values, and what that implied, in words. */
export function applyToKeepalived(statements: readonly ConfStatement[], combination: SweepCombination): { statements: ConfStatement[]; implied: string[] } {
  let out = [...statements];
  const implied: string[] = [];
  // VRRPv3 has no authentication: Keepalived ignores the block, and keepalived -t rejects the file for it.
  const withoutAuthentication = (): boolean => {
    const had = out.some((s) => s.words[0] === "vrrp_instance" && (s.block ?? []).some((b) => b.words[0] === "authentication"));
    out = mapBlocks(out, "vrrp_instance", (block) => block.filter((s) => s.words[0] !== "authentication"));
    return had;
  };
  const setVersion = (version: string): void => {
    if (!out.some((s) => s.words[0] === "global_defs")) out.unshift({ words: ["global_defs"], block: [], file: "(vipdrill)", line: 0 });
    out = mapBlocks(out, "global_defs", (block, owner) => setIn(block, "vrrp_version", version, owner));
    // An instance's own `version` would win over global_defs.
    out = mapBlocks(out, "vrrp_instance", (block) => block.map((s) => (s.words[0] === "version" ? { ...s, words: ["version", version] } : s)));
  };
  for (const { key, value } of combination) {
    switch (key) {
      case "keepalived.advert_int":
        out = mapBlocks(out, "vrrp_instance", (block, owner) => setIn(block, "advert_int", value.text, owner));
        if (!Number.isInteger(value.value) && !combination.some((s) => s.key === "keepalived.vrrp_version")) {
          setVersion("3");
          implied.push(`advert_int ${value.text} needs VRRPv3 (VRRPv2 rounds it to whole seconds): vrrp_version 3 in global_defs${withoutAuthentication() ? AUTH_IGNORED : ""}`);
        }
        break;
      case "keepalived.vrrp_version":
        setVersion(value.text);
        if (value.value === 3 && withoutAuthentication()) implied.push(`vrrp_version 3${AUTH_IGNORED}`);
        break;
      case "keepalived.preempt_delay":
        out = mapBlocks(out, "vrrp_instance", (block, owner) => setIn(block, "preempt_delay", value.text, owner));
        break;
      case "keepalived.vrrp_script.interval":
      case "keepalived.vrrp_script.timeout":
      case "keepalived.vrrp_script.fall":
      case "keepalived.vrrp_script.rise":
      case "keepalived.vrrp_script.weight": {
        const keyword = key.split(".").at(-1)!;
        out = mapBlocks(out, "vrrp_script", (block, owner) => setIn(block, keyword, value.text, owner));
        break;
      }
      default:
        break;
    }
  }
  return { statements: out, implied };
}

/** HAProxy's time format: whole seconds as "2s", else milliseconds. */
const haproxyTime = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** haproxy.cfg's lines with the combination's check settings in the apiservers' backend; every line keeps its number. */
export function applyToHaproxy(lines: readonly HaproxyLine[], path: string, port: number, combination: SweepCombination): RenderedConfig {
  const settings = combination.filter((s) => s.key.startsWith("haproxy.")).map((s) => ({ param: s.key.slice("haproxy.".length), value: s.key === "haproxy.fall" || s.key === "haproxy.rise" ? s.value.text : haproxyTime(s.value.value) }));
  const backend = settings.length > 0 ? apiBackendOf({ path, lines: [...lines] }, port) : undefined;
  const inBackend = (l: HaproxyLine): boolean => backend !== undefined && l.section?.name === backend.name && (l.section.keyword === "backend" || l.section.keyword === "listen");
  const hasDefault = lines.some((l) => inBackend(l) && l.words[0] === "default-server");
  const out = lines.map((l) => {
    const origin = { file: l.file, line: l.line };
    const kind = l.words[0];
    if (!inBackend(l) || (kind !== "server" && kind !== "default-server")) return { text: l.raw, origin };
    // default-server gets every value; a server only those it sets itself (or all, with no default-server line).
    const fixed = kind === "server" ? 3 : 1;
    const words = [...l.words];
    let changed = false;
    for (const { param, value } of settings) {
      const at = words.indexOf(param, fixed);
      if (at >= 0 && at + 1 < words.length) {
        words[at + 1] = value;
        changed = true;
      } else if (kind === "default-server" || !hasDefault) {
        words.push(param, value);
        changed = true;
      }
    }
    return { text: changed ? `${/^\s*/.exec(l.raw)?.[0] ?? ""}${words.map(haproxyQuote).join(" ")}` : l.raw, origin };
  });
  return renderedOf(out);
}
