import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB_READINESS } from "../../src/engine/readiness.js";
import { DockerLabProvider } from "../../src/targets/docker/docker-lab.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { reportsIn, runCli, type CliResult } from "../helpers/cli.js";

interface LeaseEvent {
  type: "lease";
  holder: string | null;
  holderChanged: boolean;
  acquireAtMs: number | null;
  renewAtMs: number | null;
  atMs: number;
}
interface Report {
  verdict: "pass" | "fail";
  scenario: { name: string };
  target: { kind: string };
  probes: { intervalMs: number; skipped: number; schedulerLagMs: { max: number } };
  faults: Array<{
    hosts: string[];
    injectStartMs: number;
    failoverMs: number | null;
    precisionMs: number;
    vipMoveMs: number | null;
    failedProbes: number;
    predicted: { fromMs: number; toMs: number } | null;
    outsidePrediction: boolean | null;
    vipOwnerBefore: string | null;
  }>;
  timeline: Array<{ type: string } & Partial<LeaseEvent>>;
  budgets: Array<{ name: string; pass: boolean }>;
  analysis: { notes: string[] };
}

const LAB = "vipdrill-e2e-kube-vip";

/**
 * A renewal in flight when kube-vip is told to stop can land after its release read the Lease: the
 * release is refused (409) and the Lease must expire — client-go's behaviour, seen here on a loaded
 * host now and then. Then the report must say so and predict a lost leader's window, and the
 * failover lie inside it; true when that is what happened (the caller's graceful-stop checks are moot).
 */
function releaseRefused(report: Report): boolean {
  const refused = (report.timeline as Array<{ type: string; message?: string }>).find((e) => e.type === "kube-vip-log" && /Failed to release lease/.test(String(e.message)));
  if (refused === undefined) return false;
  console.log(`${report.scenario.name}: ${String(refused.message)}`);
  const fault = report.faults[0]!;
  expect(report.analysis.notes.some((n) => /did not release the Lease .* so it had to expire/.test(n))).toBe(true);
  expect(fault.predicted!.fromMs).toBe(4000);
  expect(fault.failoverMs! + fault.precisionMs).toBeGreaterThanOrEqual(4000);
  return true;
}

/**
 * The runbook's Option A on the stand-in lab (three control planes, a real 3-member etcd, the Lease
 * API, kube-vip's leader election and ARP loop): every shipped kube-vip scenario through the CLI,
 * the figures against the windows client-go's algorithm allows.
 */
describe.sequential("vipdrill run: kube-vip drills on the stand-in lab", () => {
  let result: CliResult;
  let reports: Report[];
  const provider = connectEngine().then((docker) => new DockerLabProvider(docker, LAB_READINESS));

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-kube-vip-"));
    result = await runCli([
      "run",
      "--lab-name",
      LAB,
      "--reports",
      dir,
      "scenarios/kube-vip-link-pull-leader.yaml",
      "scenarios/kube-vip-static-pod-stop.yaml",
      "scenarios/kube-vip-kubelet-stop-leader.yaml",
      "scenarios/kube-vip-container-kill.yaml",
      "scenarios/kube-vip-link-pull-leader-15-10-2.yaml",
    ]);
    console.log(result.stdout);
    reports = (await reportsIn(dir)) as unknown as Report[];
  }, 1_200_000);
  afterAll(async () => {
    await (await provider).down(LAB);
  });

  const byName = (name: string): Report => {
    const report = reports.find((r) => r.scenario.name === name);
    if (!report) throw new Error(`no report for ${name}; stderr:\n${result.stderr}`);
    return report;
  };
  const leaseChanges = (report: Report): LeaseEvent[] =>
    report.timeline.filter((e): e is LeaseEvent => e.type === "lease" && e.holderChanged === true);

  it("runs all five, exits 1 (the 15/10/2 link pull misses 5 s by design) and tears the labs down", async () => {
    expect(reports.map((r) => r.scenario.name).sort()).toHaveLength(5);
    expect(result.code, result.stderr).toBe(1);
    expect((await (await provider).status(LAB)).nodes).toEqual([]);
  });

  it("link pull on the leader, 5/3/1: failover inside the 4.0–10.4 s client-go allows; the Lease moved and was seen within 1 s", () => {
    const report = byName("kube-vip-link-pull-leader");
    const fault = report.faults[0]!;
    expect(fault.predicted).toEqual(expect.objectContaining({ fromMs: 4000, toMs: 10_400 }));
    expect(fault.failoverMs).not.toBeNull();
    expect(fault.failoverMs! + fault.precisionMs).toBeGreaterThanOrEqual(4000);
    expect(fault.failoverMs! - fault.precisionMs).toBeLessThanOrEqual(10_400);
    expect(fault.outsidePrediction).toBe(false);
    // Δ (10 ms) per sequence step of the recovery bracket plus its larger send lag (README "Precision").
    expect(fault.precisionMs).toBeGreaterThanOrEqual(10);
    expect(fault.precisionMs).toBeLessThanOrEqual(report.probes.intervalMs * (1 + report.probes.skipped) + report.probes.schedulerLagMs.max + 0.2);
    expect(fault.vipMoveMs).not.toBeNull();
    const changes = leaseChanges(report).filter((e) => e.holder !== null);
    expect(changes.length).toBeGreaterThanOrEqual(1);
    for (const change of changes) expect(change.atMs - change.acquireAtMs!).toBeLessThanOrEqual(1000);
    expect(report.verdict).toBe("pass");
  });

  it("link pull on the leader, 15/10/2 (kube-vip's generated defaults): outside the runbook's 5 s, inside 13–26.8 s", () => {
    const report = byName("kube-vip-link-pull-leader-15-10-2");
    const fault = report.faults[0]!;
    expect(fault.failoverMs).not.toBeNull();
    expect(fault.failoverMs!).toBeGreaterThan(5000);
    expect(fault.outsidePrediction).toBe(false);
    expect(report.verdict).toBe("fail");
  });

  it("static pod stopped on the leader: the Lease is released and taken over within seconds", () => {
    const report = byName("kube-vip-static-pod-stop");
    const fault = report.faults[0]!;
    expect(fault.vipMoveMs).not.toBeNull();
    expect(fault.outsidePrediction).toBe(false);
    if (releaseRefused(report)) return;
    expect(fault.failoverMs!).toBeLessThan(5000);
    // Released, not expired: a follower took the Lease sooner than leaseDuration (5 s) after the last
    // renewal seen of the old leader, which it cannot do to a Lease still held. (The empty holder that
    // client-go's release writes lives only until a follower's next poll: a 200 ms read may miss it.)
    const taken = leaseChanges(report).find((e) => e.holder !== null && e.atMs > fault.injectStartMs)!;
    const lastRenewal = report.timeline.filter((e) => e.type === "lease" && e.holder === fault.hosts[0] && e.atMs! < taken.atMs).at(-1) as LeaseEvent;
    expect(taken.acquireAtMs! - lastRenewal.renewAtMs!).toBeLessThan(5000);
    expect(report.verdict).toBe("pass");
  });

  it("kubelet stopped on the leader: no probe fails, the VIP stays, kube-vip keeps its Lease", () => {
    const report = byName("kube-vip-kubelet-stop-leader");
    const fault = report.faults[0]!;
    expect([fault.failedProbes, fault.vipMoveMs]).toEqual([0, null]);
    expect(leaseChanges(report)).toEqual([]);
    expect(report.verdict).toBe("pass");
  });

  it("kube-vip killed on the leader: the kubelet restarts it, and the endpoint is healthy again", () => {
    const report = byName("kube-vip-container-kill");
    expect(report.faults[0]!.predicted).toBeNull();
    expect(report.verdict, JSON.stringify(report.faults[0])).toBe("pass");
  });
});

