import { describe, expect, it } from "vitest";
import type { KeepalivedTimings } from "../model/keepalived.js";
import { keepalivedFailbackWindow, keepalivedFailoverWindow, keepalivedNoFailover, masterDownMs } from "./keepalived-window.js";

/** The lab's templates: VRRPv2, advert_int 1, 101/100, chk_apiserver 1/1/2/2 weight 0, HAProxy inter 1s fall 3 rise 2 with redispatch. */
const LAB: KeepalivedTimings = {
  version: 2,
  advertIntMs: 1000,
  downTimerAdverts: 3,
  master: { priority: 101, nopreempt: false, preemptDelayMs: 0 },
  backup: { priority: 100, nopreempt: false, preemptDelayMs: 0 },
  script: { name: "chk_apiserver", intervalMs: 1000, timeoutMs: 1000, fall: 2, rise: 2, weight: 0, checks: "haproxy" },
  haproxy: { interMs: 1000, fastInterMs: 1000, downInterMs: 1000, fall: 3, rise: 2, redispatch: true },
};
const range = (w: { fromMs: number; toMs: number } | null): [number, number] | null => (w === null ? null : [w.fromMs, w.toMs]);
const failover = (t: KeepalivedTimings, fault: Parameters<typeof keepalivedFailoverWindow>[1]) => range(keepalivedFailoverWindow(t, fault, "test"));
const failback = (t: KeepalivedTimings, fault: Parameters<typeof keepalivedFailbackWindow>[1], holdMs = 10_000) => range(keepalivedFailbackWindow(t, fault, holdMs, "test"));

// skew (256 − 100)/256 s = 609.375 ms; (256 − 101)/256 s = 605.46875 ms.
const SKEW_100 = 609.375;
const DOWN_101 = 3605.46875;

describe("Keepalived's failover window: a silent master (link pulled, node dead or frozen)", () => {
  it("the issue's worked examples: advert_int 1 → 2.61–3.61 s; advert_int 2 → 4.61–6.61 s; VRRPv3 at 0.1 s → 0.26–0.36 s", () => {
    expect(failover(LAB, "link-down")).toEqual([2000 + SKEW_100, 3000 + SKEW_100]);
    // VRRPv2's skew does not grow with the interval: 6 + 0.609, one interval less at best.
    expect(failover({ ...LAB, advertIntMs: 2000 }, "link-down")).toEqual([4609.375, 6609.375]);
    // VRRPv3's does: 3 × 0.1 + 156/256 × 0.1 = 0.3609 s.
    const [from, to] = failover({ ...LAB, version: 3, advertIntMs: 100 }, "node-down")!;
    expect(from).toBeCloseTo(260.9375, 6);
    expect(to).toBeCloseTo(360.9375, 6);
  });

  it("counts the skew of the backup that takes over, and down_timer_adverts", () => {
    // keepalived.conf(5): advert_int 1 and priority 128 wait 3.5 s.
    expect(masterDownMs(LAB, 128)).toBe(3500);
    expect(failover({ ...LAB, backup: { ...LAB.backup, priority: 128 } }, "link-down")).toEqual([2500, 3500]);
    expect(failover({ ...LAB, downTimerAdverts: 5 }, "link-down")).toEqual([4000 + SKEW_100, 5000 + SKEW_100]);
  });

  it("names each term in words, the total of the timer among them", () => {
    const terms = keepalivedFailoverWindow(LAB, "link-down", "the lab")!.terms.join("; ");
    expect(terms).toContain("up to advert_int 1 s before the fault");
    expect(terms).toContain("3 × advert_int 1 s + skew (256 − 100)/256 s = 3.609 s (VRRPv2");
  });
});

