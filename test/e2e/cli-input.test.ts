import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { PRODUCTION_HAPROXY, PRODUCTION_KEEPALIVED } from "../helpers/production-config.js";

/** Bad input: one line naming the file, the path and what was expected; exit 2; nothing started. */
describe("vipdrill CLI: input errors", () => {
  const scenario = async (text: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-e2e-"));
    const file = join(dir, "bad.yaml");
    await writeFile(file, text);
    return file;
  };
  const base = (fault: string, extra = ""): string =>
    `version: 1\nname: bad\ndescription: a bad one\nfault:\n${fault}\n${extra}`;

  it("validate accepts every shipped scenario", async () => {
    const result = await runCli(["validate"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n").filter((l) => l.startsWith("✓")).length).toBeGreaterThanOrEqual(6);
  });

  it("an inventory: the shipped example validates as shipped, CA file included; a bad one is refused by run, plan and validate with file:line, before anything is contacted", async () => {
    const example = await runCli(["validate", "--inventory", "inventories/example.yaml"]);
    expect(example.code, example.stderr).toBe(0);
    expect(example.stdout).toMatch(/^✓ inventories\/example\.yaml: inventory "example" — VIP 192\.0\.2\.10:6443, 3 control planes, 2 load balancers/);
    const file = await scenario(
      "endpoint: { vip: 192.0.2.10, insecure: true }\nhosts:\n  - { id: lb-1, address: 192.0.2.11, roles: [load-balancer] }\n  - { id: cp-1, address: 192.0.2.21, roles: [control-plane], ssh: { jump: nowhere } }\n",
    );
    for (const args of [["validate", "--inventory", file], ["plan", "--inventory", file], ["run", "--yes", "--inventory", file]]) {
      const result = await runCli(args);
      expect(result.code, args.join(" ")).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines.some((l) => new RegExp(`${file}:3: hosts\\[0\\]\\.vipInterface: expected`).test(l)), result.stderr).toBe(true);
      expect(lines.some((l) => new RegExp(`${file}:4: hosts\\[1\\]\\.ssh\\.jump: .*"nowhere"`).test(l)), result.stderr).toBe(true);
      expect(result.stderr).not.toMatch(/\n\s+at |connecting/);
    }
  });

  it("an unknown fault type: file:line, the path, what was expected; exit 2", async () => {
    const file = await scenario(base("  type: link-pull\n  target: vip-owner"));
    const result = await runCli(["run", file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`${file}:5: fault.type: .*"link-down".*"link-pull"`));
  });

  it("a duration typo is named with its line", async () => {
    const file = await scenario(base("  type: link-down\n  target: vip-owner", "hold: 5 sec\n"));
    const result = await runCli(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:7: hold: expected a duration.*"5 sec"`));
  });

  it("a VIP outside the lab subnet is refused", async () => {
    const file = await scenario(base("  type: link-down\n  target: vip-owner", "lab:\n  vip: 10.9.9.9\n"));
    const result = await runCli(["plan", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lab\.vip: .*10\.9\.9\.9/);
  });

  it("an unknown selector is refused", async () => {
    const file = await scenario(base("  type: link-down\n  target: vip-ownr"));
    const result = await runCli(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/fault\.target/);
  });

  it("a missing scenario file says so in one line", async () => {
    const result = await runCli(["run", "scenarios/no-such-drill.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/no-such-drill\.yaml/);
  });

  it("an unknown command or option is a usage error (exit 2)", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["run", "--no-such-flag"])).code).toBe(2);
  });

  it("no Docker engine: one line saying how to get one; exit 3", async () => {
    const result = await runCli(["run"], { env: { DOCKER_HOST: "unix:///tmp/vipdrill-no-such.sock" } });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/no Docker engine at \/tmp\/vipdrill-no-such\.sock.*setup-engine\.sh/);
  });

  it.skipIf(process.getuid?.() !== 0)("a Docker socket without permission: one line saying what to do; exit 3", async () => {
    // Run the CLI as an unprivileged user against the root-owned socket.
    const { spawnSync } = await import("node:child_process");
    const result = spawnSync("runuser", ["-u", "nobody", "--", process.execPath, CLI, "lab", "status"], { encoding: "utf8", env: { ...process.env, HOME: "/tmp" } });
    expect(result.status).toBe(3);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/permission denied: run as root, or add your user to the "docker" group/);
  });

  it("a scenario's lab.config: validate and plan refuse a file that is not there, and plan sizes the lab and predicts from the proposed files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-e2e-"));
    const file = join(dir, "change.yaml");
    await writeFile(file, base("  type: link-down\n  target: vip-owner", "lab:\n  config:\n    keepalived: keepalived.conf\n    haproxy: haproxy.cfg\n"));
    for (const command of ["validate", "plan"]) {
      const missing = await runCli([command, file]);
      expect(missing.code, missing.stderr).toBe(2);
      expect(missing.stderr).toContain(`${file}:9: lab.config.keepalived: expected a readable file (relative to the scenario's folder), got "keepalived.conf": no such file (${join(dir, "keepalived.conf")})`);
      expect(missing.stderr).toContain(`${file}:10: lab.config.haproxy: expected a readable file (relative to the scenario's folder), got "haproxy.cfg": no such file`);
    }
    await writeFile(join(dir, "keepalived.conf"), PRODUCTION_KEEPALIVED);
    await writeFile(join(dir, "haproxy.cfg"), PRODUCTION_HAPROXY);
    const plan = await runCli(["plan", file]);
    expect(plan.code, plan.stderr).toBe(0);
    // Two servers in the file's backend → two control planes; advert_int 2 (VRRPv2, priority 100 backup): 3 × 2 s + skew, one interval less at best.
    expect(plan.stdout).toMatch(/^ {2}cp-1 \S+, cp-2 \S+, lb-1 \S+, lb-2 \S+; built or reused on `run`$/m);
    expect(plan.stdout).toMatch(/^ {2}lb-1: .*keepalived\.conf \/etc\/keepalived\/keepalived\.conf \(the proposed file, mapped\)$/m);
    expect(plan.stdout).toMatch(/^warning: link-down on vip-owner fails over in 4\.\d+–6\.\d+ s by the proposed .*keepalived\.conf.*; budget 5 s/m);
    expect(plan.stdout).not.toMatch(/the lab's templates/);
  });

  it("plan lists every command on every host, including restores, and does nothing", async () => {
    const result = await runCli(["plan", "scenarios/link-pull-vip-owner.yaml"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\[lb-1\] inject: ip link set dev eth0 down/);
    expect(result.stdout).toMatch(/\[lb-1\] restore: ip link set dev eth0 up/);
    expect(result.stdout).toMatch(/dead-man/);
  });
});
