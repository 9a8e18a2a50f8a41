/**
 * HAProxy's runtime API sockets as its configuration declares them: `stats socket <path> [param*]`
 * in the global section (doc/configuration.txt §3.1, bind options). A socket's `level` is
 * "operator" unless it says otherwise; vipdrill drains servers, which needs "admin".
 */
import type { HaproxyLine } from "./haproxy-cfg.js";

export interface StatsSocket {
  path: string;
  level: string;
  file: string;
  line: number;
}

/** Where an address names no Unix socket path: another family (ipv4@, abns@, fd@, …) or host:port. */
const NOT_A_PATH = /^(?!unix@|uxst@)[a-z0-9]+@|^[^/]*:\d*$/;

/** Every `stats socket` of the global section that is a Unix socket path, in order. */
export function statsSockets(lines: readonly HaproxyLine[]): StatsSocket[] {
  return lines.flatMap((l) => {
    if (l.section?.keyword !== "global" || l.words[0] !== "stats" || l.words[1] !== "socket") return [];
    const address = l.words[2];
    if (address === undefined || NOT_A_PATH.test(address)) return [];
    const levelAt = l.words.indexOf("level", 3);
    const level = levelAt > 0 ? (l.words[levelAt + 1] ?? "operator") : "operator";
    return [{ path: address.replace(/^(unix|uxst)@/, ""), level, file: l.file, line: l.line }];
  });
}

/** The first admin-level socket; else why none will do, naming the lines it read. */
export function adminSocket(lines: readonly HaproxyLine[], files: readonly string[]): StatsSocket | string {
  const sockets = statsSockets(lines);
  const admin = sockets.find((s) => s.level === "admin");
  if (admin) return admin;
  if (sockets.length === 0) return `no \`stats socket\` on a Unix path in ${files.join(", ")}: add \`stats socket /run/haproxy/admin.sock mode 600 level admin\` to its global section`;
  return sockets.map((s) => `stats socket ${s.path} (${s.file}:${s.line}) is level ${s.level}, not admin`).join("; ") + ": add `level admin` to it, or set haproxySocket for this host";
}
