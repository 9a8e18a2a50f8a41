import { mkdtemp } from "node:fs/promises";
import { LAB_READINESS } from "../../src/engine/readiness.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { DockerLabProvider } from "../../src/targets/docker/docker-lab.js";
import { reportsIn, runCli, type CliResult } from "../helpers/cli.js";

interface FaultFigures {
  failoverMs: number | null;
  outageMs: number | null;
  vipMoveMs: number | null;
  precisionMs: number;
  failedProbes: number;
}
interface Report {
  verdict: "pass" | "fail";
  scenario: { name: string };
  faults: FaultFigures[];
  probes: { intervalMs: number; skipped: number; schedulerLagMs: { max: number } };
}

/**
 * The most a failover's ± may be by its definition (README "Precision"): its recovery bracket — Δ per
 * sequence step, one more for each probe never sent — plus the larger send lag of its two probes (T_f
 * is a command's return on our clock: no ± of its own). Δ alone on a quiet machine.
 */
const failoverPrecisionBoundMs = (r: Pick<Report, "probes">): number => r.probes.intervalMs * (1 + r.probes.skipped) + r.probes.schedulerLagMs.max + 0.2;

/**
 * The CLI end to end on a real lab: scenarios (a)–(d) in one run (one lab, four drills), with the
 * figures in the ranges physics allows for VRRPv2, advert_int 1, priorities 101/100.
 */
describe.sequential("vipdrill run: drills on the built-in lab", () => {
  let result: CliResult;
  let reports: Report[];
  const provider = connectEngine().then((docker) => new DockerLabProvider(docker, LAB_READINESS));

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-reports-"));
    result = await runCli([
      "run",
      "--lab-name",
      "vipdrill-e2e",
      "--reports",
      dir,
      "scenarios/link-pull-vip-owner.yaml",
      "scenarios/keepalived-stop-vip-owner.yaml",
      "scenarios/haproxy-stop-vip-owner.yaml",
      "scenarios/drain-control-plane.yaml",
    ]);
    console.log(result.stdout);
    reports = (await reportsIn(dir)) as unknown as Report[];
  }, 900_000);
  afterAll(async () => {
    await (await provider).down("vipdrill-e2e");
  });

  const byName = (name: string): Report => {
    const report = reports.find((r) => r.scenario.name === name);
    if (!report) throw new Error(`no report for ${name}; stderr:\n${result.stderr}`);
    return report;
  };

  it("exits 0 with every budget met, and tears the lab down", async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(reports).toHaveLength(4);
    expect((await (await provider).status("vipdrill-e2e")).nodes).toEqual([]);
  });

  // The backup declares the master dead 3 adverts + skew (3.61 s) after the last advert it heard, which
  // left the master up to 1 s before the link was pulled: the VIP moves 2.6–3.7 s after the pull.
  it("(a) link pull on the VRRP master: failover in about 2.6–3.7 s, precision Δ (5 ms) plus the send lag", () => {
    const fault = byName("link-pull-vip-owner").faults[0]!;
    expect(fault.vipMoveMs).toBeGreaterThan(2_500);
    expect(fault.vipMoveMs).toBeLessThan(3_900);
    expect(fault.failoverMs).toBeGreaterThanOrEqual(fault.vipMoveMs! - 50);
    expect(fault.failoverMs).toBeLessThan(4_500);
    expect(fault.precisionMs).toBeGreaterThanOrEqual(5);
    expect(fault.precisionMs).toBeLessThanOrEqual(failoverPrecisionBoundMs(byName("link-pull-vip-owner")));
    expect(byName("link-pull-vip-owner").verdict).toBe("pass");
  });

  it("(b) keepalived stop: the priority-0 advert hands over in well under 2 s", () => {
    const fault = byName("keepalived-stop-vip-owner").faults[0]!;
    expect(fault.vipMoveMs).not.toBeNull();
    expect(fault.vipMoveMs).toBeLessThan(2_000);
    expect(fault.failoverMs).toBeLessThan(2_500);
  });

  it("(c) haproxy stop: the check script fails, Keepalived goes to FAULT, the VIP moves within the budget", () => {
    const fault = byName("haproxy-stop-vip-owner").faults[0]!;
    expect(fault.vipMoveMs).not.toBeNull();
    expect(fault.failoverMs).toBeGreaterThan(0);
    expect(fault.failoverMs).toBeLessThan(5_000);
  });

  it("(d) draining a control plane from HAProxy rotation fails no probe and moves no VIP", () => {
    const report = byName("drain-control-plane");
    expect(report.faults[0]!.failedProbes).toBe(0);
    expect(report.faults[0]!.vipMoveMs).toBeNull();
    expect(report.verdict).toBe("pass");
  });
});

describe.sequential("vipdrill run: Ctrl-C during a fault", () => {
  it("restores the fault, exits 4, and tears the lab down", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-reports-"));
    let sent = false;
    const result = await runCli(["run", "--lab-name", "vipdrill-e2e-int", "--reports", dir], {
      onStderr: (text, kill) => {
        if (!sent && /phase fault/.test(text)) {
          sent = true;
          setTimeout(() => kill("SIGINT"), 1_500);
        }
      },
    });
    expect(sent, result.stderr).toBe(true);
    expect(result.code, result.stderr).toBe(4);
    const [report] = (await reportsIn(dir)) as unknown as Array<{ aborted: string | null; timeline: Array<{ type: string }> }>;
    expect(report!.aborted).toBe("SIGINT");
    expect(report!.timeline.some((e) => e.type === "fault-restored")).toBe(true);
    const provider = new DockerLabProvider(await connectEngine(), LAB_READINESS);
    expect((await provider.status("vipdrill-e2e-int")).nodes).toEqual([]);
  }, 600_000);
});

describe.sequential("vipdrill lab up | status | down, and drills on a running lab", () => {
  const name = "vipdrill-e2e-lab";
  afterAll(async () => {
    await runCli(["lab", "down", "--lab-name", name]);
  });

  it("lab up, a second lab up refused, a drill reuses the running lab and leaves it up, lab down removes it", async () => {
    const up = await runCli(["lab", "up", "--lab-name", name]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/is up in [\d.]+ s: VIP 172\.30\.213\.200:6443/);

    const again = await runCli(["lab", "up", "--lab-name", name]);
    expect(again.code).toBe(3);
    expect(again.stderr.trim().split("\n").pop()).toMatch(/already running/);

    const status = await runCli(["lab", "status", "--lab-name", name]);
    expect(status.stdout.match(/running/g)?.length).toBe(5);

    // (f) kubelet stop: nothing should move, and clients should not notice.
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-reports-"));
    const drill = await runCli(["run", "--lab-name", name, "--reports", dir, "scenarios/kubelet-stop-control-plane.yaml"]);
    expect(drill.code, drill.stderr).toBe(0);
    const [report] = (await reportsIn(dir)) as unknown as Report[];
    expect(report!.faults[0]!.failedProbes).toBe(0);
    expect(report!.faults[0]!.vipMoveMs).toBeNull();
    expect((await runCli(["lab", "status", "--lab-name", name])).stdout.match(/running/g)?.length).toBe(5);

    const down = await runCli(["lab", "down", "--lab-name", name]);
    expect(down.code).toBe(0);
    expect((await runCli(["lab", "status", "--lab-name", name])).stdout).toMatch(/not running/);
  }, 300_000);
});
