/**
 * Proposed (or today's) keepalived.conf and haproxy.cfg, read from this machine, checked for what
 * makes them unusable, and mapped onto the lab (keepalived-mapping.ts, haproxy-mapping.ts): the
 * rendered file for each balancer, the mapping table and what could not be mapped.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UsageError, errorMessage } from "../common/errors.js";
import type { ConfigDaemon, ConfigUnderTest } from "../model/config-under-test.js";
import { parseHaproxyCfg } from "./haproxy-cfg.js";
import { apiServerCount, mapHaproxy, type HaproxySource } from "./haproxy-mapping.js";
import { loadKeepalivedConf } from "./keepalived-conf.js";
import { mapKeepalived, vrrpNodesOf, type KeepalivedSource } from "./keepalived-mapping.js";
import { renderKeepalivedConf } from "./keepalived-render.js";
import type { RenderedConfig } from "./rendered-config.js";

/** The files to put on the lab: one keepalived.conf for every balancer or one each, and a haproxy.cfg. */
export interface ConfigPaths {
  keepalived: string[];
  haproxy?: string;
}

export interface LoadedConfig {
  keepalived: KeepalivedSource[];
  haproxy?: HaproxySource;
  files: ConfigUnderTest["files"];
  /** Includes that matched nothing or could not be read. */
  notes: string[];
}

/** The lab's side of the mapping: addresses, interface, paths. */
export interface LabLayout {
  balancers: ReadonlyArray<{ id: string; address: string }>;
  controlPlanes: ReadonlyArray<{ id: string; address: string }>;
  /** The drilled VIP first, then free addresses for further production VIPs. */
  vips: readonly string[];
  prefix: number;
  interface: string;
  port: number;
  checkScript: string;
  haproxySocket: string;
}

/** What the lab's node image has, asked of it before mapping (targets/docker/config-check.ts). */
export interface LabFacts {
  commands: ReadonlySet<string>;
  users: ReadonlySet<string>;
}

export interface MappedConfig {
  /** Node id → the files it gets, by daemon. */
  perNode: Map<string, Array<{ daemon: ConfigDaemon; rendered: RenderedConfig }>>;
  record: ConfigUnderTest;
  /** Never written to a report: redact them wherever a daemon's words are passed on. */
  secrets: string[];
  /** The apiservers' backend as the haproxy.cfg names it (the lab's own when there is none). */
  haproxyBackend?: string;
}

const MAX_CONTROL_PLANES = 5;
const MAX_BALANCERS = 3;

