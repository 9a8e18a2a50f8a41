import { errorMessage, RestoreError, VipdrillError } from "../common/errors.js";

/** One line for a known error (plus manual heal steps for a failed restore); a stack only with --debug. */
export function reportError(error: unknown, debug: boolean): void {
  if (error instanceof VipdrillError) {
    process.stderr.write(`vipdrill: ${error.message}\n`);
    if (error instanceof RestoreError) {
      process.stderr.write("HOSTS MAY STILL BE FAULTED. Heal them by hand:\n");
      for (const host of error.manualHeal) {
        for (const command of host.commands) process.stderr.write(`  [${host.hostId}] ${command}\n`);
      }
    }
  } else {
    process.stderr.write(`vipdrill: internal error: ${errorMessage(error)} (please report it; --debug shows the stack)\n`);
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
