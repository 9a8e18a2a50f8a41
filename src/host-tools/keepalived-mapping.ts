/**
 * A production keepalived.conf mapped onto the lab's balancers (README "Drilling a proposed
 * configuration"): what names production — the VIPs, the interface, unicast addresses, router id,
 * scripts the lab cannot have — is replaced by the lab's; every timing, priority, weight and
 * preempt setting is kept exactly. One file serves every balancer (each further one a priority
 * lower, state BACKUP), or one file per balancer in order.
 */
import { UsageError } from "../common/errors.js";
import { ipToInt } from "../common/ipv4.js";
import type { ConfigMappingRow } from "../model/config-under-test.js";
import type { ConfStatement } from "./keepalived-conf.js";

export interface KeepalivedSource {
  /** The file as given (messages and rows name it). */
  path: string;
  /** Its statements, includes followed. */
  statements: ConfStatement[];
}

export interface KeepalivedLab {
  /** The lab's balancers in order: lb-1 gets the first file. */
  balancers: ReadonlyArray<{ id: string; address: string }>;
  /** Lab addresses for the production VIPs, in order: the first is the drilled VIP. */
  vips: readonly string[];
  /** The lab network's prefix length (the VIPs are ordinary addresses on it). */
  prefix: number;
  /** The one interface of each lab node. */
  interface: string;
  /** The lab's own check (HAProxy's /healthz through localhost), standing in for a script the lab cannot have. */
  checkScript: string;
  /** Whether the lab's node image has this command (an absolute path, or a name on PATH). */
  hasCommand(command: string): boolean;
  hasUser(user: string): boolean;
}

export interface KeepalivedMapping {
  /** Node id → its keepalived.conf as statements. */
  perNode: Map<string, ConfStatement[]>;
  rows: ConfigMappingRow[];
  unmapped: string[];
  /** Values that must not appear in any report (auth_pass). */
  secrets: string[];
  /** Production VIP → lab address; the first entry is the drilled VIP. */
  vips: Array<{ production: string; lab: string; file: string; line: number }>;
}

/** Keywords of an instance whose value is a timing, a priority or a preemption setting: kept, and shown kept. */
const KEPT = ["state", "priority", "advert_int", "version", "nopreempt", "preempt_delay", "down_timer_adverts", "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_lower_prio_delay"];
const NOTIFY = /^notify(_master|_backup|_fault|_stop|_deleted|_master_rx_lower_pri)?$/;

const find = (list: readonly ConfStatement[] | undefined, keyword: string): ConfStatement | undefined => list?.find((s) => s.words[0] === keyword);
const at = (s: { file: string; line: number }): string => `${s.file}:${s.line}`;

/** Bad input, one line each, before anything is started. */
function refuse(problems: string[]): never {
  throw new UsageError("VIPDRILL_CONFIG_INVALID", problems.join("\n"));
}

/** The number of VRRP nodes a file describes: its first instance's unicast peers plus itself; null for multicast. */
export function vrrpNodesOf(source: KeepalivedSource): { nodes: number; file: string; line: number } | null {
  const instance = source.statements.find((s) => s.words[0] === "vrrp_instance");
  const peers = find(instance?.block, "unicast_peer");
  if (!instance || !peers) return null;
  return { nodes: (peers.block ?? []).length + 1, file: peers.file, line: peers.line };
}

/** Every IPv4 VIP of the files in order of appearance, each once. */
function productionVips(sources: readonly KeepalivedSource[]): Array<{ address: string; file: string; line: number }> {
  const seen = new Map<string, { address: string; file: string; line: number }>();
  for (const source of sources) {
    for (const instance of source.statements.filter((s) => s.words[0] === "vrrp_instance")) {
      for (const key of ["virtual_ipaddress", "virtual_ipaddress_excluded"]) {
        for (const entry of find(instance.block, key)?.block ?? []) {
          const address = (entry.words[0] ?? "").split("/")[0]!;
          if (ipToInt(address) !== undefined && !seen.has(address)) seen.set(address, { address, file: entry.file, line: entry.line });
        }
      }
    }
  }
  return [...seen.values()];
}