async function readConfigFile(path: string, daemon: ConfigDaemon): Promise<{ text: string; sha256: string }> {
  try {
    const bytes = await readFile(path);
    return { text: bytes.toString("utf8"), sha256: createHash("sha256").update(bytes).digest("hex") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot be read (${errorMessage(error)})`;
    throw new UsageError("VIPDRILL_CONFIG_UNREADABLE", `${path}: ${why} (expected a ${daemon === "keepalived" ? "keepalived.conf" : "haproxy.cfg"})`, { cause: error });
  }
}

/** Read the files (keepalived's includes followed on this machine, relative to the including file). */
export async function loadConfig(paths: ConfigPaths): Promise<LoadedConfig> {
  if (paths.keepalived.length > MAX_BALANCERS) {
    throw new UsageError("VIPDRILL_CONFIG_INVALID", `--keepalived-conf: expected one file for every balancer or one per balancer (at most ${MAX_BALANCERS}, the lab's limit), got ${paths.keepalived.length}`);
  }
  const files: ConfigUnderTest["files"] = [];
  const notes: string[] = [];
  const keepalived: KeepalivedSource[] = [];
  for (const path of paths.keepalived) {
    const { text, sha256 } = await readConfigFile(path, "keepalived");
    files.push({ daemon: "keepalived", path, sha256 });
    const loaded = await loadKeepalivedConf(path, {
      read: async (p) => (p === path ? text : await readFile(p, "utf8")),
      expand: expandInclude,
    });
    notes.push(...loaded.notes);
    keepalived.push({ path, statements: loaded.statements });
  }
  let haproxy: HaproxySource | undefined;
  if (paths.haproxy !== undefined) {
    const { text, sha256 } = await readConfigFile(paths.haproxy, "haproxy");
    files.push({ daemon: "haproxy", path: paths.haproxy, sha256 });
    haproxy = { path: paths.haproxy, lines: parseHaproxyCfg(text, paths.haproxy) };
  }
  return { keepalived, ...(haproxy && { haproxy }), files, notes };
}

/** The files an include pattern names: wildcards (`*`, `?`) in its last part only, as keepalived's includes are written. */
async function expandInclude(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = dirname(pattern);
  const escaped = basename(pattern).replace(/[.+^$(){}|\\]/g, (c) => `\\${c}`);
  const name = new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && name.test(e.name)).map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

/**
 * The lab's size from the files, within its limits: backend servers → control planes (1–5), VRRP
 * nodes (one file each, or unicast peers + 1) → balancers (1–3); what the files do not say stays
 * as the scenario has it. Each decision in words.
 */
export function labSizeFor(config: LoadedConfig, scenario: { controlPlanes: number; loadBalancers: number }, port: number): { controlPlanes: number; loadBalancers: number; sizing: string[] } {
  const sizing: string[] = [];
  let { controlPlanes, loadBalancers } = scenario;
  if (config.haproxy) {
    const { count, backend } = apiServerCount(config.haproxy, port);
    controlPlanes = Math.min(MAX_CONTROL_PLANES, Math.max(1, count));
    sizing.push(
      `${count} server${count === 1 ? "" : "s"} in backend ${backend.name} (${config.haproxy.path}:${backend.line}) → ${controlPlanes} control plane${controlPlanes === 1 ? "" : "s"}` +
        (controlPlanes === count ? "" : ` (the lab has ${count < 1 ? "at least 1" : `at most ${MAX_CONTROL_PLANES}`})`),
    );
  }
  const first = config.keepalived[0];
  if (config.keepalived.length > 1) {
    loadBalancers = config.keepalived.length;
    sizing.push(`${config.keepalived.length} keepalived.conf files, one per balancer → ${loadBalancers} load balancers (lb-1 gets ${first!.path})`);
  } else if (first) {
    const nodes = vrrpNodesOf(first);
    if (nodes) {
      loadBalancers = Math.min(MAX_BALANCERS, nodes.nodes);
      sizing.push(
        `${nodes.nodes - 1} unicast peer${nodes.nodes === 2 ? "" : "s"} (${nodes.file}:${nodes.line}) → ${loadBalancers} load balancers` + (loadBalancers === nodes.nodes ? "" : ` (the lab has at most ${MAX_BALANCERS})`),
      );
    } else {
      sizing.push(`multicast VRRP (no unicast_peer): the scenario's ${loadBalancers} load balancers`);
    }
  }
  return { controlPlanes, loadBalancers, sizing };
}

/** Commands the files' scripts run and users they run as: asked of the lab's image before mapping. */
export function factsToAsk(config: LoadedConfig): { commands: string[]; users: string[] } {
  const commands = new Set<string>();
  const users = new Set<string>();
  const walk = (statements: readonly KeepalivedSource["statements"][number][], inScript: boolean): void => {
    for (const s of statements) {
      const [key, value] = s.words;
      if (inScript && key === "script" && value !== undefined) commands.add(value.trim().split(/\s+/)[0]!);
      if ((key === "script_user" || (inScript && key === "user")) && value !== undefined) users.add(value);
      if (s.block) walk(s.block, key === "vrrp_script" || inScript);
    }
  };
  for (const source of config.keepalived) walk(source.statements, false);
  return { commands: [...commands].filter((c) => c !== ""), users: [...users] };
}

export function mapConfig(config: LoadedConfig, lab: LabLayout, facts: LabFacts, role: ConfigUnderTest["role"], sizing: string[]): MappedConfig {
  const perNode = new Map<string, Array<{ daemon: ConfigDaemon; rendered: RenderedConfig }>>();
  const add = (node: string, daemon: ConfigDaemon, rendered: RenderedConfig): void => {
    perNode.set(node, [...(perNode.get(node) ?? []), { daemon, rendered }]);
  };
  const record: ConfigUnderTest = { role, files: config.files, mapping: [], unmapped: [...config.notes], sizing, checks: [], overrides: [] };
  const secrets: string[] = [];
  if (config.keepalived.length > 0) {
    const mapped = mapKeepalived(config.keepalived, {
      balancers: lab.balancers,
      vips: lab.vips,
      prefix: lab.prefix,
      interface: lab.interface,
      checkScript: lab.checkScript,
      hasCommand: (c) => facts.commands.has(c),
      hasUser: (u) => facts.users.has(u),
    });
    for (const [node, statements] of mapped.perNode) add(node, "keepalived", renderKeepalivedConf(statements));
    record.mapping.push(...mapped.rows);
    record.unmapped.push(...mapped.unmapped);
    secrets.push(...mapped.secrets);
  }
  let haproxyBackend: string | undefined;
  if (config.haproxy) {
    const mapped = mapHaproxy(config.haproxy, { controlPlanes: lab.controlPlanes, port: lab.port, socket: lab.haproxySocket });
    for (const b of lab.balancers) add(b.id, "haproxy", mapped.rendered);
    record.mapping.push(...mapped.rows);
    record.unmapped.push(...mapped.unmapped);
    secrets.push(...mapped.secrets);
    haproxyBackend = mapped.backend;
  }
  record.mapping = record.mapping.map((r) => ({ ...r, production: redact(r.production, secrets), lab: redact(r.lab, secrets) }));
  record.unmapped = record.unmapped.map((u) => redact(u, secrets));
  return { perNode, record, secrets, ...(haproxyBackend !== undefined && { haproxyBackend }) };
}

export const REDACTED = "‹redacted›";

/** Text with every secret replaced (longest first, so a secret inside another goes with it). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out;
}
