import { VipdrillError } from "../common/errors.js";

/** vipdrill's exit codes. They live here only; the README's table is generated from the same words. */
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

export function exitCodeOf(error: unknown): ExitCode {
  if (!(error instanceof VipdrillError)) return EXIT.internal;
  switch (error.category) {
    case "usage":
      return EXIT.usage;
    case "lab":
      return EXIT.lab;
    case "fault":
      return EXIT.fault;
    case "aborted":
      return EXIT.aborted;
    case "restore":
      return EXIT.restoreFailed;
    case "internal":
      return EXIT.internal;
  }
}

/** When several scenarios run, the exit code is the most serious outcome. */
const SEVERITY: ExitCode[] = [EXIT.pass, EXIT.budgetBreached, EXIT.usage, EXIT.lab, EXIT.fault, EXIT.aborted, EXIT.internal, EXIT.restoreFailed];
export function worstOf(codes: ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((worst, code) => (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst), EXIT.pass);
}