describe("Keepalived's failover window: what the master says before it goes", () => {
  it("a graceful stop sends priority 0: the backup waits its skew alone", () => {
    expect(failover(LAB, "keepalived-stop")).toEqual([0, SKEW_100]);
  });

  it("a stopped HAProxy: the script fails fall times, FAULT sends priority 0, then the skew (the lab's 1.61 s lies inside)", () => {
    // (fall − 1) × 1 s … fall × 1 s + timeout 1 s, + 0.609 s.
    expect(failover(LAB, "haproxy-stop")).toEqual([1000 + SKEW_100, 3000 + SKEW_100]);
    // timeout 0 waits up to the interval.
    expect(failover({ ...LAB, script: { ...LAB.script!, timeoutMs: 0, intervalMs: 2000 } }, "haproxy-stop")).toEqual([2000 + SKEW_100, 6000 + SKEW_100]);
  });

  it("a negative weight: the master's priority drops below the backup's, which preempts when its timer runs out", () => {
    // 101 − 2 = 99 < 100. Detection 1–3 s; the timer runs from the last advert at 101 (up to 1 s before): +2.609…+3.609 s.
    const weighted = { ...LAB, script: { ...LAB.script!, weight: -2 } };
    expect(failover(weighted, "haproxy-stop")).toEqual([1000 - 1000 + 3000 + SKEW_100, 3000 + 3000 + SKEW_100]);
    // kubeadm's reference check (interval 3, fall 10, weight −2, no timeout): about 30 s, then 3.6 s.
    const kubeadm = { ...LAB, script: { ...LAB.script!, intervalMs: 3000, timeoutMs: 0, fall: 10, weight: -2 } };
    expect(failover(kubeadm, "haproxy-stop")).toEqual([27_000 - 1000 + 3000 + SKEW_100, 33_000 + 3000 + SKEW_100]);
    // preempt_delay 2.5 s on the backup: it accepts the first lower advert and two more (at +1 s, +2 s), then discards.
    const delayed = { ...weighted, backup: { ...LAB.backup, preemptDelayMs: 2500 } };
    expect(failover(delayed, "haproxy-stop")).toEqual([1000 + 2000 + 3000 + SKEW_100, 3000 + 3000 + 3000 + SKEW_100]);
  });

  it("no failover where nothing makes the backup take over, and says why", () => {
    const equal = { ...LAB, script: { ...LAB.script!, weight: -1 } };
    expect(failover(equal, "haproxy-stop")).toBeNull();
    expect(keepalivedNoFailover(equal, "haproxy-stop")).toContain("lowers the master's priority from 101 to 100, not below the backup's 100");
    const stubborn = { ...LAB, script: { ...LAB.script!, weight: -20 }, backup: { ...LAB.backup, nopreempt: true } };
    expect(failover(stubborn, "haproxy-stop")).toBeNull();
    expect(keepalivedNoFailover(stubborn, "haproxy-stop")).toContain("nopreempt");
    const unchecked: KeepalivedTimings = { ...LAB, script: undefined };
    expect(failover(unchecked, "haproxy-stop")).toBeNull();
    expect(keepalivedNoFailover(unchecked, "haproxy-stop")).toContain("no vrrp_script is tracked");
    expect(keepalivedNoFailover(LAB, "haproxy-stop")).toBeNull();
    expect(keepalivedNoFailover(unchecked, "link-down")).toBeNull();
  });
});

describe("HAProxy's part: a control plane out of rotation", () => {
  it("a drain moves nothing: 0 failed probes expected", () => {
    expect(failover(LAB, "backend-drain")).toEqual([0, 0]);
  });

  it("a stopped apiserver: redispatch hides it (0), without it clients fail until HAProxy marks it DOWN", () => {
    const redispatched = keepalivedFailoverWindow(LAB, "backend-stop", "test")!;
    expect(range(redispatched)).toEqual([0, 0]);
    expect(redispatched.terms[0]).toContain("DOWN after 2 s–3 s");
    expect(failover({ ...LAB, haproxy: { ...LAB.haproxy!, redispatch: false } }, "backend-stop")).toEqual([2000, 3000]);
    // HAProxy's defaults, inter 2 s fall 3: about 6 s.
    expect(failover({ ...LAB, haproxy: { interMs: 2000, fastInterMs: 2000, downInterMs: 2000, fall: 3, rise: 2, redispatch: false } }, "backend-stop")).toEqual([4000, 6000]);
    expect(failover({ ...LAB, haproxy: undefined }, "backend-stop")).toBeNull();
  });
});

describe("the failback: the former master preempts after the restore", () => {
  it("after a link restore: HAProxy's rise, the script's rise, then its own master-down timer (the lab's 5.8 s lies inside)", () => {
    // servers UP 1–2 s; script 1–3 s; 3 + 155/256 s.
    expect(failback(LAB, "link-down")).toEqual([1000 + 1000 + DOWN_101, 2000 + 3000 + DOWN_101]);
  });

  it("a short hold fails less: nothing had failed after 1 s; after 2 s only the script may have", () => {
    expect(failback(LAB, "link-down", 1000)).toEqual([DOWN_101, DOWN_101]);
    expect(failback(LAB, "link-down", 2000)).toEqual([DOWN_101, 3000 + DOWN_101]);
  });

  it("a script vipdrill cannot read may or may not have failed: only the upper end counts its rise", () => {
    expect(failback({ ...LAB, script: { ...LAB.script!, checks: "unknown" } }, "link-down")).toEqual([DOWN_101, 2000 + 3000 + DOWN_101]);
  });

  it("after HAProxy or Keepalived is started again", () => {
    expect(failback(LAB, "haproxy-stop")).toEqual([1000 + DOWN_101, 3000 + DOWN_101]);
    expect(failback(LAB, "keepalived-stop")).toEqual([DOWN_101, 1000 + DOWN_101]);
  });

  it("preempt_delay waits whole adverts; nopreempt or a lower priority never moves it back", () => {
    // 5 s: the first lower advert within 1 s, then 4 more accepted.
    expect(failback({ ...LAB, master: { ...LAB.master, preemptDelayMs: 5000 } }, "link-down")).toEqual([1000 + 1000 + 4000 + DOWN_101, 2000 + 3000 + 5000 + DOWN_101]);
    expect(failback({ ...LAB, master: { ...LAB.master, nopreempt: true } }, "link-down")).toBeNull();
    expect(failback({ ...LAB, master: { ...LAB.master, priority: 100 } }, "link-down")).toBeNull();
  });

  it("is not derived where the timers do not decide it", () => {
    expect(failback(LAB, "node-down")).toBeNull();
    expect(failback(LAB, "backend-drain")).toBeNull();
    expect(failback({ ...LAB, script: { ...LAB.script!, weight: -2 } }, "haproxy-stop")).toBeNull();
  });
});
