import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { splitLines } from "../../src/common/split-lines.js";
import type { ExecOptions, ExecResult, ExecStream, ExecTransport } from "../../src/model/host.js";

/**
 * Runs argv on this machine with its real programs, for tests of the shell vipdrill sends to a
 * host. `env` shapes the "host" (a PATH without journalctl is a host without journald).
 */
export class LocalTransport implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = true;
  readonly #children = new Set<ReturnType<typeof spawn>>();
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { env: this.env, timeout: options.timeoutMs ?? 15_000 }, (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ argv, exitCode, signal: error?.signal ?? null, stdout, stderr, durationMs: performance.now() - started, timedOut: error?.killed ?? false });
      });
    });
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    const child = spawn(argv[0]!, argv.slice(1), { env: this.env, stdio: ["ignore", "pipe", "ignore"] });
    this.#children.add(child);
    const done = once(child, "close").then(() => void this.#children.delete(child));
    child.stdout.on("data", splitLines(onLine));
    await once(child, "spawn");
    return {
      done,
      stop: async () => {
        child.kill("SIGTERM");
        await done;
      },
    };
  }

  async close(): Promise<void> {
    for (const child of this.#children) child.kill("SIGKILL");
  }
}
