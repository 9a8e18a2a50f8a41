import type Docker from "dockerode";
import { PassThrough } from "node:stream";
import { performance } from "node:perf_hooks";
import { splitLines } from "../../common/split-lines.js";
import type { ExecOptions, ExecResult, ExecStream, ExecTransport } from "../../model/host.js";
import { PidLine, withPidFirst } from "../pid-line.js";

const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

/** Runs argv in a lab container through the engine's exec API (no shell, no docker CLI). */
export class DockerExecTransport implements ExecTransport {
  readonly kind = "docker" as const;
  // Containers run on this kernel: CLOCK_REALTIME inside is the harness's own.
  readonly sharesClock = true;
  constructor(
    private readonly docker: Docker,
    readonly containerName: string,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
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
