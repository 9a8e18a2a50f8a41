/**
 * argv run so that it prints its pid on its first line: a timeout or stop() can then end it on the
 * host (closing the channel or the attach connection alone leaves it running until it next writes).
 * `name` is the shell's $0, what `ps` shows for it until the exec.
 */
export const withPidFirst = (name: string, argv: readonly string[]): string[] => ["sh", "-c", 'echo "$$"; exec "$@"', name, ...argv];

/** Takes the pid line off the front of a withPidFirst command's stdout; every byte after it goes to `rest` untouched. */
export class PidLine {
  /** The first line so far; undefined once it is complete. */
  #head: Buffer | undefined = Buffer.alloc(0);
  #pid: string | undefined;

  constructor(private readonly rest: (chunk: Buffer) => void) {}

  /** Feed stdout chunks as they arrive. */
  readonly write = (chunk: Buffer): void => {
    if (this.#head === undefined) return this.rest(chunk);
    this.#head = Buffer.concat([this.#head, chunk]);
    const newline = this.#head.indexOf(0x0a);
    if (newline < 0) return;
    this.#pid = this.#head.subarray(0, newline).toString("latin1").trim();
    const after = this.#head.subarray(newline + 1);
    this.#head = undefined;
    if (after.length > 0) this.rest(after);
  };

  /** The command's pid once its line has come, if it is one (digits only: safe to hand to kill). */
  get pid(): string | undefined {
    return this.#pid !== undefined && /^\d+$/.test(this.#pid) ? this.#pid : undefined;
  }

  /** Output that never finished a first line (the wrapper did not run as expected): the caller keeps it. */
  get unfinished(): Buffer | undefined {
    return this.#head?.length ? this.#head : undefined;
  }
}
