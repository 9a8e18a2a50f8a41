import { CommandShell, type ShellResult } from "./command-shell.js";

/** Shells kept per host: enough for the commands a drill sends one host at once (observers, the fault, readiness). */
const MAX_SHELLS = 4;

/**
 * A host's command shells (command-shell.ts): a command goes to an idle one, or to one opened for it
 * while fewer than the maximum are open. `run` answers undefined where no shell can take the
 * command (every one busy with a slow command, or the host cannot run one): the caller then runs it
 * the slow way, so a shell never changes what a command does, only what it costs.
 */
export class CommandShells {
  #shells: CommandShell[] = [];
  #opening = 0;
  #unsupported = false;

  constructor(
    private readonly open: () => Promise<CommandShell>,
    private readonly max = MAX_SHELLS,
  ) {}

  async run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ShellResult | undefined> {
    if (this.#unsupported) return undefined;
    if (this.#shells.some((s) => s.neverWorked)) {
      // A shell that ended before it answered anything cannot run on this host: stop trying.
      this.#unsupported = true;
      return undefined;
    }
    this.#shells = this.#shells.filter((s) => !s.ended);
    let shell = this.#shells.find((s) => !s.busy);
    if (!shell) {
      if (this.#shells.length + this.#opening >= this.max) return undefined;
      this.#opening++;
      try {
        shell = await this.open();
      } catch {
        // The host cannot be reached this way now (a stopped container): the slow way says why, in its words.
        return undefined;
      } finally {
        this.#opening--;
      }
      this.#shells.push(shell);
    }
    try {
      return await shell.run(argv, options);
    } catch (error) {
      if (shell.neverWorked) {
        this.#unsupported = true;
        return undefined;
      }
      // The shell ended while the command ran (the container stopped): a command that did not finish.
      return { exitCode: null, stdout: "", stderr: `${(error as Error).message} while \`${argv.join(" ")}\` ran`, timedOut: false };
    }
  }

  /** Ends every shell. */
  close(): void {
    for (const shell of this.#shells) shell.close();
    this.#shells = [];
  }
}
