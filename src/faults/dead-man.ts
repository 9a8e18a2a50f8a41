import { TransportError } from "../common/errors.js";
import type { Host } from "../model/host.js";
import { shellQuote } from "../common/shell-quote.js";
import { exec, failureOf, renderCommand, type Command } from "../model/command.js";

/** A timer on the host that heals the fault by itself if vipdrill is not there to do it. */
export interface DeadMan {
  readonly hostId: string;
  /** The command that cancels the timer (shown in manual heal instructions too). */
  readonly disarm: Command;
  readonly script: string;
  /** Written by the script when it has run: the host's time (ns since the epoch) and the restore's exit status. */
  readonly stampFile: string;
}

/**
 * Shell that sets $t to the host's time in ns since the epoch. A `date` without %N (BusyBox builds,
 * old BSDs) prints it literally: then whole seconds, padded with nine zeros, which parseStamp reads back
 * as a 1 s resolution.
 */
const SHELL_NOW_NS = `t=$(date +%s%N 2>/dev/null); case "$t" in ''|*[!0-9]*) t="$(date +%s)000000000";; esac`;

/** Shell that writes a stamp parseStamp reads: the host's time now, then `status` (a shell word, e.g. "$s"). */
export function stampShell(stampFile: string, status: string): string {
  return `${SHELL_NOW_NS}; echo "$t ${status}" > ${shellQuote(stampFile)}`;
}

/** A host stamp: the time (ms since the epoch) and how far off it can be from the event, by the clock's resolution. */
export interface Stamp {
  epochMs: number;
  status: number;
  resolutionMs: number;
}

/** `date +%s%N` (see SHELL_NOW_NS) then the status, as the heal script writes it to its stamp file. */
export function parseStamp(text: string): Stamp | undefined {
  const match = /^(\d{12,})\s+(\d+)\s*$/.exec(text.trim());
  if (!match) return undefined;
  const ns = BigInt(match[1]!);
  const status = Number(match[2]);
  // Whole seconds (nine zeros): the event happened somewhere in that second; take its middle.
  if (ns % 1_000_000_000n === 0n) return { epochMs: Number(ns / 1_000_000n) + 500, status, resolutionMs: 500 };
  return { epochMs: Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6, status, resolutionMs: 0 };
}

/**
 * The restore as one POSIX sh script that runs every command even if one fails (a heal does as
 * much as it can), then stamps the time and the first failure's status into stampFile.
 */
export function healScript(restore: Command[], stampFile: string): string {
  const steps = restore.map((c) => `${renderCommand(c)} || s=\${s:-$?}`);
  return [`s=`, ...steps, stampShell(stampFile, "${s:-0}")].join("; ");
}

/** The names a dead-man timer uses on its host. */
export function deadManNames(name: string): { unit: string; stampFile: string; pidFile: string } {
  const unit = `vipdrill-heal-${name}`;
  return { unit, stampFile: `/tmp/${unit}.done`, pidFile: `/tmp/${unit}.pid` };
}

/**
 * Starts a shell script detached from the command that starts it: its own session (so the disarm can
 * kill the sleep with it), no hang-up on logout, and stdio on /dev/null — an SSH channel stays open as
 * long as anything holds its stdout, so without that the arm would last as long as the timer. The
 * pid ($!, which setsid/nohup exec into) goes to pidFile.
 */
const DETACH =
  'if command -v setsid >/dev/null 2>&1; then setsid /bin/sh -c "$1" </dev/null >/dev/null 2>&1 & ' +
  'else nohup /bin/sh -c "$1" </dev/null >/dev/null 2>&1 & fi; echo $! > "$2"';

/** Kills the detached timer's process group (its sleep too), or the shell alone where it has no group of its own. */
// No `--` before the negative pid: dash's kill does not take it.
const KILL_DETACHED =
  'p=$(cat "$1" 2>/dev/null); if [ -n "$p" ]; then kill -TERM "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; fi; rm -f "$1"';

/**
 * The argv that arms the timer, and the command that disarms it. With systemd: a transient timer
 * unit (`systemd-run --on-active`), which outlives the SSH session and vipdrill. Without: a detached
 * `sleep; restore` shell whose pid is kept in a file so it can be cancelled.
 */
export function deadManCommands(name: string, restore: Command[], afterMs: number, systemd: boolean): { arm: string[]; disarm: Command; script: string } {
  const { unit, stampFile, pidFile } = deadManNames(name);
  const script = healScript(restore, stampFile);
  const ms = Math.max(1, Math.round(afterMs));
  if (systemd) {
    return {
      // A stamp an earlier timer of this name left (a killed run's, fired late) is removed as this one is armed.
      arm: ["sh", "-c", 'rm -f -- "$1"; shift; exec "$@"', "vipdrill-arm", stampFile, "systemd-run", "--quiet", "--collect", `--unit=${unit}`, `--on-active=${ms}ms`, "--timer-property=AccuracySec=1ms", "/bin/sh", "-c", script],
      disarm: exec(["systemctl", "stop", `${unit}.timer`]),
      script,
    };
  }
  // Once the sleep is over the pid file goes first: a late disarm then cannot stop a heal half way.
  const timed = `sleep ${(ms / 1000).toFixed(3)}; rm -f ${shellQuote(pidFile)}; ${script}`;
  return {
    arm: ["sh", "-c", `rm -f -- "$3"; ${DETACH}`, "vipdrill-arm", timed, pidFile, stampFile],
    disarm: exec(["sh", "-c", KILL_DETACHED, "vipdrill-disarm", pidFile]),
    script,
  };
}

/** How a host runs a dead-man timer: a systemd transient timer where systemd is PID 1 with systemd-run, else a detached shell. */
export type DeadManKind = "systemd" | "shell";

/** Which kind of timer the host can run; removes a stamp file an earlier run of this timer left. */
export async function deadManKind(host: Host, name: string): Promise<DeadManKind> {
  const { stampFile } = deadManNames(name);
  const probe = await host.transport.exec(["sh", "-c", 'rm -f "$1"; test -d /run/systemd/system && command -v systemd-run', "vipdrill-probe", stampFile], {
    timeoutMs: 10_000,
  });
  return probe.exitCode === 0 ? "systemd" : "shell";
}

/**
 * Arm the timer before injecting (`kind` as deadManKind found it, or found now); `afterMs` is honoured to the millisecond: for a fault that cuts
 * our connection to the host, this timer IS the restore.
 */
export async function armDeadMan(host: Host, name: string, restore: Command[], afterMs: number, kind?: DeadManKind): Promise<DeadMan> {
  const { stampFile } = deadManNames(name);
  const { arm, disarm, script } = deadManCommands(name, restore, afterMs, (kind ?? (await deadManKind(host, name))) === "systemd");
  const result = await host.transport.exec(arm, { timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new Error(`arming the dead-man timer on ${host.id} failed: ${failureOf(result)}`);
  return { hostId: host.id, disarm, script, stampFile };
}

/** A stamp the host wrote (the heal script's, an inject's), if it has; undefined if not (yet), or the host cannot be reached. */
export async function readStamp(host: Host, stampFile: string, timeoutMs: number): Promise<Stamp | undefined> {
  try {
    const result = await host.transport.exec(["cat", stampFile], { timeoutMs });
    return result.exitCode === 0 ? parseStamp(result.stdout) : undefined;
  } catch (error) {
    if (error instanceof TransportError) return undefined;
    throw error;
  }
}
