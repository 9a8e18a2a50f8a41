/**
 * Commands on one SSH connection: each in its own session channel, at most maxChannels at once (the
 * rest queue), quoted and run through sudo -n where configured. A command prints its pid first, so
 * a timeout, an abort or stop() can kill it on the host.
 */
import type { ClientChannel } from "ssh2";
import { errorMessage, type TransportError } from "../../common/errors.js";
import { shellJoin } from "../../common/shell-quote.js";
import { splitLines } from "../../common/split-lines.js";
import type { ExecOptions, ExecResult, ExecStream } from "../../model/host.js";
import { PidLine, withPidFirst } from "../pid-line.js";
import type { Link } from "./ssh-connection.js";
import type { SshContext } from "./ssh-context.js";

/** OpenSSH's MaxSessions defaults to 10: stay below it, queue the rest. */
export const MAX_CHANNELS_PER_CONNECTION = 8;
/** How long the transport's own commands (a kill, a check) and a stopping stream are given. */
export const KILL_TIMEOUT_MS = 5_000;
/** SSH_OPEN_CONNECT_FAILED: what sshd answers a session open with when MaxSessions are taken. */
const CONNECT_FAILED = 2;
const OPEN_ATTEMPTS = 12;
/** Signal the process group the command leads (sshd and sudo's pty start new sessions), else the process. */
const killCommand = (signal: "KILL" | "TERM", pid: string): string[] => [
  "sh",
  "-c",
  `kill -${signal} -"$1" 2>/dev/null || kill -${signal} "$1"`,
  "vipdrill-kill",
  pid,
];

/** A command's result before the transport adds argv and its duration. */
export type RunResult = Omit<ExecResult, "argv" | "durationMs">;

/** The channel could not be opened because the connection went away: the command never started. */
export class NotStarted extends Error {}

interface OpenChannel {
  channel: ClientChannel;
  /** Frees its place among the connection's channels (idempotent; also done when it closes). */
  release: () => void;
  /** exit-status / exit-signal, once the host sent it. */
  exit?: { code: number | null; signal: string | null };
}

/** A queue of places: acquire waits for a free one; the function it returns gives it back. */
class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

export class SshChannels {
  readonly #slots: Slots;

  constructor(
    private readonly ctx: SshContext,
    maxChannels = MAX_CHANNELS_PER_CONNECTION,
  ) {
    this.#slots = new Slots(maxChannels);
  }

  /** argv as the command line sent to the host: quoted, through sudo -n when configured, pid first. */
  commandLine(argv: readonly string[], withPid: boolean): string {
    const words = withPid ? withPidFirst("vipdrill", argv) : [...argv];
    return shellJoin(this.ctx.host.ssh.sudo ? ["sudo", "-n", "--", ...words] : words);
  }

  /** A command the transport runs for itself (a raw command line), with the default timeout. */
  async internal(link: Link, command: string): Promise<RunResult> {
    return this.run(link, command, { timeoutMs: KILL_TIMEOUT_MS, pidLine: false, display: [command] });
  }

