import { LabError } from "../common/errors.js";
import type { ExecResult, ExecTransport, Host, Topology } from "../model/host.js";
import { balancerConfig, givenSocket, type FoundPath } from "./balancer-config.js";
import { exec, type ExecCommand } from "../model/command.js";

/**
 * What sends a line to HAProxy's runtime socket: socat as HAProxy's docs do, else OpenBSD netcat or
 * ncat (`-U`, not the traditional or BusyBox nc, which have no Unix sockets), else python3. HAProxy
 * answers one command per connection and closes it, which ends each of them.
 */
export const RUNTIME_CLIENTS = ["socat", "nc", "python3"] as const;
export type RuntimeClient = (typeof RUNTIME_CLIENTS)[number];

const PYTHON_CLIENT =
  "import socket,sys;s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);s.sendall(sys.stdin.buffer.read());" +
  '[sys.stdout.buffer.write(d) for d in iter(lambda:s.recv(65536),b"")]';

export function runtimeClientArgv(client: RuntimeClient, socket: string): string[] {
  switch (client) {
    case "socat":
      return ["socat", "-", `UNIX-CONNECT:${socket}`];
    case "nc":
      return ["nc", "-U", socket];
    case "python3":
      return ["python3", "-c", PYTHON_CLIENT, socket];
  }
}

const FIND_CLIENT = [
  "if command -v socat >/dev/null 2>&1; then echo socat",
  "elif command -v nc >/dev/null 2>&1 && nc -h 2>&1 | grep -qi -- '-U.*unix'; then echo nc",
  "elif command -v python3 >/dev/null 2>&1; then echo python3",
  "fi",
].join("\n");

/** Per connection to a host, what it has (asked once; a failed ask is asked again). */
const clients = new WeakMap<ExecTransport, Promise<RuntimeClient | undefined>>();

export function runtimeClient(host: Host): Promise<RuntimeClient | undefined> {
  const transport = host.transport;
  const known = clients.get(transport);
  if (known) return known;
  const found = (async () => {
    const result = await transport.exec(["sh", "-c", FIND_CLIENT], { timeoutMs: 10_000 });
    if (result.exitCode !== 0) {
      throw new LabError("VIPDRILL_RUNTIME_CLIENT", `${host.id}: could not look for a client of HAProxy's runtime API (${result.timedOut ? "timed out" : `sh exited ${result.exitCode ?? "?"}`})`);
    }
    const name = result.stdout.trim();
    return RUNTIME_CLIENTS.find((client) => client === name);
  })();
  found.catch(() => clients.delete(transport));
  clients.set(transport, found);
  return found;
}

/** HAProxy's runtime socket on this host and how it was found; a LabError when none will do (none at admin level, an unreadable configuration). */
export async function runtimeSocket(host: Host, topology: Topology): Promise<FoundPath> {
  const given = givenSocket(host, topology);
  if (given) return given;
  const { socket } = await balancerConfig(host, topology);
  if ("error" in socket) throw new LabError("VIPDRILL_HAPROXY_SOCKET", `${host.id}: ${socket.error}`);
  return socket;
}

/** The runtime API command (the line on stdin) on this host, or why the host cannot send one (without its id). */
export async function runtimeCommand(host: Host, topology: Topology, line: string): Promise<ExecCommand | string> {
  const socket = await runtimeSocket(host, topology);
  const client = await runtimeClient(host);
  if (!client) return `no socat, nc -U (OpenBSD netcat or ncat) or python3 to reach HAProxy's runtime API at ${socket.path}; install socat`;
  return exec(runtimeClientArgv(client, socket.path), `${line}\n`);
}

/**
 * Why a runtime API call failed in a way waiting cannot fix, or undefined: permission denied (by the
 * socket's mode, or HAProxy refusing a command above the socket's level), or no such socket on a
 * real host (in a lab still booting, HAProxy may not have made it yet).
 */
export function lastingSocketFailure(result: ExecResult, topology: Topology): string | undefined {
  const text = `${result.stderr}\n${result.stdout}`;
  if (/Permission denied|EACCES|Errno 13\b/.test(text)) return "permission denied";
  if (topology.kind === "inventory" && /No such file or directory|ENOENT|Errno 2\b/.test(text)) return "no such socket";
  return undefined;
}

/**
 * Send one line to HAProxy's runtime API on this host. A failure waiting cannot fix throws a
 * LabError naming the host, the socket and how it was found; one it may (HAProxy restarting) is a
 * result; a host without a client is the reason, as a string.
 */
export async function runtimeCall(host: Host, topology: Topology, line: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult | string> {
  const socket = await runtimeSocket(host, topology);
  const command = await runtimeCommand(host, topology, line);
  if (typeof command === "string") return command;
  const result = await host.transport.exec(command.argv, { ...options, stdin: command.stdin ?? "" });
  const lasting = lastingSocketFailure(result, topology);
  if (lasting) {
    const fix = socket.how.startsWith("inventory") ? "fix it in the inventory" : "set hosts[].haproxySocket in the inventory, or fix the stats socket line";
    throw new LabError("VIPDRILL_HAPROXY_SOCKET", `${host.id}: HAProxy's runtime socket ${socket.path} (${socket.how}): ${lasting}, which waiting cannot fix: ${fix}`);
  }
  return result;
}

export interface ServerState {
  server: string;
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** srv_admin_state bitmask: 0x01 forced maint, 0x08 forced drain, … */
  adminState: number;
}

/** Parse `show servers state <backend>` (format version 1). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split("\n").filter((l) => l.trim() && !/^\d+$/.test(l.trim()));
  const header = lines.find((l) => l.startsWith("#"));
  if (!header) return [];
  const columns = header.replace(/^#\s*/, "").split(/\s+/);
  const col = (name: string): number => columns.indexOf(name);
  return lines
    .filter((l) => !l.startsWith("#"))
    .map((l) => l.trim().split(/\s+/))
    .map((cells) => ({
      server: cells[col("srv_name")] ?? "",
      opState: Number(cells[col("srv_op_state")]),
      adminState: Number(cells[col("srv_admin_state")]),
    }));
}

export async function serversState(host: Host, topology: Topology): Promise<ServerState[] | string> {
  const result = await runtimeCall(host, topology, `show servers state ${topology.haproxy.backend}`, { timeoutMs: 10_000 });
  if (typeof result === "string") return `${host.id}: ${result}`;
  if (result.exitCode !== 0) return `runtime API on ${host.id} unavailable (${result.stderr.trim() || `exit ${result.exitCode}`})`;
  return parseServersState(result.stdout);
}

export interface ShowStatRow {
  backend: string;
  server: string;
  status: string;
}

/** Parse HAProxy's `show stat` CSV (pxname, svname, …, status at column 17). */
export function parseShowStat(csv: string): ShowStatRow[] {
  return csv
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => line.split(","))
    .filter((cols) => cols.length > 17)
    .map((cols) => ({ backend: cols[0]!, server: cols[1]!, status: cols[17]! }));
}
