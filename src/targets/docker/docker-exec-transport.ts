import type Docker from "dockerode";
import { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { performance } from "node:perf_hooks";
import { splitLines } from "../../common/split-lines.js";
import type { ExecOptions, ExecResult, ExecStream, ExecTransport } from "../../model/host.js";
import { PidLine, withPidFirst } from "../pid-line.js";
import { COMMAND_SHELL_SCRIPT, CommandShell } from "../command-shell.js";
import { CommandShells } from "../command-shells.js";

const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/**
 * Runs argv in a lab container through the engine's exec API (no docker CLI): through one of the
 * container's command shells (command-shell.ts: 16–21 ms a command where an exec costs ~110 ms of the
 * engine's CPU), else, and for a command that takes stdin, as an exec of its own.
 */
export class DockerExecTransport implements ExecTransport {
  readonly kind = "docker" as const;
  // Containers run on this kernel: CLOCK_REALTIME inside is the harness's own.
  readonly sharesClock = true;
  readonly #shells = new CommandShells(() => this.#openShell());
  /** False where the engine's attach connection is not a socket (DOCKER_HOST over ssh): an idle shell could not then let vipdrill exit. */
  #shellsUsable = true;
  constructor(
    private readonly docker: Docker,
    readonly containerName: string,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    if (options.stdin === undefined && this.#shellsUsable) {
      const result = await this.#shells.run(argv, { timeoutMs: options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS, ...(options.signal && { signal: options.signal }) });
      if (result) return { argv, signal: null, durationMs: performance.now() - started, ...result };
    }
    return this.#exec(argv, options, started);
  }

  async close(): Promise<void> {
    this.#shells.close();
  }

  async #openShell(): Promise<CommandShell> {
    const exec = await this.docker.getContainer(this.containerName).exec({
      Cmd: ["sh", "-c", COMMAND_SHELL_SCRIPT, "vipdrill-shell"],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    if (!(stream instanceof Socket)) {
      this.#shellsUsable = false;
      stream.end();
      throw new Error("the engine's attach connection is not a socket");
    }
    const out = new PassThrough();
    const err = new PassThrough();
    err.resume();
    this.docker.modem.demuxStream(stream, out, err);
    stream.on("end", () => out.end());
    stream.on("close", () => out.destroy());
    stream.on("error", () => out.destroy());
    // The attach connection: unreferenced while idle, so an open shell never keeps vipdrill from exiting.
    return new CommandShell(stream, out, stream, `lab container ${this.containerName}'s command shell`);
  }

  async #exec(argv: readonly string[], options: ExecOptions, started: number): Promise<ExecResult> {
    const container = this.docker.getContainer(this.containerName);
    const exec = await container.exec({
      Cmd: [...argv],
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: options.stdin !== undefined,
    });
    const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const out = new PassThrough().on("data", (c: Buffer) => stdout.push(c));
    const err = new PassThrough().on("data", (c: Buffer) => stderr.push(c));
    this.docker.modem.demuxStream(stream, out, err);
    if (options.stdin !== undefined) {
      stream.write(options.stdin);
      // Half-close so the command sees EOF on stdin.
      (stream as unknown as { end(): void }).end();
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        stream.destroy();
        resolve();
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        resolve();
      };
      stream.on("end", finish);
      stream.on("close", finish);
      stream.on("error", finish);
      options.signal?.addEventListener("abort", () => {
        stream.destroy();
        finish();
      });
    });
    const info = timedOut ? undefined : await exec.inspect();
    return {
      argv,
      exitCode: info?.ExitCode ?? null,
      signal: null,
      stdout: Buffer.concat(stdout).toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
      durationMs: performance.now() - started,
      timedOut,
    };
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    const container = this.docker.getContainer(this.containerName);
    // The first line is the command's pid, so stop() can end it: closing the attach connection
    // alone leaves the process running until its next write.
    const exec = await container.exec({
      Cmd: withPidFirst("vipdrill-stream", argv),
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const sink = new PassThrough();
    this.docker.modem.demuxStream(stream, out, sink);
    sink.resume();
    const pidLine = new PidLine(splitLines(onLine));
    out.on("data", pidLine.write);
    const done = new Promise<void>((resolve) => {
      stream.on("end", () => resolve());
      stream.on("close", () => resolve());
      stream.on("error", () => resolve());
    });
    return {
      done,
      stop: async () => {
        const pid = pidLine.pid;
        if (pid) await this.exec(["kill", pid], { timeoutMs: 5_000 }).catch(() => undefined);
        stream.destroy();
        await done;
      },
    };
  }
}
