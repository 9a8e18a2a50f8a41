/**
 * A whole drill's report.json from a synthetic timeline, without Docker: for the HTML report's
 * browser test and bench/html.ts. The drill is laid out in proportion to its length, with every
 * kind of thing the page draws: a one-probe baseline blip, two outage windows after the inject
 * (with skipped probes), a one-probe failback, a VIP move and its move back, Keepalived states.
 */
import { join } from "node:path";
import { buildReport, type Report } from "../../src/report/report.js";
import type { Topology } from "../../src/model/host.js";
import type { TimelineEvent } from "../../src/model/timeline.js";
import { parseScenario } from "../../src/scenario/load.js";
import { injected, probes, restored, vipAdded, vipRemoved } from "./synthetic-timeline.js";

const topology = {
  kind: "lab",
  name: "vipdrill-synthetic",
  hosts: [],
  endpoint: { vip: "172.30.0.200", port: 6443, dns: "api.vipdrill.test" },
  haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiserver" },
} as unknown as Topology;

const vrrp = (host: string, state: string, atMs: number): TimelineEvent => ({ type: "vrrp-state", host, instance: "VI_1", state, atMs });

/** Times of the synthetic drill (ms since the origin): T_f at a quarter of the run, S_r at 65 %. */
export function syntheticDrillTimes(durationMs: number) {
  const injectedAtMs = Math.round(durationMs * 0.25);
  const restoreStartMs = Math.round(durationMs * 0.65);
  return { injectStartMs: injectedAtMs - 50, injectedAtMs, restoreStartMs, restoredAtMs: restoreStartMs + 50, baselineBlipMs: Math.round(durationMs * 0.1) };
}

/** report.json of a drill of `events` on the synthetic lab, ended at endMs (with `error`, one that stopped early). */
export function syntheticReport(events: readonly TimelineEvent[], options: { endMs: number; intervalMs: number; error?: { code: string; message: string } }): Report {
  const scenario = parseScenario(
    `version: 1\nname: synthetic-link-pull\ndescription: "pull the VIP owner's link <on purpose> & watch"\nprobes:\n  interval: ${options.intervalMs}ms\nfault:\n  type: link-down\n  target: vip-owner\nbudgets:\n  failover: 5s\n  vipMove: must\n`,
    join(process.cwd(), "synthetic.yaml"),
  );
  return buildReport({
    scenario,
    topology,
    events,
    startedAt: new Date("2026-11-25T05:00:00.000Z"),
    endMs: options.endMs,
    error: options.error,
    aborted: undefined,
    plan: [{ hostId: "lb-1", inject: ["ip link set eth0 down"], restore: ["ip link set eth0 up", "ip route replace default via 172.30.0.1"] }],
    vipTimePrecisionMs: 1,
  });
}

export function syntheticDrillReport(options: { durationMs: number; intervalMs: number }): Report {
  const { durationMs, intervalMs } = options;
  const t = syntheticDrillTimes(durationMs);
  const tf = t.injectedAtMs;
  const tr = t.restoredAtMs;
  const events: TimelineEvent[] = [
    ...probes({
      from: 0,
      to: durationMs,
      intervalMs,
      lagMs: (due) => ((due / intervalMs) % 10) / 20,
      latencyMs: (due) => 1.5 + ((due / intervalMs) % 50) / 10,
      fail: [
        [t.baselineBlipMs, t.baselineBlipMs + intervalMs, "tls"],
        [tf + 30, tf + 3400, "connect-timeout"],
        [tf + 4000, tf + 4200, "connect-refused"],
        [tr + 500, tr + 500 + intervalMs, "reset"],
      ],
      skip: [[tf + 1000, tf + 1000 + 5 * intervalMs]],
    }),
    vipAdded("lb-1", 0),
    vrrp("lb-1", "MASTER", 0),
    vrrp("lb-2", "BACKUP", 0),
    injected(t.injectStartMs, tf),
    vipRemoved("lb-1", tf + 10),
    vrrp("lb-1", "FAULT", tf + 2),
    vrrp("lb-2", "MASTER", tf + 3095),
    vipAdded("lb-2", tf + 3100),
    restored(t.restoreStartMs, tr),
    vrrp("lb-1", "BACKUP", tr + 100),
    vrrp("lb-1", "MASTER", tr + 495),
    vipAdded("lb-1", tr + 500),
    vipRemoved("lb-2", tr + 500.5),
    vrrp("lb-2", "BACKUP", tr + 498),
  ];
  return syntheticReport(events, { endMs: durationMs, intervalMs });
}
