/**
 * Every error vipdrill shows a user is a VipdrillError: a stable code, a one-line actionable
 * message, and the exit code class the CLI maps it to. Stack traces are for `--debug` only.
 */
export const ERROR_CATEGORIES = ["usage", "lab", "restore", "aborted", "internal"] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class VipdrillError extends Error {
  override readonly name: string = "VipdrillError";
  constructor(
    readonly code: string,
    message: string,
    readonly category: ErrorCategory,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A scenario, inventory or command line that cannot be used as given. */
export class UsageError extends VipdrillError {
  override readonly name = "UsageError";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, "usage", options);
  }
}

/** The lab or the targets could not be brought up or reached. */
export class LabError extends VipdrillError {
  override readonly name = "LabError";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, "lab", options);
  }
}

/** A host could not be reached through its transport (SSH connect, auth, host key, lost connection). */
export class TransportError extends LabError {
  constructor(
    code: string,
    readonly hostId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A fault could not be healed: hosts may still be faulted. */
export class RestoreError extends VipdrillError {
  override readonly name = "RestoreError";
  constructor(
    message: string,
    /** Per host, the argv lines that heal it by hand. */
    readonly manualHeal: ReadonlyArray<{ hostId: string; commands: string[] }>,
    options?: { cause?: unknown },
  ) {
    super("VIPDRILL_RESTORE_FAILED", message, "restore", options);
  }
}

/** The run was stopped by a signal or a safety stop; faults were restored. */
export class AbortedError extends VipdrillError {
  override readonly name = "AbortedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("VIPDRILL_ABORTED", message, "aborted", options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
