/**
 * One long-lived POSIX shell on a host that runs argv commands sent to it, one at a time, and frames
 * each one's exit code, stdout and stderr back. A docker exec costs ~110 ms of the engine's CPU
 * (create, start, inspect: runc sets up a process in the container's namespaces), and on a 2-core
 * host execs issued at once take as long as one after another; a command through a shell already
 * running there costs 16–21 ms (measured on the lab). The transport keeps a few per host (docker-exec-transport.ts).
 *
 * The wire: one request per line, `ID 'arg' 'arg' …` — every argument single-quoted (a quote as
 * '\'', a newline as '"$nl"'), so the shell's eval only ever sets the positional parameters and the
 * command is exec'd from a subshell as "$@": never a shell string, never a builtin (as docker exec
 * runs it: /bin/echo, not sh's), in the exec's directory and environment, stdin from /dev/null,
 * output in new files. Then `@@vipdrill ID EXIT OUTBYTES ERRBYTES` and exactly that many bytes of
 * stdout and stderr come back. The shell greets with frame 0 once it is ready.
 */
import type { Readable, Writable } from "node:stream";

/** Run with `sh -c SCRIPT vipdrill-shell`; ends when its stdin does. */
export const COMMAND_SHELL_SCRIPT = [
  `d=$(mktemp -d "\${TMPDIR:-/tmp}/vipdrill-shell.XXXXXX") || exit 1`,
  `trap 'rm -rf "$d"' EXIT`,
  `trap 'exit 1' HUP INT TERM PIPE`,
  `nl='\n'`,
  `printf '@@vipdrill 0 0 0 0\\n'`,
  `while IFS= read -r line; do`,
  `  id=\${line%% *}`,
  `  eval "set -- \${line#* }"`,
  // Its directory made again if it went: systemd-tmpfiles empties /tmp as a container boots, maybe after this shell began.
  `  [ -d "$d" ] || mkdir -m 700 "$d" || exit 1`,
  // New files each time: whatever a command left running with its output open writes into its own, unlinked.
  `  rm -f "$d/o" "$d/e"`,
  `  (exec "$@") </dev/null >"$d/o" 2>"$d/e"`,
  `  rc=$?`,
  // cd in the substitution's subshell only: one wc for both, and file names without spaces to split.
  `  set -- $(cd "$d" && wc -c o e)`,
  `  printf '@@vipdrill %s %s %s %s\\n' "$id" "$rc" "$1" "$3"`,
  // Exactly the bytes counted: a process the command left running may still be writing.
  `  head -c "$1" "$d/o"`,
  `  head -c "$3" "$d/e"`,
  `done`,
].join("\n");

/** One argument as the shell's eval reads it back: exactly these characters. */
export function shellWord(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`).replaceAll("\n", `'"$nl"'`)}'`;
}

/** The request line for one command. */
export function requestLine(id: number, argv: readonly string[]): string {
  return `${id} ${argv.map(shellWord).join(" ")}\n`;
}

export interface ShellResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const HEADER = /^@@vipdrill (\d+) (\d+) (\d+) (\d+)$/;

interface Pending {
  id: number;
  resolve: (result: ShellResult) => void;
  reject: (error: Error) => void;
}

/**
 * The client side of one shell: `run` writes a request and resolves with its frame. One command at
 * a time (`busy` while one is out): a command that times out keeps the shell busy until its frame
 * comes back, and is then forgotten.
 */
