import type { ExecResult } from "../model/host.js";

/** Why a finished command did not succeed, in a few words: its timeout, its first stderr line, or its exit. */
export function execFailure(result: ExecResult): string {
  if (result.timedOut) return `\`${result.argv[0] ?? ""}\` timed out after ${Math.round(result.durationMs)} ms`;
  const stderr = result.stderr.trim().split("\n")[0];
  return stderr ? stderr.slice(0, 160) : `\`${result.argv[0] ?? ""}\` exited ${result.exitCode ?? result.signal ?? "?"}`;
}
