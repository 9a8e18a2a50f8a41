import { spawn } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const CLI = join(ROOT, "dist", "cli", "main.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI; `onStderr` sees stderr as it arrives (to time a Ctrl-C). */
export function runCli(args: string[], options: { onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      options.onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** report.json files written under dir, newest last (run folders only: not `latest`, not a run that stopped before its drill). */
export async function reportsIn(dir: string): Promise<Array<Record<string, unknown>>> {
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const texts = await Promise.all(entries.map((e) => readFile(join(dir, e, "report.json"), "utf8").catch(() => undefined)));
  return texts.filter((t): t is string => t !== undefined).map((t) => JSON.parse(t) as Record<string, unknown>);
}