/** Problems that make a file unusable whatever the lab: no instance, no VIP, a VRID used twice on one interface. */
export function keepalivedProblems(source: KeepalivedSource): string[] {
  const problems: string[] = [];
  const instances = source.statements.filter((s) => s.words[0] === "vrrp_instance");
  if (instances.length === 0) problems.push(`${source.path}: expected at least one vrrp_instance (the VRRP instance that holds the VIP), got none`);
  const used = new Map<string, ConfStatement>();
  for (const instance of instances) {
    const name = instance.words[1] ?? "(unnamed)";
    const iface = find(instance.block, "interface")?.words[1];
    const vrid = find(instance.block, "virtual_router_id");
    if (iface === undefined) problems.push(`${at(instance)}: vrrp_instance ${name}: expected an interface, got none`);
    if (vrid === undefined) {
      problems.push(`${at(instance)}: vrrp_instance ${name}: expected a virtual_router_id (1–255), got none`);
      continue;
    }
    const key = `${iface ?? ""}/${vrid.words[1] ?? ""}`;
    const other = used.get(key);
    if (other) {
      problems.push(
        `${at(vrid)}: vrrp_instance ${name}: virtual_router_id ${vrid.words[1]} is already used on interface ${iface} by vrrp_instance ${other.words[1]} (line ${other.line}): expected a different virtual_router_id per instance on one interface`,
      );
    } else {
      used.set(key, instance);
    }
  }
  if (instances.length > 0 && productionVips([source]).length === 0) {
    problems.push(`${at(instances[0]!)}: virtual_ipaddress: expected an IPv4 address in some vrrp_instance (the lab drills an IPv4 VIP), got none`);
  }
  return problems;
}

/**
 * Map the files onto the lab. Throws a UsageError (one line per problem) where a file cannot be
 * used: more VIPs than the lab has addresses for, a VRID used twice on one interface.
 */
export function mapKeepalived(sources: readonly KeepalivedSource[], lab: KeepalivedLab): KeepalivedMapping {
  const problems = sources.flatMap(keepalivedProblems);
  if (problems.length > 0) refuse(problems);
  const vipsFound = productionVips(sources);
  if (vipsFound.length > lab.vips.length) {
    const extra = vipsFound[lab.vips.length]!;
    refuse([`${at(extra)}: virtual_ipaddress ${extra.address}: expected at most ${lab.vips.length} VIPs (the lab's free addresses), got ${vipsFound.length}`]);
  }
  const vips = vipsFound.map((v, i) => ({ production: v.address, lab: lab.vips[i]!, file: v.file, line: v.line }));
  const vipOf = new Map(vips.map((v) => [v.production, v.lab]));
  const rows: ConfigMappingRow[] = [];
  const unmapped = new Set<string>();
  const secrets = new Set<string>();
  const perNode = new Map<string, ConfStatement[]>();

  lab.balancers.forEach((node, index) => {
    const derived = sources.length === 1 && index > 0;
    const source = sources.length === 1 ? sources[0]! : sources[index]!;
    const peers = lab.balancers.filter((b) => b.id !== node.id).map((b) => b.address);
    const row = (s: ConfStatement, item: string, production: string, labText: string): void => {
      rows.push({ daemon: "keepalived", file: s.file, line: s.line, item, production, lab: `${node.id}: ${labText}` });
    };
    const context: NodeContext = { lab, node, peers, derivedRank: derived ? index : 0, vipOf, row, unmapped, secrets };
    perNode.set(node.id, source.statements.flatMap((s) => mapTopLevel(s, context)));
  });
  renumberCollisions(perNode, lab, rows, unmapped);
  if (vips.length > 1) {
    const [first, ...others] = vips;
    unmapped.add(
      `${vips.length} VIPs: the first, ${first!.production} (${at(first!)}), is the one drilled (the lab's ${first!.lab}); ` +
        `${others.map((v) => `${v.production} (${at(v)}) → ${v.lab}`).join(", ")} ${others.length === 1 ? "is" : "are"} held by the lab too, not drilled`,
    );
  }
  return { perNode, rows: mergeRows(rows), unmapped: [...unmapped], secrets: [...secrets], vips };
}

