/**
 * A production haproxy.cfg mapped onto the lab's balancers (README "Drilling a proposed
 * configuration"): the apiservers' backend points at the lab's control planes, its frontend listens
 * where the lab probes, the runtime API is where vipdrill reads it, at admin level. Every other line
 * — checks, timeouts, inter/fall/rise, balance — is kept as written, on the same line number, so
 * what haproxy -c says of a line is the user's line.
 */
import { UsageError } from "../common/errors.js";
import { ipToInt } from "../common/ipv4.js";
import type { ConfigMappingRow } from "../model/config-under-test.js";
import { haproxyQuote, type HaproxyLine } from "./haproxy-cfg.js";
import { renderedOf, type ConfOrigin, type RenderedConfig } from "./rendered-config.js";

export interface HaproxySource {
  path: string;
  lines: HaproxyLine[];
}

export interface HaproxyLab {
  controlPlanes: ReadonlyArray<{ id: string; address: string }>;
  /** Where the apiservers listen and where the lab probes the VIP. */
  port: number;
  /** The runtime API socket vipdrill reads and drains servers through. */
  socket: string;
}

export interface HaproxyMapping {
  rendered: RenderedConfig;
  /** The apiservers' backend, by its production name (kept). */
  backend: string;
  rows: ConfigMappingRow[];
  unmapped: string[];
  secrets: string[];
}

export interface ApiBackend {
  name: string;
  line: number;
  /** Its `server` lines (not server-template). */
  servers: HaproxyLine[];
  /** The frontends (or the listen section itself) that route to it. */
  frontends: string[];
}

const PROXY = ["frontend", "backend", "listen", "defaults"];
const portOf = (address: string): number | undefined => {
  const port = /:(\d+)$/.exec(address)?.[1];
  return port === undefined ? undefined : Number(port);
};
const at = (l: { file: string; line: number }): string => `${l.file}:${l.line}`;

/**
 * The backend of the apiservers: the only backend with servers; else the one a frontend (or listen)
 * on the lab's port routes to; else the only one whose servers listen on that port. A
 * default_backend or use_backend naming no backend of the file is refused, with its line.
 */
export function apiBackendOf(source: HaproxySource, port: number): ApiBackend {
  const sections = new Map<string, { keyword: string; line: number; lines: HaproxyLine[] }>();
  for (const l of source.lines) {
    if (!l.section || !PROXY.includes(l.section.keyword)) continue;
    const key = `${l.section.keyword} ${l.section.name}`;
    const entry = sections.get(key) ?? { keyword: l.section.keyword, line: l.section.line, lines: [] };
    entry.lines.push(l);
    sections.set(key, entry);
  }
  const backends = new Map<string, ApiBackend>();
  for (const [, s] of sections) {
    if (s.keyword !== "backend" && s.keyword !== "listen") continue;
    const name = s.lines[0]?.section?.name ?? "";
    backends.set(name, { name, line: s.line, servers: s.lines.filter((l) => l.words[0] === "server"), frontends: s.keyword === "listen" ? [name] : [] });
  }
  const problems: string[] = [];
  const onPort = new Set<string>();
  for (const [, s] of sections) {
    if (s.keyword !== "frontend" && s.keyword !== "listen") continue;
    const name = s.lines[0]?.section?.name ?? "";
    const bindsPort = s.lines.some((l) => l.words[0] === "bind" && l.words.slice(1).some((w) => portOf(w) === port));
    for (const l of s.lines) {
      if (l.words[0] !== "default_backend" && l.words[0] !== "use_backend") continue;
      const target = l.words[1] ?? "";
      // A name built at run time (%[…]) cannot be checked here.
      if (target.includes("%[")) continue;
      const backend = backends.get(target);
      if (!backend) {
        problems.push(`${at(l)}: ${l.words[0]} ${target}: no backend ${target} in ${source.path} (expected one of: ${[...backends.keys()].join(", ") || "none"})`);
        continue;
      }
      backend.frontends.push(name);
      if (bindsPort) onPort.add(target);
    }
    if (s.keyword === "listen" && bindsPort) onPort.add(name);
  }
  if (problems.length > 0) throw new UsageError("VIPDRILL_CONFIG_INVALID", problems.join("\n"));
  const withServers = [...backends.values()].filter((b) => b.servers.length > 0 || b.frontends.length > 0);
  const serving = withServers.filter((b) => b.servers.length > 0);
  const pick =
    serving.length === 1
      ? serving
      : serving.filter((b) => onPort.has(b.name)).length === 1
        ? serving.filter((b) => onPort.has(b.name))
        : serving.filter((b) => b.servers.every((s) => portOf(s.words[2] ?? "") === port));
  if (pick.length !== 1) {
    const seen = serving.map((b) => `${b.name} (line ${b.line})`).join(", ") || "none";
    throw new UsageError(
      "VIPDRILL_CONFIG_INVALID",
      `${source.path}: expected one backend of apiservers (the only one with servers, the one a frontend on :${port} uses, or the one whose servers are on :${port}), got ${serving.length === 0 ? "no backend with servers" : seen}`,
    );
  }
  return pick[0]!;
}

/** How many apiservers the file balances (sizes the lab's control planes). */
export const apiServerCount = (source: HaproxySource, port: number): { count: number; backend: ApiBackend } => {
  const backend = apiBackendOf(source, port);
  return { count: backend.servers.length, backend };
};