/**
 * The same scenario file against the kube-vip lab as real hosts: SSH to each control plane, the
 * Lease read through each apiserver with the lab's admin kubeconfig, preflight's Option A checks.
 */
describe.sequential("vipdrill run --inventory: kube-vip over SSH", () => {
  const SSH_LAB = "vipdrill-e2e-kube-vip-ssh";
  let dir: string;
  const provider = connectEngine().then((docker) => new DockerLabProvider(docker, LAB_READINESS));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-kube-vip-ssh-"));
    const up = await runCli(["lab", "up", "scenarios/kube-vip-static-pod-stop.yaml", "--lab-name", SSH_LAB, "--ssh", dir]);
    expect(up.code, up.stderr).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await (await provider).down(SSH_LAB);
  });

  it("preflight --inventory: kube-vip's manifest and Lease checks pass and say what a link pull costs", async () => {
    const result = await runCli(["preflight", "--inventory", join(dir, "inventory.yaml")]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const text = result.stdout + result.stderr;
    expect(text).toMatch(/kube-vip-manifest\s+a link pull on the leader fails over in 4\.000 s–10\.400 s/);
    expect(text).toMatch(/kube-system\/plndr-cp-lock held by cp-\d/);
  });

  it("the static-pod stop drills over SSH as on the lab: the Lease is released and another node takes the VIP", async () => {
    const reports = join(dir, "reports");
    const result = await runCli(["run", "--inventory", join(dir, "inventory.yaml"), "--yes", "--reports", reports, "scenarios/kube-vip-static-pod-stop.yaml"]);
    const [report] = (await reportsIn(reports)) as unknown as Report[];
    expect(report!.target.kind).toBe("inventory");
    const fault = report!.faults[0]!;
    expect(fault.vipMoveMs).not.toBeNull();
    expect(fault.outsidePrediction, result.stdout).toBe(false);
    if (releaseRefused(report!)) return;
    expect(fault.failoverMs!).toBeLessThan(5000);
    expect(fault.predicted).toEqual(expect.objectContaining({ fromMs: 0 }));
    // Every budget holds, but for a lone probe lost after the move (seen once on this 2-core host with
    // sshd, three etcd members and the stand-ins under 100 TLS handshakes/s): what that budget is
    // for, and shown as such; the drill over SSH is what this test is about.
    const failed = report!.budgets.filter((b) => !b.pass).map((b) => b.name);
    if (failed.length > 0) console.log(`kube-vip static-pod stop over SSH: budgets failed ${failed.join(", ")}`);
    expect(failed.filter((name) => name !== "errors-after-recovery"), result.stdout).toEqual([]);
    expect(result.code, result.stdout + result.stderr).toBe(failed.length === 0 ? 0 : 1);
  }, 300_000);
});