interface NodeContext {
  lab: KeepalivedLab;
  node: { id: string; address: string };
  /** The other balancers' addresses. */
  peers: string[];
  /** 0 for a file of its own; k for the k-th further balancer sharing the first's file. */
  derivedRank: number;
  vipOf: Map<string, string>;
  row(s: ConfStatement, item: string, production: string, lab: string): void;
  unmapped: Set<string>;
  secrets: Set<string>;
}

const withWords = (s: ConfStatement, words: string[]): ConfStatement => ({ ...s, words });
const withBlock = (s: ConfStatement, block: ConfStatement[]): ConfStatement => ({ ...s, block });

function mapTopLevel(s: ConfStatement, c: NodeContext): ConfStatement[] {
  switch (s.words[0]) {
    case "global_defs":
      return [withBlock(s, (s.block ?? []).flatMap((g) => mapGlobal(g, c)))];
    case "vrrp_script":
      return [withBlock(s, (s.block ?? []).flatMap((g) => mapScript(s, g, c)))];
    case "vrrp_instance":
      return [mapInstance(s, c)];
    case "vrrp_sync_group":
      return [withBlock(s, (s.block ?? []).filter((g) => !dropNotify(g, c)))];
    case "virtual_server":
    case "virtual_server_group":
      c.unmapped.add(`${at(s)}: ${s.words.join(" ")}: LVS load balancing is not part of the API VIP's failover: left out of the lab`);
      return [];
    default:
      return [s];
  }
}

function dropNotify(s: ConfStatement, c: NodeContext): boolean {
  if (!NOTIFY.test(s.words[0] ?? "") && !/notify_fifo/.test(s.words[0] ?? "")) return false;
  c.unmapped.add(`${at(s)}: ${s.words[0]} ${s.words.slice(1).join(" ")}: production's notification is not run in the lab`);
  return true;
}

function mapGlobal(s: ConfStatement, c: NodeContext): ConfStatement[] {
  const [key, value] = s.words;
  if (dropNotify(s, c)) return [];
  if (key === "router_id" && value !== undefined) {
    c.row(s, "router_id", value, c.node.id);
    return [withWords(s, [key, c.node.id])];
  }
  if (key === "script_user" && value !== undefined && !c.lab.hasUser(value)) {
    c.row(s, "script_user", s.words.slice(1).join(" "), "root (no such user in the lab)");
    return [withWords(s, [key, "root"])];
  }
  return [s];
}

function mapScript(script: ConfStatement, s: ConfStatement, c: NodeContext): ConfStatement[] {
  const [key, value] = s.words;
  if (key === "user" && value !== undefined && !c.lab.hasUser(value)) {
    c.unmapped.add(`${at(s)}: vrrp_script ${script.words[1]}: user ${value} does not exist in the lab: the script runs as the script_user`);
    return [];
  }
  if (key !== "script" || value === undefined) return [s];
  const [command = "", ...args] = value.trim().split(/\s+/);
  if (c.lab.hasCommand(command)) {
    // Production addresses in its arguments (the VIP) point at the lab's.
    const mapped = [command, ...args.map((a) => replaceAddresses(a, c.vipOf))].join(" ");
    if (mapped !== value) c.row(s, `vrrp_script ${script.words[1]}`, value, mapped);
    return [withWords(s, [key, mapped, ...s.words.slice(2)])];
  }
  c.row(s, `vrrp_script ${script.words[1]}`, value, `${c.lab.checkScript} (the lab's check; interval, timeout, fall, rise and weight kept)`);
  c.unmapped.add(`${at(s)}: vrrp_script ${script.words[1]}: ${command} cannot exist in the lab: the lab's check (HAProxy's /healthz through localhost) runs in its place with the same timings`);
  return [withWords(s, [key, c.lab.checkScript])];
}

