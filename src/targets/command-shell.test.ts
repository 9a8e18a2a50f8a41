import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { COMMAND_SHELL_SCRIPT, CommandShell } from "./command-shell.js";
import { CommandShells } from "./command-shells.js";

// The shell runs here as it runs in a container: `sh -c SCRIPT`, requests on its stdin.
const children: ChildProcessWithoutNullStreams[] = [];
function localShell(script = COMMAND_SHELL_SCRIPT): CommandShell {
  const child = spawn("sh", ["-c", script, "vipdrill-shell"]);
  children.push(child);
  return new CommandShell(child.stdin, child.stdout, undefined, "the test's shell");
}
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
const run = (shell: CommandShell, argv: string[], timeoutMs = 5_000) => shell.run(argv, { timeoutMs });

describe("CommandShell", () => {
  it("hands every argument to the command exactly, whatever characters it holds", async () => {
    const shell = localShell();
    const args = ["plain", "two words", "it's", "'", "''", "a\nnew line", "$HOME", "`id`", "$(id)", "\\", '"', "*", "", " ", "ünï 🙂", "-n", ";", "| cat", "a\tb"];
    const result = await run(shell, ["printf", "%s\\0", ...args]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(args);
  });

  it("gives each command's exit code, stdout and stderr apart, one command after another", async () => {
    const shell = localShell();
    expect(await run(shell, ["sh", "-c", 'echo out; echo err >&2; exit 7'])).toEqual({ exitCode: 7, stdout: "out\n", stderr: "err\n", timedOut: false });
    expect(await run(shell, ["true"])).toEqual({ exitCode: 0, stdout: "", stderr: "", timedOut: false });
    const missing = await run(shell, ["no-such-command-vipdrill"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
  });

  it("runs the program the argv names, as docker exec does, never the shell's builtin of that name", async () => {
    const shell = localShell();
    // dash's echo turns \t into a tab; /bin/echo prints it as it is.
    expect((await run(shell, ["echo", "a\\tb"])).stdout).toBe("a\\tb\n");
  });

  it("survives an argv of exit or exec, and reads no request as a command's stdin", async () => {
    const shell = localShell();
    // No program is called exit or exec: not found, as through docker exec.
    expect((await run(shell, ["exit", "3"])).exitCode).toBe(127);
    expect((await run(shell, ["exec", "true"])).exitCode).toBe(127);
    expect(await run(shell, ["cat"])).toMatchObject({ exitCode: 0, stdout: "" });
    expect((await run(shell, ["echo", "still here"])).stdout).toBe("still here\n");
  });

  it("runs each command in the directory the shell was started in, not its own", async () => {
    const shell = localShell();
    expect((await run(shell, ["pwd"])).stdout).toBe(`${process.cwd()}\n`);
    expect((await run(shell, ["ls", "package.json"])).exitCode).toBe(0);
  });

  it("keeps what a command left running with its output open out of the next commands' output", async () => {
    const shell = localShell();
    expect((await run(shell, ["sh", "-c", "(sleep 0.2; echo late; echo late >&2) & echo now"])).stdout).toBe("now\n");
    expect(await run(shell, ["sleep", "0.4"])).toMatchObject({ stdout: "", stderr: "" });
    expect(await run(shell, ["echo", "after"])).toMatchObject({ stdout: "after\n", stderr: "" });
  });

  it("stays in step when a command leaves a process writing into its output while the frame goes out", async () => {
    const shell = localShell();
    for (let i = 0; i < 5; i++) {
      const result = await run(shell, ["sh", "-c", "(i=0; while [ $i -lt 20000 ]; do echo x; i=$((i+1)); done) & echo now"]);
      expect(result.exitCode).toBe(0);
      expect((await run(shell, ["echo", "after"])).stdout).toBe("after\n");
    }
  });

  it("keeps working when its directory is emptied away under it (systemd-tmpfiles cleans /tmp as a container boots)", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "vipdrill-shell-test-"));
    const child = spawn("sh", ["-c", COMMAND_SHELL_SCRIPT, "vipdrill-shell"], { env: { ...process.env, TMPDIR: tmp } });
    children.push(child);
    const shell = new CommandShell(child.stdin, child.stdout, undefined, "the test's shell");
    expect((await run(shell, ["echo", "before"])).stdout).toBe("before\n");
    for (const entry of readdirSync(tmp)) rmSync(join(tmp, entry), { recursive: true });
    expect(await run(shell, ["sh", "-c", "echo after; echo err >&2"])).toEqual({ exitCode: 0, stdout: "after\n", stderr: "err\n", timedOut: false });
    rmSync(tmp, { recursive: true, force: true });
  });

  it("frames output of any size, binary bytes included", async () => {
    const shell = localShell();
    const big = await run(shell, ["head", "-c", "3000000", "/dev/zero"]);
    expect(big.stdout.length).toBe(3_000_000);
    const after = await run(shell, ["printf", "%s", "next"]);
    expect(after.stdout).toBe("next");
  });

  it("gives up on a command at its timeout, stays busy until it ends, then runs the next", async () => {
    const shell = localShell();
    const slow = await run(shell, ["sleep", "0.5"], 100);
    expect(slow).toEqual({ exitCode: null, stdout: "", stderr: "", timedOut: true });
    expect(shell.busy).toBe(true);
    await expect(run(shell, ["true"])).rejects.toThrow("busy");
    await new Promise((r) => setTimeout(r, 700));
    expect(shell.busy).toBe(false);
    expect((await run(shell, ["echo", "ok"])).stdout).toBe("ok\n");
  });

  it("holds vipdrill open only while it waits for an answer: idle, or past a command's timeout, it does not", async () => {
    const child = spawn("sh", ["-c", COMMAND_SHELL_SCRIPT, "vipdrill-shell"]);
    children.push(child);
    let held = true;
    const shell = new CommandShell(child.stdin, child.stdout, { ref: () => (held = true), unref: () => (held = false) }, "the test's shell");
    expect(held).toBe(false);
    const pending = shell.run(["sleep", "0.3"], { timeoutMs: 100 });
    expect(held).toBe(true);
    expect((await pending).timedOut).toBe(true);
    expect(held).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    await shell.run(["true"], { timeoutMs: 5_000 });
    expect(held).toBe(false);
  });

  it("fails the command under way when the shell dies, and every later one", async () => {
    const shell = localShell();
    const pending = run(shell, ["sleep", "5"]);
    children[0]!.kill("SIGKILL");
    await expect(pending).rejects.toThrow("the test's shell ended");
    expect(shell.ended).toBe(true);
    await expect(run(shell, ["true"])).rejects.toThrow("ended");
  });
});

