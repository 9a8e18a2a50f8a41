import { createInterface } from "node:readline/promises";
import { AbortedError, UsageError } from "../common/errors.js";

/**
 * Ask before changing real hosts. `--yes` answers for CI; without a terminal to ask on and without
 * `--yes`, nothing runs.
 */
export async function confirm(question: string, options: { yes: boolean; signal: AbortSignal }): Promise<void> {
  if (options.yes) return;
  if (!process.stdin.isTTY) {
    throw new UsageError("VIPDRILL_CONFIRMATION_NEEDED", `${question} — no terminal to ask on: pass --yes to run without confirmation (CI)`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Type yes to go on: `, { signal: options.signal });
    if (answer.trim().toLowerCase() !== "yes") throw new AbortedError("not confirmed: nothing was done to any host");
  } catch (error) {
    if (error instanceof AbortedError) throw error;
    throw new AbortedError("interrupted at the confirmation: nothing was done to any host", { cause: error });
  } finally {
    rl.close();
  }
}
