import { LabError } from "../common/errors.js";
import type { ExecTransport, Host, Topology } from "../model/host.js";
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

/** The runtime API command (the line on stdin) on this host, or why the host cannot send one (without its id). */
export async function runtimeCommand(host: Host, topology: Topology, line: string): Promise<ExecCommand | string> {
  const client = await runtimeClient(host);
  if (!client) return `no socat, nc -U (OpenBSD netcat or ncat) or python3 to reach HAProxy's runtime API at ${topology.haproxy.socket}; install socat`;
  return exec(runtimeClientArgv(client, topology.haproxy.socket), `${line}\n`);
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
  const command = await runtimeCommand(host, topology, `show servers state ${topology.haproxy.backend}`);
  if (typeof command === "string") return `${host.id}: ${command}`;
  const result = await host.transport.exec(command.argv, { stdin: command.stdin ?? "", timeoutMs: 10_000 });
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
