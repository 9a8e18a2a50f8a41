/**
 * Signals become an abort: the running drill stops waiting, restores its fault and tears down what
 * it started, in its own finally blocks. A second Ctrl-C does not cut that short; it only says so.
 */
export class Safety {
  readonly #controller = new AbortController();
  #reason: string | undefined;
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    if (this.#controller.signal.aborted) {
      process.stderr.write(`\nvipdrill: ${signal} again — still restoring faults and tearing down, please wait\n`);
      return;
    }
    this.#reason = signal;
    process.stderr.write(`\nvipdrill: ${signal} — restoring faults and tearing down…\n`);
    this.#controller.abort(new Error(`interrupted by ${signal}`));
  };

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal name that aborted the run, if any. */
  get reason(): string | undefined {
    return this.#reason;
  }

  install(): this {
    process.on("SIGINT", this.#onSignal);
    process.on("SIGTERM", this.#onSignal);
    process.on("SIGHUP", this.#onSignal);
    return this;
  }

  uninstall(): void {
    process.off("SIGINT", this.#onSignal);
    process.off("SIGTERM", this.#onSignal);
    process.off("SIGHUP", this.#onSignal);
  }
}
