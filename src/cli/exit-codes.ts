import type { ExitClass } from "../common/error-codes.js";
import { VipdrillError } from "../common/errors.js";

/** vipdrill's exit codes. They live here only; the README's "Exit codes" table says the same (kept by hand). */
export const EXIT = {
  /** Every budget held. */
  pass: 0,
  /** The drill ran and at least one budget was breached. */
  budgetBreached: 1,
  /** Invalid scenario, inventory or command line: nothing was done. */
  usage: 2,
  /** The lab or the targets could not be brought up or reached. */
  lab: 3,
  /** Aborted by a signal or a safety stop; faults were restored. */
  aborted: 4,
  /** A restore failed: hosts may still be faulted (the output says which, and how to heal them). */
  restoreFailed: 5,
  /** The fault could not be injected or did not take effect: the drill measured nothing; what was injected was restored. */
  fault: 6,
  /** A bug in vipdrill. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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