const replaceAddresses = (text: string, map: Map<string, string>): string =>
  text.replace(/\d{1,3}(?:\.\d{1,3}){3}/g, (address) => map.get(address) ?? address);

function mapInstance(instance: ConfStatement, c: NodeContext): ConfStatement {
  const name = instance.words[1] ?? "(unnamed)";
  const productionInterface = find(instance.block, "interface")?.words[1];
  const block: ConfStatement[] = [];
  for (const s of instance.block ?? []) {
    const [key, value] = s.words;
    if (dropNotify(s, c)) continue;
    switch (key) {
      case "interface":
        if (value !== c.lab.interface) c.row(s, "interface", value ?? "", c.lab.interface);
        block.push(withWords(s, [key, c.lab.interface]));
        break;
      case "unicast_src_ip":
      case "mcast_src_ip":
        c.row(s, key, value ?? "", c.node.address);
        block.push(withWords(s, [key, c.node.address]));
        break;
      case "unicast_peer": {
        const production = (s.block ?? []).map((p) => p.words[0]).join(" ");
        c.row(s, key, production, c.peers.join(" ") || "(none: one balancer)");
        block.push(withBlock(s, c.peers.map((address) => ({ words: [address], file: s.file, line: s.line }))));
        break;
      }
      case "virtual_ipaddress":
      case "virtual_ipaddress_excluded":
        block.push(withBlock(s, (s.block ?? []).flatMap((entry) => mapVip(entry, key, productionInterface, c))));
        break;
      case "virtual_routes":
      case "virtual_rules":
        c.unmapped.add(`${at(s)}: vrrp_instance ${name}: ${key}: production's routes and rules mean nothing on the lab network: left out`);
        break;
      case "track_interface":
        block.push(withBlock(s, (s.block ?? []).flatMap((t) => mapTrackedInterface(t, name, productionInterface, c))));
        break;
      case "authentication":
        for (const a of s.block ?? []) if (a.words[0] === "auth_pass" && a.words[1] !== undefined) c.secrets.add(a.words[1]);
        block.push(s);
        break;
      case "priority":
        if (c.derivedRank > 0 && value !== undefined && Number.isFinite(Number(value))) {
          const lower = String(Math.max(1, Number(value) - c.derivedRank));
          c.row(s, "priority", value, `${lower} (one file for every balancer: each further one a priority lower)`);
          block.push(withWords(s, [key, lower]));
        } else {
          c.row(s, "priority", value ?? "", `${value} (kept)`);
          block.push(s);
        }
        break;
      case "state":
        if (c.derivedRank > 0 && value !== "BACKUP") {
          c.row(s, "state", value ?? "", "BACKUP (one file for every balancer: the further ones back the first up)");
          block.push(withWords(s, [key, "BACKUP"]));
        } else {
          c.row(s, "state", value ?? "", `${value} (kept)`);
          block.push(s);
        }
        break;
      default:
        if (key !== undefined && KEPT.includes(key)) c.row(s, key, s.words.slice(1).join(" ") || "(set)", `${s.words.slice(1).join(" ") || "(set)"} (kept)`);
        block.push(s);
    }
  }
  return withBlock(instance, block);
}

