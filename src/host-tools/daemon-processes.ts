/**
 * Where Keepalived and HAProxy really read their configuration on a host: their running processes'
 * command lines (/proc/PID/cmdline, NUL-separated, read whole: `ps` output loses the argument
 * boundaries), Keepalived's `-f FILE` / `--use-file[=]FILE`, HAProxy's `-f FILE|DIR` (several) and
 * files after `--`. Relative paths are the process's own working directory's.
 */
import { posix } from "node:path";
import type { Host } from "../model/host.js";

export const DAEMONS = ["keepalived", "haproxy"] as const;
export type Daemon = (typeof DAEMONS)[number];

export interface DaemonProcess {
  pid: number;
  argv: string[];
  /** Its working directory (readlink /proc/PID/cwd); "/" where it cannot be read. */
  cwd: string;
}

/**
 * One line per Keepalived or HAProxy process: pid, name, cwd and argv with its NULs as \001 (read's
 * and printf's builtins only, so a host with hundreds of processes answers at once).
 */
const LIST_SCRIPT = [
  "for d in /proc/[0-9]*; do",
  '  { read -r c < "$d/comm"; } 2>/dev/null || continue',
  '  case "$c" in keepalived|haproxy) ;; *) continue ;; esac',
  `  printf '%s\\t%s\\t%s\\t' "\${d#/proc/}" "$c" "$(readlink "$d/cwd" 2>/dev/null)"`,
  "  tr '\\000' '\\001' < \"$d/cmdline\" 2>/dev/null",
  "  printf '\\n'",
  "done",
].join("\n");

/** Every Keepalived and HAProxy process in the script's output. */
export function parseDaemonProcesses(stdout: string): Array<DaemonProcess & { daemon: Daemon }> {
  return stdout.split("\n").flatMap((line) => {
    const [pid, name, cwd, args] = line.split("\t");
    if (pid === undefined || args === undefined || !(DAEMONS as readonly string[]).includes(name ?? "")) return [];
    const argv = args.split("\u0001").filter((a, i, all) => i < all.length - 1 || a !== "");
    return [{ daemon: name as Daemon, pid: Number(pid), argv, cwd: cwd || "/" }];
  });
}

/** Each daemon's first process: the lowest pid, the parent (or HAProxy's master). */
export function firstOfEach(processes: ReadonlyArray<DaemonProcess & { daemon: Daemon }>): Partial<Record<Daemon, DaemonProcess>> {
  const first: Partial<Record<Daemon, DaemonProcess>> = {};
  for (const { daemon, ...process } of processes) {
    const known = first[daemon];
    if (known === undefined || process.pid < known.pid) first[daemon] = process;
  }
  return first;
}

/** Every Keepalived and HAProxy process on the host, or why they could not be listed. */
export async function listDaemonProcesses(host: Host, timeoutMs = 10_000): Promise<Array<DaemonProcess & { daemon: Daemon }> | string> {
  const result = await host.transport.exec(["sh", "-c", LIST_SCRIPT], { timeoutMs });
  if (result.exitCode !== 0) return `could not list its processes (${result.timedOut ? "timed out" : result.stderr.trim().split("\n")[0] || `exit ${result.exitCode ?? "?"}`})`;
  return parseDaemonProcesses(result.stdout);
}

/** Keepalived's compiled-in configuration file, read when no -f is given. */
export const KEEPALIVED_DEFAULT_CONF = "/etc/keepalived/keepalived.conf";

/** The keepalived.conf a process reads: its -f / --use-file, or the default. */
export function keepalivedConfOf(process: DaemonProcess): { path: string; how: string } {
  const args = process.argv;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    const value = arg === "-f" || arg === "--use-file" ? args[i + 1] : arg.startsWith("--use-file=") ? arg.slice("--use-file=".length) : /^-f./.test(arg) ? arg.slice(2) : undefined;
    if (value !== undefined) {
      const path = posix.resolve(process.cwd, value);
      return { path, how: `from keepalived's ${arg.startsWith("--") ? "--use-file" : "-f"} ${value} (pid ${process.pid})` };
    }
  }
  return { path: KEEPALIVED_DEFAULT_CONF, how: `keepalived's default (pid ${process.pid} has no -f)` };
}

/** The files or directories a HAProxy process was given: every -f, and whatever follows `--`. */
export function haproxyConfigsOf(process: DaemonProcess): string[] {
  const args = process.argv;
  const configs: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      configs.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-f" && args[i + 1] !== undefined) configs.push(args[++i]!);
    else if (/^-f./.test(arg)) configs.push(arg.slice(2));
  }
  return configs.map((c) => posix.resolve(process.cwd, c));
}