export class CommandShell {
  #nextId = 1;
  #pending: Pending | undefined;
  /** The id of a command given up on (timeout, abort) whose frame is still to come. */
  #abandoned: number | undefined;
  /** What has arrived and is not yet read: the chunks, and their bytes in all. */
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** The header of the frame being read, once its line is in. */
  #frame: { id: number; exitCode: number; outBytes: number; errBytes: number } | undefined;
  #ended: Error | undefined;
  #greeted = false;
  /** Resolves on the shell's greeting; rejects if it ends first (it cannot run on this host, or the host went). */
  readonly ready: Promise<void>;
  #onReady: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly input: Writable,
    output: Readable,
    /** Where the shell's output connection can be kept from holding the process open while idle. */
    private readonly idle: { ref(): void; unref(): void } | undefined,
    /** What the shell is, for messages: "lab container vipdrill-lab-lb-1's command shell". */
    private readonly what: string,
  ) {
    output.on("data", (chunk: Buffer) => this.#onData(chunk));
    const end = (): void => this.#end(new Error(`${what} ended`));
    output.on("end", end);
    output.on("close", end);
    output.on("error", (error: Error) => this.#end(error));
    input.on("error", (error: Error) => this.#end(error));
    this.ready = new Promise<void>((resolve, reject) => (this.#onReady = { resolve, reject }));
    this.ready.catch(() => undefined);
    idle?.unref();
  }

  get busy(): boolean {
    return this.#pending !== undefined || this.#abandoned !== undefined;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  run(argv: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ShellResult> {
    if (this.#ended) return Promise.reject(this.#ended);
    if (this.busy) return Promise.reject(new Error(`${this.what} is busy`));
    if (options.signal?.aborted) return Promise.resolve({ exitCode: null, stdout: "", stderr: "", timedOut: false });
    const id = this.#nextId++;
    this.idle?.ref();
    return new Promise<ShellResult>((resolve, reject) => {
      const giveUp = (timedOut: boolean): void => {
        if (this.#pending?.id !== id) return;
        this.#pending = undefined;
        this.#abandoned = id;
        // A command given up on never keeps vipdrill from exiting, however long it runs on.
        this.idle?.unref();
        settle();
        resolve({ exitCode: null, stdout: "", stderr: "", timedOut });
      };
      const timer = setTimeout(() => giveUp(true), options.timeoutMs);
      const onAbort = (): void => giveUp(false);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const settle = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      this.#pending = {
        id,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      this.input.write(requestLine(id, argv));
    });
  }

  /** Ends the shell (its stdin closed: it removes its files and exits). */
  close(): void {
    this.input.end();
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    // Chunks are joined once a frame is whole (or to find a header line), never chunk by chunk.
    for (;;) {
      if (this.#frame === undefined) {
        const buffer = this.#joined();
        const newline = buffer.indexOf(0x0a);
        if (newline < 0) return;
        const header = HEADER.exec(buffer.subarray(0, newline).toString("latin1"));
        if (!header) {
          this.#end(new Error(`${this.what} sent something that is not a frame: ${JSON.stringify(buffer.subarray(0, Math.min(newline, 120)).toString("utf8"))}`));
          return;
        }
        const [id, exitCode, outBytes, errBytes] = header.slice(1).map(Number) as [number, number, number, number];
        this.#frame = { id, exitCode, outBytes, errBytes };
        this.#keep(buffer.subarray(newline + 1));
      }
      const { id, exitCode, outBytes, errBytes } = this.#frame;
      if (this.#bytes < outBytes + errBytes) return;
      const buffer = this.#joined();
      const stdout = buffer.subarray(0, outBytes).toString("utf8");
      const stderr = buffer.subarray(outBytes, outBytes + errBytes).toString("utf8");
      this.#keep(buffer.subarray(outBytes + errBytes));
      this.#frame = undefined;
      if (!this.#greeted) {
        this.#greeted = true;
        this.#onReady?.resolve();
      } else if (this.#abandoned === id) this.#abandoned = undefined;
      else if (this.#pending?.id === id) {
        const pending = this.#pending;
        this.#pending = undefined;
        pending.resolve({ exitCode, stdout, stderr, timedOut: false });
      }
      if (this.#pending === undefined) this.idle?.unref();
    }
  }

  #joined(): Buffer {
    const buffer = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.#keep(buffer);
    return buffer;
  }

  #keep(rest: Buffer): void {
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#bytes = rest.length;
  }

  #end(error: Error): void {
    if (this.#ended) return;
    this.#ended = error;
    this.#onReady?.reject(error);
    // Its stdin closed too: a shell out of step with us exits rather than stay on the host.
    if (!this.input.destroyed) this.input.end();
    this.#abandoned = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    this.idle?.unref();
  }
}
