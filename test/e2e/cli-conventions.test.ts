import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readlink, readdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_MEANINGS } from "../../src/cli/exit-codes.js";
import { packageVersion } from "../../src/common/package-version.js";
import { listScenarios } from "../../src/scenario/load.js";
import { parseJunit } from "../helpers/junit-xml.js";
import { ROOT, runCli, type CliResult } from "../helpers/cli.js";

/** CLI conventions people type without thinking, and what CI reads: through the built CLI and ./vipdrill. */

const lines = (text: string): string[] => text.trim().split("\n").filter((l) => l !== "");
/** An engine socket nothing listens on: a command that reached for the engine would fail (exit 3). */
const NO_ENGINE = { DOCKER_HOST: "unix:///tmp/vipdrill-e2e-no-engine.sock" };

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "vipdrill-e2e-cli-"));
}

describe("--version, --help", () => {
  it("--version prints package.json's version and exits 0", async () => {
    const result = await runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("--help lists the commands, examples, and every exit code with its meaning", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["run", "validate", "plan", "preflight", "lab"]) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(result.stdout).toMatch(/^Examples:\n {2}vipdrill run /m);
    const table = result.stdout.split(/^Exit codes.*$/m)[1] ?? "";
    const rows = [...table.matchAll(/^\s+(\d+) {2}(.+)$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual(EXIT_MEANINGS.map((m) => [m.code, m.meaning]));
  });

  it("lab up, status and down are subcommands with their own help", async () => {
    const result = await runCli(["lab", "--help"]);
    expect(result.code).toBe(0);
    expect([...result.stdout.matchAll(/^ {2}(up|status|down)\b/gm)].map((m) => m[1])).toEqual(["up", "status", "down"]);
    expect((await runCli(["lab", "up", "--help"])).stdout).toMatch(/--ssh <dir>/);
  });
});

describe("bad command lines: one line, exit 2", () => {
  it.each([
    [["frobnicate"], /^vipdrill: unknown command 'frobnicate' \(see vipdrill --help\)$/],
    [["run", "--no-such-flag"], /^vipdrill run: unknown option '--no-such-flag' \(see vipdrill run --help\)$/],
    [["run", "--keep-lap"], /^vipdrill run: unknown option '--keep-lap' — did you mean --keep-lab\? \(see vipdrill run --help\)$/],
    [["lab", "frob"], /^vipdrill lab: unknown command 'frob'/],
    [["lab", "status", "extra"], /^vipdrill lab status: too many arguments/],
    [["validate", "--jsn"], /^vipdrill validate: unknown option '--jsn' — did you mean --json\?/],
  ])("%j", async (args, message) => {
    const result = await runCli(args, { env: NO_ENGINE });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("run --json on an inventory without --yes: refused in one line, nothing connected", async () => {
    const result = await runCli(["run", "--json", "--inventory", "inventories/example.yaml"], { env: NO_ENGINE });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(["vipdrill: run --json --inventory asks for confirmation before changing real hosts: add --yes (-y) to run without asking"]);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: "VIPDRILL_USAGE" } });
  });
});

describe("--json", () => {
  it("validate --json: one document on stdout listing every shipped scenario as valid", async () => {
    const result = await runCli(["validate", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; scenarios: Array<{ file: string; ok: boolean; name: string; errors: string[] }> };
    expect(document).toMatchObject({ ok: true, exitCode: 0, inventory: null });
    expect(document.scenarios.map((s) => s.file)).toEqual(await listScenarios());
    expect(document.scenarios.every((s) => s.ok && s.errors.length === 0)).toBe(true);
    // People's lines went to stderr.
    expect(result.stderr).toMatch(/^✓ .*link-pull-vip-owner\.yaml: link-pull-vip-owner — link-down on vip-owner$/m);
  });

  it("validate --json with a bad scenario and the example inventory: each file's verdict and errors (file:line), exit 2", async () => {
    const dir = await tempDir();
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "version: 1\nname: bad\ndescription: x\nfault:\n  type: link-pull\n  target: vip-owner\n");
    const result = await runCli(["validate", "--json", "--inventory", "inventories/example.yaml", bad, "scenarios/link-pull-vip-owner.yaml"]);
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as Record<string, unknown> & { scenarios: Array<Record<string, unknown>> };
    expect(document).toMatchObject({ ok: false, exitCode: 2, inventory: { ok: true, name: "example", controlPlanes: 3, loadBalancers: 2 } });
    expect(document.scenarios).toEqual([
      { file: bad, ok: false, errors: [expect.stringMatching(new RegExp(`^${bad}:5: fault\\.type: .*"link-pull"$`)) as string] },
      { file: "scenarios/link-pull-vip-owner.yaml", ok: true, errors: [], name: "link-pull-vip-owner", fault: { type: "link-down", target: "vip-owner" } },
    ]);
  });

  it("plan --json: every command host by host, in order, restores included; nothing else on stdout", async () => {
    for (const args of [["plan", "--json", "scenarios/link-pull-vip-owner.yaml"], ["plan", "--json", "--inventory", "inventories/example.yaml", "scenarios/link-pull-vip-owner.yaml"]]) {
      const result = await runCli(args, { env: NO_ENGINE });
      expect(result.code, result.stderr).toBe(0);
      const { plans } = JSON.parse(result.stdout) as { plans: Array<{ scenario: string; target: { kind: string }; steps: Array<{ step: number; host: string; action: string; command: string }> }> };
      expect(plans).toHaveLength(1);
      const [plan] = plans;
      expect(plan!.scenario).toBe("link-pull-vip-owner");
      expect(plan!.target.kind).toBe(args.includes("--inventory") ? "inventory" : "lab");
      const actions = plan!.steps.filter((s) => s.host === "lb-1").map((s) => [s.action, s.command]);
      expect(actions).toContainEqual(["inject", "ip link set dev eth0 down"]);
      expect(actions).toContainEqual(["restore", "ip link set dev eth0 up"]);
      const order = plan!.steps.map((s) => s.action);
      expect(order.indexOf("inject")).toBeLessThan(order.indexOf("restore"));
      expect(plan!.steps.map((s) => s.step)).toEqual([...plan!.steps.map((s) => s.step)].sort((a, b) => a - b));
    }
  });
});

describe("preflight --json", () => {
  it("without an engine: the document says why (ok false, exit 3), the error one line on stderr", async () => {
    const result = await runCli(["preflight", "--json"], { env: NO_ENGINE });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, exitCode: 3, error: { code: "VIPDRILL_NO_DOCKER", message: expect.stringMatching(/^no Docker engine at /) as string } });
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^vipdrill: no Docker engine at /) as string]);
  });
});