describe("CommandShells", () => {
  it("opens shells up to its maximum for commands at once, then leaves the rest to the caller", async () => {
    let opened = 0;
    const shells = new CommandShells(async () => (opened++, localShell()), 2);
    const results = await Promise.all([0, 1, 2].map(() => shells.run(["sleep", "0.2"], { timeoutMs: 5_000 })));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(opened).toBe(2);
    // Reused, not opened again.
    await shells.run(["true"], { timeoutMs: 5_000 });
    expect(opened).toBe(2);
    shells.close();
  });

  it("stops trying on a host where shells end, or hang, before they greet, and never sends them a command", async () => {
    let opened = 0;
    const sent: string[] = [];
    const shells = new CommandShells(
      async () => {
        opened++;
        // Two that end at once, then ones that hang reading their stdin (what was sent is echoed to stderr).
        const shell = localShell(opened <= 2 ? "exit 1" : "cat >&2");
        children.at(-1)!.stderr.on("data", (chunk: Buffer) => sent.push(chunk.toString()));
        return shell;
      },
      4,
      200,
    );
    for (let i = 0; i < 5; i++) expect(await shells.run(["true"], { timeoutMs: 5_000 })).toBeUndefined();
    expect(opened).toBe(3);
    expect(sent).toEqual([]);
  });

  it("reports a command cut short by its shell's end as a command that did not finish", async () => {
    const shells = new CommandShells(async () => localShell());
    await shells.run(["true"], { timeoutMs: 5_000 });
    const pending = shells.run(["sleep", "5"], { timeoutMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    children[0]!.kill("SIGKILL");
    const result = await pending;
    expect(result).toMatchObject({ exitCode: null, timedOut: false });
    expect(result?.stderr).toContain("ended while `sleep 5` ran");
  });
});