  /**
   * Run a command line to its end, a timeout or an abort (then it is killed on the host). NotStarted
   * when the connection was gone before it started; a TransportError when it dropped while it ran.
   */
  async run(link: Link, command: string, options: ExecOptions & { timeoutMs: number; pidLine: boolean; display: readonly string[] }): Promise<RunResult> {
    const opened = await this.#open(link, command, options.display);
    const { channel, release } = opened;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    // Strip exactly the pid line; everything after it is the command's own output, untouched.
    const pidLine = options.pidLine ? new PidLine((chunk) => stdout.push(chunk)) : undefined;
    channel.on("data", (chunk: Buffer) => (pidLine ? pidLine.write(chunk) : stdout.push(chunk)));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    if (options.stdin !== undefined) channel.end(options.stdin);
    else channel.end();

    return new Promise((resolve, reject) => {
      let settled = false;
      const result = (timedOut: boolean): RunResult => {
        const unfinished = pidLine?.unfinished;
        return {
          exitCode: opened.exit?.code ?? null,
          signal: opened.exit?.signal ?? null,
          stdout: Buffer.concat(unfinished ? [...stdout, unfinished] : stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          timedOut,
        };
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const stopEarly = (timedOut: boolean): void => {
        if (settled) return;
        settled = true;
        cleanup();
        try {
          channel.signal("KILL");
        } catch {
          // The signal request is best effort (the kill below does the work).
        }
        if (link.alive) channel.close();
        // The channel is finished for us: its slot may serve the kill.
        release();
        // The kill goes in the background: a timeout returns at the timeout, even where the link
        // is gone and the kill itself cannot get through (a command that cut its own link).
        const pid = pidLine?.pid;
        if (link.alive && pid) void this.internal(link, this.commandLine(killCommand("KILL", pid), false)).catch(() => undefined);
        resolve(result(timedOut));
      };
      const onAbort = (): void => stopEarly(false);
      const timer = setTimeout(() => stopEarly(true), options.timeoutMs);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
      channel.once("close", () => {
        if (settled) return;
        settled = true;
        cleanup();
        if (opened.exit === undefined && !link.alive) reject(this.lostError(options.display, link, true));
        else resolve(result(false));
      });
    });
  }

  /** Start a pid-first command line and hand each stdout line after the pid to onLine; NotStarted as for run. */
  async stream(link: Link, command: string, display: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    const { channel, release } = await this.#open(link, command, display);
    const pidLine = new PidLine(splitLines(onLine));
    channel.on("data", pidLine.write);
    channel.stderr.resume();
    channel.end();
    const done = new Promise<void>((resolve) => {
      channel.once("close", () => resolve());
      void link.lost.then(() => resolve());
    }).finally(release);
    return {
      done,
      stop: async () => {
        const pid = pidLine.pid;
        if (link.alive && pid) {
          await this.internal(link, this.commandLine(killCommand("TERM", pid), false)).catch(() => undefined);
        }
        if (link.alive) channel.close();
        await Promise.race([done, new Promise((r) => setTimeout(r, KILL_TIMEOUT_MS).unref())]);
      },
    };
  }

  lostError(argv: readonly string[], link: Link, running: boolean): TransportError {
    const reason = link.lostReason ? ` (${link.lostReason})` : "";
    return running
      ? this.ctx.error(
          "VIPDRILL_SSH_LOST",
          `the SSH connection dropped while \`${shellJoin(argv)}\` ran${reason}: it may or may not have completed on the host — check the host and the link to it`,
        )
      : this.ctx.error(
          "VIPDRILL_SSH_LOST",
          `the SSH connection dropped before \`${shellJoin(argv)}\` could start, twice${reason}: check the host and the link to it`,
        );
  }

  /**
   * Open a session channel and start the command; NotStarted when the connection is gone first.
   * sshd frees a finished session only after it has read every packet that came with our close, so
   * an open sent right behind a close can find all MaxSessions still taken ("no more sessions"):
   * nothing ran, so it is retried a few times.
   */
  async #open(link: Link, command: string, display: readonly string[]): Promise<OpenChannel> {
    const release = await this.#slots.acquire();
    for (let attempt = 1; ; attempt++) {
      if (!link.alive) {
        release();
        throw new NotStarted();
      }
      try {
        const opened = await new Promise<OpenChannel>((resolve, reject) => {
          try {
            link.client.exec(command, (error, channel) => {
              if (error) return reject(error);
              // Listen now, in ssh2's callback: a quick command's exit-status can arrive in the same
              // packet batch as the exec reply, and the "exit" event is not buffered like data.
              const opened: OpenChannel = { channel, release };
              channel.on("exit", (code: number | null, signal?: string) => {
                opened.exit = { code: code ?? null, signal: code === null || code === undefined ? (signal ?? null) : null };
              });
              channel.once("close", release);
              // A stream error (a write after the host closed) must not crash the process; close tells the outcome.
              channel.on("error", (e: Error) => this.ctx.debug(`channel error: ${e.message}`));
              resolve(opened);
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        return opened;
      } catch (error) {
        const openFailed = (error as { reason?: number }).reason === CONNECT_FAILED;
        if (openFailed && link.alive && attempt < OPEN_ATTEMPTS) {
          this.ctx.debug(`session refused (${errorMessage(error)}), attempt ${attempt}: retrying`);
          await new Promise((r) => setTimeout(r, 5 * attempt));
          continue;
        }
        release();
        // "Unable to exec": the request went out, so the command may have started.
        if (!link.alive && !/Unable to exec/.test(errorMessage(error))) throw new NotStarted();
        if (!link.alive) throw this.lostError(display, link, true);
        throw this.ctx.error(
          "VIPDRILL_SSH_CHANNEL",
          `the host refused to start \`${shellJoin(display)}\` (${errorMessage(error)}${openFailed ? `, ${OPEN_ATTEMPTS} times` : ""}): check MaxSessions in its sshd_config (vipdrill opens up to ${MAX_CHANNELS_PER_CONNECTION} at once) and sshd's log`,
          error,
        );
      }
    }
  }
}
