import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { injected, probes, restored, vipAdded, vipRemoved } from "../../test/helpers/synthetic-timeline.js";
import { Timeline, type TimelineEvent } from "../model/timeline.js";
import { parseScenario } from "../scenario/load.js";
import type { Topology } from "../model/host.js";
import { parseJunit } from "../../test/helpers/junit-xml.js";
import { buildReport, writeReport } from "./report.js";
import { renderSummary } from "./summary.js";

const scenario = parseScenario(
  "version: 1\nname: link-pull\ndescription: pull the link\nprobes:\n  interval: 10ms\nfault:\n  type: link-down\n  target: vip-owner\nbudgets:\n  failover: 3s\n  vipMove: must\n",
  join(process.cwd(), "s.yaml"),
);
const topology = { kind: "lab", name: "t", hosts: [], endpoint: { vip: "10.0.0.200", port: 6443, dns: "api" }, haproxy: { socket: "/s", backend: "b" } } as unknown as Topology;

/** A synthetic drill: fault at 5.000 s (command 4.950–5.000), probes fail 5.030–8.400, VIP moves at vipMovedAtMs (8.100). */
function report(vipMovedAtMs = 8100, extra: TimelineEvent[] = [], asEvents = false) {
  const timeline = new Timeline();
  for (const e of [
    ...probes({ from: 0, to: 20_000, intervalMs: 10, lagMs: 0.2, fail: [[5030, 8400, "connect-timeout"]] }),
    vipAdded("lb-1", 0),
    injected(4950, 5000),
    vipRemoved("lb-1", Math.min(5010, vipMovedAtMs)),
    vipAdded("lb-2", vipMovedAtMs),
    restored(12_950, 13_000),
    ...extra,
  ]) {
    timeline.append(e);
  }
  return buildReport({
    scenario,
    topology,
    // As run-command gives it: the timeline keeps probes in columns, apart from the other events.
    ...(asEvents ? { events: [...timeline.events, ...timeline.probeEvents()] } : { events: timeline.events, probeTables: timeline.probeTables(20_000) }),
    startedAt: new Date("2026-11-25T05:00:00.000Z"),
    endMs: 20_000,
    error: undefined,
    plan: [],
    vipTimePrecisionMs: 1,
    aborted: undefined,
  });
}

describe("reports", () => {
  it("is the same whether the probes come as the timeline's columns or as events (a report read back)", () => {
    expect(JSON.parse(JSON.stringify(report()))).toEqual(JSON.parse(JSON.stringify(report(8100, [], true))));
  });

  it("report.json carries the verdict and, per fault, failover/outage/VIP move with their precision", () => {
    const r = report();
    expect(r.verdict).toBe("fail"); // failover 3.400 s > the 3 s budget
    expect(r.faults).toHaveLength(1);
    expect(r.faults[0]).toMatchObject({ failoverMs: 3400, outageMs: 3380, vipMoveMs: 3100, precisionMs: 10.2, vipMovePrecisionMs: 1 });
    expect(r.budgets.find((b) => b.name === "failover")).toMatchObject({ pass: false, measured: "3.400 s ± 10.2 ms", limit: "3.000 s" });
    expect(r.budgets.find((b) => b.name === "vip-move")).toMatchObject({ pass: true });
  });

  it("writes report.json, summary.md and junit.xml; JUnit has a failing case per breached budget", async () => {
    const dir = await writeReport(report(), await mkdtemp(join(tmpdir(), "vipdrill-report-")));
    expect(dir).toMatch(/2026-11-25T05-00-00Z-link-pull$/);
    const json = JSON.parse(await readFile(join(dir, "report.json"), "utf8")) as {
      verdict: string;
      timeline: Array<{ type: string; outcome?: string }>;
      probeBuckets: { outcomes: Array<{ outcome: string; counts: number[] }> };
    };
    expect(json.verdict).toBe("fail");
    // Of 2,000 probes only those around the failures are kept as events (337 failed + one on each side);
    // every probe is counted in the buckets.
    const probesKept = json.timeline.filter((e) => e.type === "probe");
    expect(probesKept).toHaveLength(339);
    expect(probesKept.filter((e) => e.outcome !== "ok")).toHaveLength(337);
    const counted = json.probeBuckets.outcomes.reduce((n, o) => n + o.counts.reduce((a, b) => a + b, 0), 0);
    expect(counted).toBe(2000);
    const junit = parseJunit(await readFile(join(dir, "junit.xml"), "utf8"));
    expect(junit.attributes).toMatchObject({ name: "vipdrill", tests: "6", failures: "1", errors: "0" });
    const [suite] = junit.suites;
    expect(suite!.attributes.name).toBe("link-pull");
    // Stable names: the drill, then each budget by its name alone, never with the measured value.
    expect(suite!.cases.map((c) => c.name)).toEqual(["drill", "failover", "errors-after-recovery", "vip-move", "split-brain", "healthy-after-restore"]);
    expect(suite!.cases.filter((c) => c.failure).map((c) => c.failure!.message)).toEqual(["failover breached: 3.400 s ± 10.2 ms, limit 3.000 s"]);
    const md = await readFile(join(dir, "summary.md"), "utf8");
    expect(md).toMatch(/^# link-pull: ❌ fail/);
    expect(md).toContain("| failover | 3.400 s ± 10.2 ms | 3.000 s | ✗ |");
  });

  it("the terminal summary shows each figure with its ± and each budget ✓/✗", () => {
    const text = renderSummary(report(), { isTTY: false } as NodeJS.WriteStream);
    expect(text).toContain("link-pull — FAIL");
    expect(text).toMatch(/failover\s+3\.400 s ± 10\.2 ms/);
    expect(text).toMatch(/VIP\s+lb-1 → lb-2 in 3\.100 s ± 1 ms after the fault/);
    expect(text).toMatch(/✗ failover\s+3\.400 s ± 10\.2 ms\s+\(limit 3\.000 s\)/);
    expect(text).toMatch(/✓ vip-move\s+moved after 3\.100 s ± 1 ms/);
  });

  it("lists Keepalived's transitions in the order it logged them, also those a cut-off host reported late", () => {
    const text = renderSummary(
      report(8100, [
        { type: "vrrp-state", host: "lb-2", instance: "VI_1", state: "MASTER", atMs: 8095 },
        { type: "vrrp-state", host: "lb-1", instance: "VI_1", state: "FAULT", atMs: 5002 },
        { type: "vrrp-state", host: "lb-1", instance: "VI_1", state: "BACKUP", atMs: 1000 },
      ]),
      { isTTY: false } as NodeJS.WriteStream,
    );
    expect(text).toMatch(/keepalived\s+lb-1 FAULT T\+5\.002 s, lb-2 MASTER T\+8\.095 s\n/);
  });

  it("a VIP that moved while the inject command still ran is shown as how long before it returned, not as a negative delay", () => {
    const text = renderSummary(report(4990), { isTTY: false } as NodeJS.WriteStream);
    expect(text).toMatch(/VIP\s+lb-1 → lb-2 10 ms ± 1 ms before the inject command returned \(it took 50 ms\)/);
    expect(text).toMatch(/✓ vip-move\s+moved 10 ms ± 1 ms before the inject command returned/);
    expect(report(4990).faults[0]!.vipMoveMs).toBe(-10);
  });
});
