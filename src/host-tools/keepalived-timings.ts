/**
 * The timers of the VRRP instance that carries the VIP, read from a parsed keepalived.conf
 * (keepalived-conf.ts): what the predicted windows need (analysis/keepalived-window.ts). Defaults
 * are Keepalived's own (keepalived.conf(5); ../shared/reference/systems-under-test.md §2.1).
 */
import { KEEPALIVED_DEFAULTS, type HaproxyChecks, type KeepalivedSetup, type TrackedScript, type VrrpPeer } from "../model/keepalived.js";
import type { ConfStatement } from "./keepalived-conf.js";

/** One balancer's instance for the VIP, as its keepalived.conf sets it. */
export interface VrrpInstanceConf {
  name: string;
  file: string;
  line: number;
  version: 2 | 3;
  advertIntMs: number;
  downTimerAdverts: number;
  peer: VrrpPeer;
  /** The first tracked vrrp_script, with the track's weight where it gives one. */
  script?: TrackedScript;
}

const find = (statements: readonly ConfStatement[] | undefined, keyword: string): ConfStatement | undefined => statements?.find((s) => s.words[0] === keyword);
const at = (s: ConfStatement): string => `${s.file}:${s.line}`;

/** `keyword <number>` in a block, or the fallback; a value that is not a number is reported. */
function numberOf(block: readonly ConfStatement[] | undefined, keyword: string, fallback: number, problems: string[]): number {
  const statement = find(block, keyword);
  if (statement === undefined) return fallback;
  const value = Number(statement.words[1]);
  if (statement.words[1] === undefined || !Number.isFinite(value) || value < 0) {
    problems.push(`${at(statement)}: ${keyword}: expected a number, got ${JSON.stringify(statement.words[1] ?? "")}`);
    return fallback;
  }
  return value;
}

/** Does a virtual_ipaddress line (`192.0.2.10/24 dev eth0 label …`) name the VIP? */
const namesVip = (statement: ConfStatement, vip: string): boolean => statement.words[0]?.split("/")[0] === vip;

/**
 * The instance whose virtual_ipaddress holds `vip`, with its timers; or what is wrong, one line
 * naming the file and line (no such instance, a value that is not a number).
 */
export function vrrpInstanceFor(statements: readonly ConfStatement[], vip: string): VrrpInstanceConf | string {
  const problems: string[] = [];
  const globals = find(statements, "global_defs")?.block;
  const instances = statements.filter((s) => s.words[0] === "vrrp_instance");
  const instance = instances.find((s) => ["virtual_ipaddress", "virtual_ipaddress_excluded"].some((k) => find(s.block, k)?.block?.some((a) => namesVip(a, vip))));
  if (!instance) {
    const names = instances.map((s) => `${s.words[1] ?? "(unnamed)"} (${at(s)})`);
    return `no vrrp_instance has the VIP ${vip} in its virtual_ipaddress${names.length > 0 ? `: ${names.join(", ")}` : ": there is no vrrp_instance"}`;
  }
  const block = instance.block;
  const version = numberOf(block, "version", numberOf(globals, "vrrp_version", 2, problems), problems) === 3 ? 3 : 2;
  const advertS = numberOf(block, "advert_int", KEEPALIVED_DEFAULTS.advertIntMs / 1000, problems);
  // VRRPv2 carries whole seconds: Keepalived rounds a fractional advert_int.
  const advertIntMs = version === 2 ? Math.max(1, Math.round(advertS)) * 1000 : Math.round(advertS * 1000);
  const peer: VrrpPeer = {
    priority: numberOf(block, "priority", KEEPALIVED_DEFAULTS.priority, problems),
    nopreempt: find(block, "nopreempt") !== undefined,
    preemptDelayMs: Math.round(numberOf(block, "preempt_delay", 0, problems) * 1000),
  };
  const downTimerAdverts = numberOf(block, "down_timer_adverts", numberOf(globals, "vrrp_down_timer_adverts", KEEPALIVED_DEFAULTS.downTimerAdverts, problems), problems);
  const script = trackedScript(statements, block, problems);
  if (problems.length > 0) return problems.join("; ");
  return {
    name: instance.words[1] ?? "(unnamed)",
    file: instance.file,
    line: instance.line,
    version,
    advertIntMs,
    downTimerAdverts,
    peer,
    ...(script ? { script } : {}),
  };
}

/** The instance's first track_script entry and its vrrp_script block; what it checks is unknown from here. */
function trackedScript(statements: readonly ConfStatement[], instance: readonly ConfStatement[] | undefined, problems: string[]): TrackedScript | undefined {
  const track = find(instance, "track_script")?.block?.[0];
  const name = track?.words[0];
  if (track === undefined || name === undefined) return undefined;
  const definition = statements.find((s) => s.words[0] === "vrrp_script" && s.words[1] === name);
  if (!definition) {
    problems.push(`${at(track)}: track_script ${name}: expected a vrrp_script ${name} block, found none`);
    return undefined;
  }
  const d = KEEPALIVED_DEFAULTS.script;
  const block = definition.block;
  // `weight W` on the track line overrides the script's own.
  const trackWeight = track.words[1] === "weight" ? Number(track.words[2]) : undefined;
  return {
    name,
    intervalMs: Math.round(numberOf(block, "interval", d.intervalMs / 1000, problems) * 1000),
    timeoutMs: Math.round(numberOf(block, "timeout", d.timeoutMs / 1000, problems) * 1000),
    fall: numberOf(block, "fall", d.fall, problems),
    rise: numberOf(block, "rise", d.rise, problems),
    weight: trackWeight !== undefined && Number.isFinite(trackWeight) ? trackWeight : signedWeight(block, problems),
    checks: "unknown",
  };
}

/** A vrrp_script's weight may be negative: `weight -2`. */
function signedWeight(block: readonly ConfStatement[] | undefined, problems: string[]): number {
  const statement = find(block, "weight");
  if (statement === undefined) return KEEPALIVED_DEFAULTS.script.weight;
  const value = Number(statement.words[1]);
  if (!Number.isFinite(value)) problems.push(`${at(statement)}: weight: expected a number such as -2, got ${JSON.stringify(statement.words[1] ?? "")}`);
  return Number.isFinite(value) ? value : 0;
}

/**
 * A balancer tier from each balancer's instance: what they share is taken from the first (the VIP's
 * owner, when the caller puts it first), each one's priority and preemption from its own.
 */
export function keepalivedSetupOf(balancers: ReadonlyArray<{ hostId: string; instance: VrrpInstanceConf }>, haproxy: HaproxyChecks | undefined, source: string): KeepalivedSetup | undefined {
  const first = balancers[0]?.instance;
  if (!first) return undefined;
  return {
    common: {
      version: first.version,
      advertIntMs: first.advertIntMs,
      downTimerAdverts: first.downTimerAdverts,
      ...(first.script ? { script: first.script } : {}),
      ...(haproxy ? { haproxy } : {}),
    },
    peers: Object.fromEntries(balancers.map((b) => [b.hostId, b.instance.peer])),
    source,
  };
}
