import { describe, expect, it } from "vitest";
import { invalidKubeVipTimings } from "../model/kube-vip.js";
import { kubeVipFailoverWindow } from "./kube-vip-window.js";

const T531 = { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000, arpRateMs: 1000 };
const T15102 = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000, arpRateMs: 3000 };

describe("kube-vip's failover window", () => {
  it("a lease that must expire: (LD − RP, LD + 2 × 2.2·RP] then the ARP loop's tick", () => {
    // 5/3/1, ARP 1 s: 5 − 1 = 4 s; 5 + 2·2.2 + 1 = 10.4 s.
    expect(kubeVipFailoverWindow(T531, "expiry", "test")).toMatchObject({ fromMs: 4000, toMs: 10_400, source: "test" });
    // kube-vip ≥ 1.1's defaults, ARP 3 s: 13 s to 15 + 8.8 + 3 = 26.8 s — never the runbook's 5 s.
    expect(kubeVipFailoverWindow(T15102, "expiry", "test")).toMatchObject({ fromMs: 13_000, toMs: 26_800 });
  });

  it("a released lease: a follower's next poll, then the ARP tick; a kubelet that must notice first adds its delay", () => {
    expect(kubeVipFailoverWindow(T531, "release", "test")).toMatchObject({ fromMs: 0, toMs: 3200 });
    const window = kubeVipFailoverWindow(T531, "release", "test", { ms: 500, why: "the kubelet notices the manifest is gone" })!;
    expect([window.fromMs, window.toMs]).toEqual([0, 3700]);
    expect(window.terms[0]).toBe("the kubelet notices the manifest is gone, within 0.50 s");
  });

  it("nothing that kube-vip notices: no failover to predict", () => {
    expect(kubeVipFailoverWindow(T531, "none", "test")).toBeNull();
  });

  it("refuses what client-go refuses, saying which rule", () => {
    expect(invalidKubeVipTimings({ leaseDurationMs: 3000, renewDeadlineMs: 3000, retryPeriodMs: 1000 })).toBe("leaseDuration (3 s) must be greater than renewDeadline (3 s)");
    expect(invalidKubeVipTimings({ leaseDurationMs: 5000, renewDeadlineMs: 2000, retryPeriodMs: 2000 })).toBe("renewDeadline (2 s) must be greater than 1.2 × retryPeriod (2.40 s)");
    expect(invalidKubeVipTimings({ leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 1000 })).toBeUndefined();
  });
});
