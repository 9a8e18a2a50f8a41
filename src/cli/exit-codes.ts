import type { ExitClass } from "../common/error-codes.js";
import { VipdrillError } from "../common/errors.js";

/**
 * vipdrill's exit codes and what each means: the one table. `--help` prints it (exitCodeTable); the
 * README's "Exit codes" table says the same at more length, and a test checks it lists these codes.
 */
const EXIT_CODES = {
  pass: { code: 0, meaning: "the drill ran and every budget held" },
  budgetBreached: { code: 1, meaning: "the drill ran and at least one budget was breached" },
  usage: { code: 2, meaning: "invalid scenario, inventory or command line (or a fault that cannot apply); nothing was done" },
  lab: { code: 3, meaning: "the lab or the targets could not be brought up or reached (no Docker engine, a host unreachable, preflight failed)" },
  aborted: { code: 4, meaning: "aborted by Ctrl-C, SIGTERM or SIGHUP, or not confirmed; faults were restored" },
  restoreFailed: { code: 5, meaning: "a restore failed: hosts may still be faulted (the output says which, and how to heal them)" },
  fault: { code: 6, meaning: "the fault could not be injected or did not take effect: nothing was measured; what was injected was restored" },
  internal: { code: 70, meaning: "a bug in vipdrill (--debug prints the stack)" },
} as const;

type ExitName = keyof typeof EXIT_CODES;

/** The exit codes by name: EXIT.pass, EXIT.budgetBreached, … */
export const EXIT = Object.fromEntries(Object.entries(EXIT_CODES).map(([name, { code }]) => [name, code])) as {
  readonly [K in ExitName]: (typeof EXIT_CODES)[K]["code"];
};

export type ExitCode = (typeof EXIT)[ExitName];

/** Every exit code with its meaning, in order. */
export const EXIT_MEANINGS: ReadonlyArray<{ code: ExitCode; meaning: string }> = Object.values(EXIT_CODES);

/** The exit codes as a table for --help. */
export function exitCodeTable(): string {
  return EXIT_MEANINGS.map(({ code, meaning }) => `  ${String(code).padStart(2)}  ${meaning}`).join("\n");
}

/** The exit code of each exit class of the error catalogue (common/error-codes.ts). */
const EXIT_OF_CLASS: Record<ExitClass, ExitCode> = {
  usage: EXIT.usage,
  lab: EXIT.lab,
  fault: EXIT.fault,
  aborted: EXIT.aborted,
  restore: EXIT.restoreFailed,
  internal: EXIT.internal,
};

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof VipdrillError ? EXIT_OF_CLASS[error.category] : EXIT.internal;
}

/** When several scenarios run, the exit code is the most serious outcome. */
const SEVERITY: ExitCode[] = [EXIT.pass, EXIT.budgetBreached, EXIT.usage, EXIT.lab, EXIT.fault, EXIT.aborted, EXIT.internal, EXIT.restoreFailed];
export function worstOf(codes: ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((worst, code) => (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst), EXIT.pass);
}
