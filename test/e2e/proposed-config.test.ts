import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { AUTH_PASS, PRODUCTION_HAPROXY as HAPROXY, PRODUCTION_KEEPALIVED as KEEPALIVED, STATS_PASSWORD, USERLIST_PASSWORD } from "../helpers/production-config.js";

const LAB = "config-e2e";
// The change under test (test/helpers/production-config.ts): advert_int 2 where the templates say 1, production's addresses and names.
// A link pull on the VIP owner, on a subnet of its own; lab.config names the files beside the scenario.
const SCENARIO = `version: 1
name: proposed-link-pull
description: Pull the VIP owner's link with the proposed keepalived.conf (advert_int 2) and haproxy.cfg on the balancers.
lab:
  subnet: 172.30.224.0/24
  config:
    keepalived: change/keepalived.conf
    haproxy: change/haproxy.cfg
probes:
  interval: 10ms
baseline: 3s
fault:
  type: link-down
  target: vip-owner
hold: 9s
settle: 4s
budgets:
  failover: 8s
  vipMove: must
`;

interface Report {
  verdict: string;
  target: { hosts: Array<{ id: string }> };
  faults: Array<{ failoverMs: number | null; precisionMs: number; predicted: { fromMs: number; toMs: number; source: string } | null; outsidePrediction: boolean | null }>;
  configuration: { role: string; files: Array<{ daemon: string; path: string; sha256: string }>; mapping: Array<{ item: string; line: number; production: string; lab: string }>; sizing: string[] };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function labContainers(): Promise<string[]> {
  const docker = await connectEngine();
  const listed = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [`vipdrill.lab=${LAB}`] } }),
    docker.listContainers({ all: true, filters: { label: [`vipdrill.config-check=${LAB}`] } }),
  ]);
  return listed.flat().map((c) => c.Names[0] ?? c.Id);
}

