import { ERROR_CODES, type CodeOf, type ErrorCode, type ErrorCodeEntry, type ExitClass } from "./error-codes.js";

/**
 * Every error vipdrill shows a user is a VipdrillError: a stable code from the catalogue
 * (error-codes.ts), a one-line actionable message, and the code's exit class, which the CLI maps to
 * an exit code. Stack traces are for `--debug` only.
 */
export class VipdrillError extends Error {
  override readonly name: string = "VipdrillError";
  /** The code's exit class, from the catalogue. */
  readonly category: ExitClass;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    // A code cast past the type check is a bug, and must not turn this error into a TypeError.
    this.category = (ERROR_CODES[code] as ErrorCodeEntry | undefined)?.exit ?? "internal";
  }
}

/** A scenario, inventory or command line that cannot be used as given. */
export class UsageError extends VipdrillError {
  override readonly name = "UsageError";
  constructor(code: CodeOf<"usage">, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The lab or the targets could not be brought up or reached. */
export class LabError extends VipdrillError {
  override readonly name = "LabError";
  declare readonly code: CodeOf<"lab">;
  constructor(code: CodeOf<"lab">, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** A host could not be reached through its transport (SSH connect, auth, host key, lost connection). */
export class TransportError extends LabError {
  constructor(
    code: CodeOf<"lab">,
    readonly hostId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A fault could not be injected or did not take effect: the drill measured nothing; what was injected was restored. */
export class FaultEffectError extends VipdrillError {
  override readonly name = "FaultEffectError";
  constructor(code: CodeOf<"fault">, message: string, options?: ErrorOptions) {
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
    options?: ErrorOptions,
  ) {
    super("VIPDRILL_RESTORE_FAILED", message, options);
  }
}

/** The run was stopped by a signal or a safety stop; faults were restored. */
export class AbortedError extends VipdrillError {
  override readonly name = "AbortedError";
  constructor(message: string, options?: ErrorOptions) {
    super("VIPDRILL_ABORTED", message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
