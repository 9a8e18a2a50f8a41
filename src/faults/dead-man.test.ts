import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../common/clock.js";
import { exec, type Command } from "../model/command.js";
import { deadManCommands, deadManNames, healScript, parseStamp } from "./dead-man.js";

// The scripts are shell: they are run here by the real /bin/sh, on files in a temporary directory.

interface Ran {
  code: number | null;
  stdout: string;
  ms: number;
}

/** Runs argv like an SSH channel or docker exec does: done only once the process exits AND its stdout/stderr close. */
function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env, timeout: 20_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, ms: performance.now() - started });
    });
  });
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vipdrill-dead-man-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the heal script a dead-man timer runs", () => {
  it("runs every restore command even after one fails, then stamps the host time and the first failure's status", async () => {
    const log = join(dir, "log");
    const stampFile = join(dir, "heal.done");
    const restore: Command[] = [
      exec(["sh", "-c", 'echo one >> "$0"', log]),
      exec(["sh", "-c", "exit 3"]),
      exec(["sh", "-c", 'echo three >> "$0"', log]),
      exec(["sh", "-c", "exit 4"]),
    ];
    const before = Date.now();
    expect((await run(["sh", "-c", healScript(restore, stampFile)])).code).toBe(0);
    const after = Date.now();
    expect(await readFile(log, "utf8")).toBe("one\nthree\n");
    const stamp = parseStamp(await readFile(stampFile, "utf8"));
    expect(stamp?.status).toBe(3);
    expect(stamp?.resolutionMs).toBe(0);
    expect(stamp!.epochMs).toBeGreaterThanOrEqual(before);
    expect(stamp!.epochMs).toBeLessThanOrEqual(after + 1);
  });

  it("on a host whose date has no %N (BusyBox), stamps whole seconds, read back as the middle of that second ± 500 ms", async () => {
    const bin = join(dir, "bin");
    await run(["mkdir", "-p", bin]);
    // A date that, like BusyBox's, prints an unknown conversion as is.
    await writeFile(join(bin, "date"), '#!/bin/sh\ncase "$1" in +%s%N) echo "$(/bin/date +%s)%N";; *) exec /bin/date "$@";; esac\n');
    await chmod(join(bin, "date"), 0o755);
    const stampFile = join(dir, "busybox.done");
    const before = Date.now();
    await run(["sh", "-c", healScript([exec(["true"])], stampFile)], { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` });
    const text = await readFile(stampFile, "utf8");
    expect(text).toMatch(/^\d+000000000 0\n$/);
    const stamp = parseStamp(text)!;
    expect(stamp.resolutionMs).toBe(500);
    expect(Math.abs(stamp.epochMs - before)).toBeLessThanOrEqual(1_500);
    expect(stamp.epochMs % 1000).toBe(500);
  });

  it("parses only what the script writes", () => {
    expect(parseStamp("1764061200123456789 0\n")).toEqual({ epochMs: 1764061200123.4568, status: 0, resolutionMs: 0 });
    expect(parseStamp("1764061200000000000 2")).toEqual({ epochMs: 1764061200500, status: 2, resolutionMs: 500 });
    expect(parseStamp("1764061200%N 0")).toBeUndefined();
    expect(parseStamp("garbage")).toBeUndefined();
    expect(parseStamp("")).toBeUndefined();
  });
});

describe("the dead-man timer on a host without systemd (a detached shell)", () => {
  /** A restore that leaves a trace, and the names the timer uses (pid and stamp files live in /tmp, as on a host). */
  const timer = (name: string, afterMs: number) => {
    const trace = join(dir, `${name}.healed`);
    const commands = deadManCommands(name, [exec(["touch", trace])], afterMs, false);
    return { ...commands, trace, ...deadManNames(name) };
  };
  const unique = () => `unit-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const cleanup = async (t: { pidFile: string; stampFile: string }) => {
    await rm(t.pidFile, { force: true });
    await rm(t.stampFile, { force: true });
  };

  it("arming returns at once, even to a caller that waits for stdout to close (as an SSH channel does); the heal runs when due", async () => {
    const t = timer(unique(), 1_500);
    try {
      const armed = await run(t.arm);
      expect(armed.code).toBe(0);
      // The timer is still pending when the arm has returned: the caller was not held for its duration.
      expect(await exists(t.trace)).toBe(false);
      expect(Number(await readFile(t.pidFile, "utf8"))).toBeGreaterThan(1);
      await sleep(3_000);
      expect(await exists(t.trace)).toBe(true);
      expect(parseStamp(await readFile(t.stampFile, "utf8"))?.status).toBe(0);
      // Fired: its pid file is gone, so a late disarm has nothing to kill.
      expect(await exists(t.pidFile)).toBe(false);
      expect((await run(argvOf(t.disarm))).code).toBe(0);
    } finally {
      await cleanup(t);
    }
  });

  it("disarming kills the timer and its sleep: nothing runs when it would have been due, no process is left", async () => {
    const t = timer(unique(), 1_234);
    try {
      expect((await run(t.arm)).code).toBe(0);
      const pid = Number(await readFile(t.pidFile, "utf8"));
      expect((await run(argvOf(t.disarm))).code).toBe(0);
      await sleep(2_000);
      expect(await exists(t.trace)).toBe(false);
      expect(await exists(t.stampFile)).toBe(false);
      expect(await exists(t.pidFile)).toBe(false);
      // Neither the timer's shell nor its `sleep 1.234` (same process group) survives.
      expect((await run(["pgrep", "-g", String(pid)])).code).toBe(1);
      expect((await run(["pgrep", "-f", "sleep 1.234"])).code).toBe(1);
    } finally {
      await cleanup(t);
    }
  });
});

/** The argv of an exec command (the disarm is one). */
function argvOf(command: Command): string[] {
  if (command.kind !== "exec") throw new Error("expected an exec command");
  return command.argv;
}