/** `10.0.0.10/24 dev ens192 label ens192:vip` → the lab's address with the lab's prefix, on the lab's interface. */
function mapVip(entry: ConfStatement, key: string, productionInterface: string | undefined, c: NodeContext): ConfStatement[] {
  const [address = "", ...options] = entry.words;
  const bare = address.split("/")[0]!;
  const labAddress = c.vipOf.get(bare);
  if (labAddress === undefined) {
    c.unmapped.add(`${at(entry)}: ${key} ${address}: not an IPv4 address the lab can hold (the lab network is IPv4): left out`);
    return [];
  }
  const mapped: string[] = [`${labAddress}/${c.lab.prefix}`];
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    const argument = options[i + 1];
    if (option === "dev" && argument !== undefined) {
      mapped.push("dev", c.lab.interface);
      i++;
    } else if (option === "label" && argument !== undefined) {
      // A label must start with its interface's name: keep what follows it.
      const suffix = productionInterface !== undefined && argument.startsWith(`${productionInterface}:`) ? argument.slice(productionInterface.length) : undefined;
      if (suffix !== undefined) mapped.push("label", `${c.lab.interface}${suffix}`);
      else c.unmapped.add(`${at(entry)}: ${key} ${address} label ${argument}: not a label of interface ${productionInterface}: left out`);
      i++;
    } else if ((option === "brd" || option === "broadcast") && argument !== undefined) {
      i++;
    } else {
      mapped.push(option);
    }
  }
  c.row(entry, key, address + (options.length > 0 ? ` ${options.join(" ")}` : ""), mapped.join(" ") + (bare === [...c.vipOf.keys()][0] ? " (the drilled VIP)" : ""));
  return [withWords(entry, mapped)];
}

function mapTrackedInterface(t: ConfStatement, instance: string, productionInterface: string | undefined, c: NodeContext): ConfStatement[] {
  const [iface, ...rest] = t.words;
  if (iface === productionInterface || iface === c.lab.interface) return [withWords(t, [c.lab.interface, ...rest])];
  c.unmapped.add(`${at(t)}: vrrp_instance ${instance}: track_interface ${iface}: the lab's nodes have one interface (${c.lab.interface}): not tracked`);
  return [];
}

/**
 * Instances on different production interfaces all land on the lab's one interface: a VRID they
 * share would collide there, so the later one takes the first free VRID (said so).
 */
function renumberCollisions(perNode: Map<string, ConfStatement[]>, lab: KeepalivedLab, rows: ConfigMappingRow[], unmapped: Set<string>): void {
  for (const [nodeId, statements] of perNode) {
    const used = new Set<string>();
    for (const instance of statements.filter((s) => s.words[0] === "vrrp_instance")) {
      const vrid = find(instance.block, "virtual_router_id");
      const value = vrid?.words[1];
      if (!vrid || value === undefined) continue;
      if (!used.has(value)) {
        used.add(value);
        continue;
      }
      let free = 1;
      while (used.has(String(free)) && free < 255) free++;
      used.add(String(free));
      // The instance is this node's own copy; the statement in it may be shared with the source.
      instance.block = (instance.block ?? []).map((s) => (s === vrid ? withWords(s, ["virtual_router_id", String(free)]) : s));
      rows.push({ daemon: "keepalived", file: vrid.file, line: vrid.line, item: "virtual_router_id", production: value, lab: `${nodeId}: ${free}` });
      unmapped.add(`${at(vrid)}: vrrp_instance ${instance.words[1]}: virtual_router_id ${value} is used by another instance once every interface is the lab's ${lab.interface}: renumbered ${free}`);
    }
  }
}

/** One row per production item: the balancers' values joined where they differ ("lb-1: 101 (kept); lb-2: 100 (…)"). */
function mergeRows(rows: readonly ConfigMappingRow[]): ConfigMappingRow[] {
  const merged = new Map<string, ConfigMappingRow & { values: string[] }>();
  for (const r of rows) {
    const key = JSON.stringify([r.file, r.line, r.item, r.production]);
    const existing = merged.get(key);
    if (existing) existing.values.push(r.lab);
    else merged.set(key, { ...r, values: [r.lab] });
  }
  return [...merged.values()].map(({ values, ...r }) => {
    const bare = values.map((v) => v.replace(/^[^:]+: /, ""));
    return { ...r, lab: bare.every((v) => v === bare[0]) ? bare[0]! : values.join("; ") };
  });
}
