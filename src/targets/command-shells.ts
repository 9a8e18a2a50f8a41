import type { CommandShell, ShellResult } from "./command-shell.js";

/** Shells kept per host: enough for the commands a drill sends one host at once (observers, the fault, readiness). */
const MAX_SHELLS = 4;
/** How long a new shell may take to greet: a docker exec starts in well under a second, even on a loaded host. */
const GREETING_TIMEOUT_MS = 10_000;
/** Shells in a row that end before they greet, after which a host is taken not to run one (no mktemp, a read-only /tmp…). */
const MAX_UNGREETED = 3;

/**
 * A host's command shells (command-shell.ts): a command goes to an idle one, or to one opened for it
 * while fewer than the maximum are open. `run` answers undefined where no shell can take the
 * command (every one busy with a slow command, or the host cannot run one): the caller then runs it
 * the slow way, so a shell never changes what a command does, only what it costs. A command is only
 * sent to a shell that has greeted, so one that was sent is never run a second time the slow way.
 */
export class CommandShells {
  #shells: CommandShell[] = [];
  #opening = 0;
  #ungreeted = 0;

  constructor(
    private readonly open: () => Promise<CommandShell>,
    private readonly max = MAX_SHELLS,
    private readonly greetingTimeoutMs = GREETING_TIMEOUT_MS,
  ) {}

  async run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ShellResult | undefined> {
    if (this.#ungreeted >= MAX_UNGREETED) return undefined;
    this.#shells = this.#shells.filter((s) => !s.ended);
    let shell = this.#shells.find((s) => !s.busy);
    if (!shell) {
      if (this.#shells.length + this.#opening >= this.max) return undefined;
      this.#opening++;
      try {
        const opened = await this.open();
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no greeting")), this.greetingTimeoutMs)));
        await Promise.race([opened.ready, late])
          .catch((error: unknown) => {
            this.#ungreeted++;
            opened.close();
            throw error;
          })
          .finally(() => clearTimeout(timer));
        this.#ungreeted = 0;
        shell = opened;
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
      // The shell ended while the command ran (the container stopped): a command that did not finish.
      return { exitCode: null, stdout: "", stderr: `${(error as Error).message} while \`${argv.join(" ")}\` ran`, timedOut: false };
    }
  }

  /** Ends every shell; the next command opens a new one. */
  close(): void {
    for (const shell of this.#shells) shell.close();
    this.#shells = [];
  }
}
