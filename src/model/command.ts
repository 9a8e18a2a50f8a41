import { shellQuote } from "../common/shell-quote.js";
import type { ExecResult, Host, NodeLifecycle } from "./host.js";

/** Something done to a host: a command run through its transport, or a lab lifecycle operation. */
export type Command =
  | { kind: "exec"; argv: string[]; stdin?: string }
  | { kind: "lifecycle"; op: "kill" | "start" | "pause" | "unpause"; node: string };

export type ExecCommand = Extract<Command, { kind: "exec" }>;

export const exec = (argv: string[], stdin?: string): ExecCommand =>
  stdin === undefined ? { kind: "exec", argv } : { kind: "exec", argv, stdin };


/** The command as a user would type it (manual heal instructions, plans, dead-man scripts). */
export function renderCommand(command: Command): string {
  if (command.kind === "lifecycle") return `docker ${command.op} <container of ${command.node}>`;
  const line = command.argv.map(shellQuote).join(" ");
  if (command.stdin === undefined) return line;
  return `printf '%s\\n' ${command.stdin.trimEnd().split("\n").map(shellQuote).join(" ")} | ${line}`;
}

export async function runCommand(host: Host, command: Command, lifecycle?: NodeLifecycle): Promise<ExecResult> {
  if (command.kind === "exec") {
    const options = command.stdin === undefined ? { timeoutMs: 15_000 } : { timeoutMs: 15_000, stdin: command.stdin };
    return host.transport.exec(command.argv, options);
  }
  const started = performance.now();
  const argv = ["lifecycle", command.op, command.node];
  if (!lifecycle) {
    return { argv, exitCode: 1, signal: null, stdout: "", stderr: "no lifecycle control here", durationMs: 0, timedOut: false };
  }
  try {
    await lifecycle[command.op](command.node);
    return { argv, exitCode: 0, signal: null, stdout: "", stderr: "", durationMs: performance.now() - started, timedOut: false };
  } catch (error) {
    const stderr = error instanceof Error ? error.message : String(error);
    return { argv, exitCode: 1, signal: null, stdout: "", stderr, durationMs: performance.now() - started, timedOut: false };
  }
}

/** A one-line summary of a failed command for error messages. */
export function failureOf(result: ExecResult): string {
  const output = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-1)[0] ?? "";
  const status = result.timedOut ? "timed out" : `exited ${result.exitCode ?? "?"}`;
  return `\`${result.argv.join(" ")}\` ${status}${output ? `: ${output}` : ""}`;
}
