import type { Host, Topology } from "../targets/host.js";
import { exec, type Command } from "./command.js";

/** A runtime API command sent with socat (argv, the command on stdin). */
export function runtimeCommand(topology: Topology, line: string): Command {
  return exec(["socat", "-", `UNIX-CONNECT:${topology.haproxy.socket}`], `${line}\n`);
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
  const command = runtimeCommand(topology, `show servers state ${topology.haproxy.backend}`);
  if (command.kind !== "exec") return "unreachable";
  const result = await host.transport.exec(command.argv, { stdin: command.stdin!, timeoutMs: 10_000 });
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