export function mapHaproxy(source: HaproxySource, lab: HaproxyLab): HaproxyMapping {
  const backend = apiBackendOf(source, lab.port);
  const apiSections = new Set([backend.name, ...backend.frontends]);
  const rows: ConfigMappingRow[] = [];
  const unmapped: string[] = [];
  const secrets = new Set<string>();
  const row = (l: HaproxyLine, item: string, production: string, labText: string): void => {
    rows.push({ daemon: "haproxy", file: l.file, line: l.line, item, production, lab: labText });
  };
  let socketMapped = false;
  let apiBind = false;
  let server = 0;
  const out = source.lines.map((l): { text: string; origin: ConfOrigin | null } => {
    const origin = { file: l.file, line: l.line };
    const keep = { text: l.raw, origin };
    const indent = /^\s*/.exec(l.raw)?.[0] ?? "";
    const write = (words: string[]): { text: string; origin: ConfOrigin } => ({ text: indent + words.map(haproxyQuote).join(" "), origin });
    // A line left out stays as an empty line: every other line keeps its number.
    const drop = { text: "", origin };
    const [key, ...args] = l.words;
    const section = l.section;
    collectSecrets(l, secrets);
    if (key === undefined || !section) return keep;

    if (section.keyword === "global" && key === "stats" && args[0] === "socket") {
      const address = args[1] ?? "";
      if (!address.startsWith("/") && !address.startsWith("unix@")) return keep;
      if (socketMapped) {
        unmapped.push(`${at(l)}: stats socket ${address}: a second runtime socket: left out (the lab has one, ${lab.socket})`);
        return drop;
      }
      socketMapped = true;
      const params = args.slice(2);
      const level = params.indexOf("level");
      const was = level >= 0 ? params[level + 1] : undefined;
      const mapped = level >= 0 ? params.map((p, i) => (i === level + 1 ? "admin" : p)) : [...params, "level", "admin"];
      row(l, "stats socket", args.slice(1).join(" "), `${lab.socket} ${mapped.join(" ")}${was === "admin" ? "" : ` (level ${was ?? "operator, the default,"} → admin: vipdrill drains servers through it)`}`);
      return write(["stats", "socket", lab.socket, ...mapped]);
    }

    if (key === "bind" && (section.keyword === "frontend" || section.keyword === "listen")) {
      const address = args[0] ?? "";
      const api = apiSections.has(section.name);
      if (api && apiBind) {
        unmapped.push(`${at(l)}: ${section.keyword} ${section.name}: bind ${address}: a further listener of the API frontend: left out (the lab probes *:${lab.port})`);
        return drop;
      }
      if (api) {
        apiBind = true;
        if (address === `*:${lab.port}` || address === `:${lab.port}`) return keep;
        row(l, `bind (${section.keyword} ${section.name})`, address, `*:${lab.port} (where the lab probes the VIP)`);
        return write(["bind", `*:${lab.port}`, ...args.slice(1)]);
      }
      const host = address.replace(/:\d+$/, "");
      if (ipToInt(host) !== undefined && host !== "0.0.0.0") {
        row(l, `bind (${section.keyword} ${section.name})`, address, address.replace(host, "*") + " (production's address cannot be bound in the lab)");
        return write(["bind", address.replace(host, "*"), ...args.slice(1)]);
      }
      return keep;
    }

    if (section.name === backend.name && (section.keyword === "backend" || section.keyword === "listen")) {
      if (key === "server-template") {
        unmapped.push(`${at(l)}: server-template ${args.slice(0, 3).join(" ")}: servers found at run time cannot be mapped onto the lab's control planes: left out`);
        return drop;
      }
      if (key === "server") {
        const cp = lab.controlPlanes[server++];
        if (!cp) {
          unmapped.push(`${at(l)}: server ${args[0]} ${args[1]}: the lab has ${lab.controlPlanes.length} control planes (at most 5): left out`);
          return drop;
        }
        const params = mapServerParams(args.slice(2), cp.address);
        row(l, `server (backend ${backend.name})`, `${args[0]} ${args[1]}`, `${cp.id} ${cp.address}:${lab.port}`);
        return write(["server", cp.id, `${cp.address}:${lab.port}`, ...params]);
      }
    }
    return keep;
  });
  if (!socketMapped) {
    out.push({ text: "", origin: null }, { text: "# Added by vipdrill: the runtime API it reads and drains servers through.", origin: null }, { text: "global", origin: null }, { text: `    stats socket ${lab.socket} mode 600 level admin`, origin: null });
    rows.push({ daemon: "haproxy", file: source.path, line: 0, item: "stats socket", production: "(none)", lab: `${lab.socket} mode 600 level admin (added: vipdrill reads and drains servers through it)` });
  }
  return { rendered: renderedOf(out), backend: backend.name, rows, unmapped, secrets: [...secrets] };
}

/** A server's parameters with its check address (`addr`) on the lab's node; everything else kept. */
function mapServerParams(params: readonly string[], address: string): string[] {
  return params.map((p, i) => (params[i - 1] === "addr" ? address : p));
}

/** Passwords of `stats auth`, userlists and the like: never in a report. */
function collectSecrets(l: HaproxyLine, secrets: Set<string>): void {
  const [key, ...args] = l.words;
  if (key === "stats" && args[0] === "auth" && args[1] !== undefined) {
    const password = args[1].slice(args[1].indexOf(":") + 1);
    if (password !== "") secrets.add(password);
  }
  if (l.section?.keyword === "userlist" && key === "user") {
    for (const [i, word] of args.entries()) if ((word === "password" || word === "insecure-password") && args[i + 1] !== undefined) secrets.add(args[i + 1]!);
  }
}
