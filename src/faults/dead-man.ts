import type { Host } from "../targets/host.js";
import { exec, failureOf, renderCommand, type Command } from "./command.js";

/** A timer on the host that heals the fault by itself if vipdrill is not there to do it. */
export interface DeadMan {
  readonly hostId: string;
  /** The command that cancels the timer (shown in manual heal instructions too). */
  readonly disarm: Command;
  readonly script: string;
}

/**
 * Arm the timer before injecting. With systemd: a transient timer unit (`systemd-run --on-active`),
 * which survives the SSH session and vipdrill. Without: a detached `sleep; restore` shell whose pid
 * is kept in a file so it can be cancelled.
 */
export async function armDeadMan(host: Host, name: string, restore: Command[], afterMs: number): Promise<DeadMan> {
  const script = restore.map(renderCommand).join("; ");
  const seconds = Math.max(1, Math.ceil(afterMs / 1000));
  const unit = `vipdrill-heal-${name}`;
  const probe = await host.transport.exec(["sh", "-c", "test -d /run/systemd/system && command -v systemd-run"], {
    timeoutMs: 10_000,
  });
  let arm: string[];
  let disarm: Command;
  if (probe.exitCode === 0) {
    arm = ["systemd-run", "--quiet", "--collect", `--unit=${unit}`, `--on-active=${seconds}s`, "--timer-property=AccuracySec=100ms", "/bin/sh", "-c", script];
    disarm = exec(["systemctl", "stop", `${unit}.timer`]);
  } else {
    const pidFile = `/tmp/${unit}.pid`;
    arm = ["setsid", "-f", "/bin/sh", "-c", `echo $$ > ${pidFile}; sleep ${seconds}; rm -f ${pidFile}; ${script}`];
    disarm = exec(["sh", "-c", 'kill "$(cat "$1")" 2>/dev/null; rm -f "$1"', "vipdrill-disarm", pidFile]);
  }
  const result = await host.transport.exec(arm, { timeoutMs: 10_000 });
  if (result.exitCode !== 0) throw new Error(`arming the dead-man timer on ${host.id} failed: ${failureOf(result)}`);
  return { hostId: host.id, disarm, script };
}