/** The proposed configuration on the lab, through the built CLI: mapped, checked by the daemons, drilled, its secrets in no output. */
describe.sequential("vipdrill run with a proposed keepalived.conf and haproxy.cfg", () => {
  let dir: string;
  let run: CliResult;
  let runDir: string;
  let report: Report;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-config-"));
    await writeFile(join(dir, "scenario.yaml"), SCENARIO);
    await mkdir(join(dir, "change"));
    await writeFile(join(dir, "change", "keepalived.conf"), KEEPALIVED);
    await writeFile(join(dir, "change", "haproxy.cfg"), HAPROXY);
    run = await runCli(["run", "--lab-name", LAB, "--no-progress", "--reports", join(dir, "reports"), join(dir, "scenario.yaml")]);
    const runs = (await readdir(join(dir, "reports"), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    runDir = join(dir, "reports", runs.sort().at(-1)!);
    report = JSON.parse(await readFile(join(runDir, "report.json"), "utf8")) as Report;
  });

  afterAll(async () => {
    // Whatever the test saw, no lab of its own is left behind.
    expect(await labContainers()).toEqual([]);
  });

  it("drills it to its end on a lab sized from the files (two servers → two control planes)", () => {
    // 0 or 1: the drill reached a verdict (a loaded machine can push a budget such as healthy-after-restore over).
    expect([0, 1], run.stderr).toContain(run.code);
    expect(report.faults).toHaveLength(1);
    expect(report.target.hosts.map((h) => h.id).sort()).toEqual(["cp-1", "cp-2", "lb-1", "lb-2"]);
    expect(report.configuration.sizing).toEqual([expect.stringMatching(/^2 servers in backend k8s-api-servers .* → 2 control planes$/), expect.stringMatching(/^1 unicast peer .* → 2 load balancers$/)]);
  });

  it("shows the mapping table, production → lab, on the terminal and in summary.md", async () => {
    expect(run.stdout).toContain("production → lab:");
    expect(run.stdout).toMatch(/change\/keepalived\.conf:30 {2}virtual_ipaddress: 10\.40\.0\.100\/24 dev ens192 label ens192:api → 172\.30\.224\.200\/24 dev eth0 label eth0:api \(the drilled VIP\)/);
    expect(run.stdout).toMatch(/change\/keepalived\.conf:20 {2}advert_int: 2 → 2 \(kept\)/);
    expect(run.stdout).toMatch(/change\/haproxy\.cfg:27 {2}server \(backend k8s-api-servers\): master-a 10\.40\.0\.21:6443 → cp-1 172\.30\.224\.11:6443/);
    const summary = await readFile(join(runDir, "summary.md"), "utf8");
    expect(summary).toContain("| where | item | production | → lab |");
    expect(summary).toMatch(/\| \S*change\/keepalived\.conf:22 \| unicast_peer \| 10\.40\.0\.12 \| lb-1: 172\.30\.224\.22; lb-2: 172\.30\.224\.21 \|/);
  });

  it("names each file with its SHA-256 in report.json and ticket.md", async () => {
    const sha = createHash("sha256").update(KEEPALIVED).digest("hex");
    expect(report.configuration.files.find((f) => f.daemon === "keepalived")).toMatchObject({ sha256: sha });
    expect(await readFile(join(runDir, "ticket.md"), "utf8")).toContain(`sha256 \`${sha}\``);
  });

  it("puts auth_pass, the stats and the userlist passwords in no output: terminal, report.json, summary.md, ticket.md, report.html, junit.xml", async () => {
    const texts = [run.stdout, run.stderr, ...(await Promise.all((await filesUnder(join(dir, "reports"))).map((f) => readFile(f, "utf8"))))];
    expect(texts.length).toBeGreaterThanOrEqual(7);
    for (const secret of [AUTH_PASS, STATS_PASSWORD, USERLIST_PASSWORD]) expect(texts.filter((t) => t.includes(secret))).toEqual([]);
  });

  it("predicts the failover from the proposed timers (advert_int 2, not the templates' 1), and measures it inside that window", () => {
    const fault = report.faults[0]!;
    expect(fault.predicted?.source).toMatch(/change\/keepalived\.conf/);
    // Backup priority 149, VRRPv2: 3 × 2 s + (256 − 149)/256 s = 6.418 s, less one advert interval at the earliest.
    expect([fault.predicted?.fromMs, fault.predicted?.toMs]).toEqual([expect.closeTo(4418, 0), expect.closeTo(6418, 0)]);
    expect(fault.failoverMs).not.toBeNull();
    expect(fault.failoverMs! + fault.precisionMs).toBeGreaterThanOrEqual(fault.predicted!.fromMs);
    expect(fault.failoverMs! - fault.precisionMs).toBeLessThanOrEqual(fault.predicted!.toMs);
    expect(fault.outsidePrediction).toBe(false);
  });
});

describe("a configuration the daemons reject, or that names what is not there: one line, exit 2, nothing started", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-config-bad-"));
    await writeFile(join(dir, "scenario.yaml"), SCENARIO.replace(/ {2}config:\n.*\n.*\n/, ""));
    await writeFile(join(dir, "bogus.conf"), KEEPALIVED.replace("    advert_int 2\n", "    advert_int 2\n    bogus_keyword 3\n"));
    await writeFile(join(dir, "missing-backend.cfg"), HAPROXY.replace("default_backend k8s-api-servers", "default_backend k8s-apix"));
  });

  it.each([
    ["--keepalived-conf", "bogus.conf", /^vipdrill: \S+\/bogus\.conf:21: keepalived -t: Unknown keyword 'bogus_keyword'$/],
    ["--haproxy-cfg", "missing-backend.cfg", /^vipdrill: \S+\/missing-backend\.cfg:14: default_backend k8s-apix: no backend k8s-apix in \S+ \(expected one of: stats, k8s-api-servers\)$/],
  ])("%s %s", async (flag, file, message) => {
    const result = await runCli(["run", "--lab-name", LAB, "--no-progress", "--reports", join(dir, "reports"), flag, join(dir, file), join(dir, "scenario.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n").filter((l) => l.startsWith("vipdrill:"))).toEqual([expect.stringMatching(message)]);
    expect(await labContainers()).toEqual([]);
  });
});