describe("a run that ends before its drill still tells CI why", () => {
  it("no engine: exit 3, one line on stderr; junit.xml with one errored testcase, summary.md, reports/latest, $GITHUB_STEP_SUMMARY, --json", async () => {
    const reports = join(await tempDir(), "reports");
    const stepSummary = join(await tempDir(), "step-summary.md");
    await writeFile(stepSummary, "# before\n");
    const result = await runCli(["run", "--json", "--reports", reports], { env: { ...NO_ENGINE, GITHUB_STEP_SUMMARY: stepSummary } });
    expect(result.code).toBe(3);
    const document = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; latest: string; scenarios: Array<Record<string, unknown>> };
    expect(document).toMatchObject({ ok: false, exitCode: 3 });
    expect(document.scenarios).toEqual([
      expect.objectContaining({ name: "link-pull-vip-owner", verdict: "error", exitCode: 3, reportJson: null, error: expect.objectContaining({ code: "VIPDRILL_NO_DOCKER" }) as object }),
    ]);
    const dir = document.scenarios[0]!.dir as string;
    expect(await readdir(dir)).toEqual(["junit.xml", "summary.md"]);
    expect(join(reports, await readlink(join(reports, "latest")))).toBe(dir);
    const junit = parseJunit(await readFile(join(dir, "junit.xml"), "utf8"));
    expect(junit.attributes).toMatchObject({ tests: "1", failures: "0", errors: "1" });
    expect(junit.suites[0]!.attributes.name).toBe("link-pull-vip-owner");
    expect(junit.suites[0]!.cases).toHaveLength(1);
    expect(junit.suites[0]!.cases[0]).toMatchObject({ name: "drill", error: { type: "VIPDRILL_NO_DOCKER", message: expect.stringMatching(/^no Docker engine at \/tmp\/vipdrill-e2e-no-engine\.sock/) as string } });
    const summary = await readFile(join(dir, "summary.md"), "utf8");
    expect(summary).toMatch(/^# link-pull-vip-owner: ⚠️ did not run\n/);
    expect(await readFile(stepSummary, "utf8")).toBe(`# before\n${summary}\n`);
    expect(lines(result.stderr).filter((l) => l.startsWith("vipdrill:"))).toEqual([expect.stringMatching(/^vipdrill: no Docker engine at /) as string]);
  });

  it("a scenario that does not validate: still one line and exit 2, and an errored junit.xml named after the file", async () => {
    const dir = await tempDir();
    const bad = join(dir, "typo-drill.yaml");
    await writeFile(bad, "version: 1\nname: typo\ndescription: x\nfault:\n  type: link-down\n  target: vip-owner\nhold: 5 sec\n");
    const reports = join(dir, "reports");
    const result = await runCli(["run", bad, "--reports", reports], { env: NO_ENGINE });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^vipdrill: ${bad}:7: hold: expected a duration`)) as string]);
    const runs = (await readdir(reports)).filter((e) => e !== "latest");
    expect(runs).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-typo-drill$/) as string]);
    const junit = parseJunit(await readFile(join(reports, runs[0]!, "junit.xml"), "utf8"));
    expect(junit.suites[0]!.properties).toMatchObject({ verdict: "error", "scenario.file": bad, exitCode: "2" });
    expect(junit.suites[0]!.cases[0]!.error).toMatchObject({ type: "VIPDRILL_SCENARIO_INVALID", message: expect.stringContaining(`${bad}:7: hold:`) as string });
  });
});

/** ./vipdrill, the clone's wrapper, with the given PATH. */
function runWrapper(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "vipdrill"), args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Stand-ins for what installs or starts an engine: each notes its call in `log` (curl answers as an engine would). */
async function engineTools(): Promise<{ bin: string; log: string }> {
  const dir = await tempDir();
  const bin = join(dir, "bin");
  const log = join(dir, "calls.log");
  await mkdir(bin);
  await writeFile(log, "");
  for (const tool of ["docker", "dockerd", "containerd", "apt-get", "systemctl", "curl", "debootstrap"]) {
    const answer = tool === "curl" ? 'echo OK; exit 0' : "exit 1";
    await writeFile(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\n${answer}\n`);
    await chmod(join(bin, tool), 0o755);
  }
  return { bin, log };
}

describe("./vipdrill: Node's version first; only commands that need the engine prepare it", () => {
  it("--help, --version, validate and plan (with or without an inventory) install and start nothing, and touch no engine", async () => {
    const { bin, log } = await engineTools();
    const env = { ...NO_ENGINE, PATH: `${bin}:${process.env.PATH ?? ""}` };
    for (const args of [["--help"], ["--version"], ["validate"], ["validate", "--inventory", "inventories/example.yaml"], ["plan"], ["plan", "--inventory", "inventories/example.yaml"]]) {
      const result = await runWrapper(args, env);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      expect(await readFile(log, "utf8"), args.join(" ")).toBe("");
    }
    // The stand-ins do catch a command that prepares the engine: lab status finds none and sets one up.
    const status = await runWrapper(["lab", "status"], env);
    expect(status.code).toBe(3);
    expect(await readFile(log, "utf8")).not.toBe("");
  });

  it("says in one line what to install when Node.js is too old (Debian 12's 18) or missing, and why when it will not start; exit 3", async () => {
    const dir = await tempDir();
    const bin = join(dir, "bin");
    await mkdir(bin);
    // Only what the wrapper needs before node: no node at all.
    for (const tool of ["bash", "sed", "dirname", "readlink", "env"]) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => symlink(`/bin/${tool}`, join(bin, tool)));
    const missing = await runWrapper(["--version"], { PATH: bin });
    expect(missing.code).toBe(3);
    expect(lines(missing.stderr)).toEqual([expect.stringMatching(/^vipdrill: no Node\.js found .*install Node\.js 20\.12 or newer/) as string]);
    await writeFile(join(bin, "node"), '#!/bin/sh\n[ "$1" = --version ] && echo v18.19.0\nexit 0\n');
    await chmod(join(bin, "node"), 0o755);
    const old = await runWrapper(["--version"], { PATH: bin });
    expect(old.code).toBe(3);
    expect(lines(old.stderr)).toEqual([expect.stringMatching(/^vipdrill: Node\.js v18\.19\.0 is too old, vipdrill needs 20\.12 or newer: install Node\.js 20\.12 or newer \(Debian 12's nodejs is 18/) as string]);
    expect(old.stdout).toBe("");
    // A node that is there but will not start says so in its own words, not "no Node.js found".
    await writeFile(join(bin, "node"), '#!/bin/sh\necho "node: --trace-gc is not allowed in NODE_OPTIONS" >&2\nexit 9\n');
    const broken = await runWrapper(["--version"], { PATH: bin });
    expect(broken.code).toBe(3);
    expect(lines(broken.stderr)).toEqual(["vipdrill: node --version failed: node: --trace-gc is not allowed in NODE_OPTIONS"]);
  });
});
