import { describe, expect, it } from "vitest";
import type { FaultSpec } from "../model/scenario.js";
import { parseSelector } from "../scenario/selector.js";
import { planLab } from "../targets/docker/docker-lab.js";
import { plannedLabTopology } from "../targets/docker/lab-topology.js";
import { predictFailback, predictFailover, predictNoFailover } from "./predict.js";

const lab = (advertIntS = 1, loadBalancers = 2) =>
  plannedLabTopology(planLab({ topology: "haproxy-keepalived", subnet: "172.30.99.0/24", vip: "172.30.99.200", advertIntS, controlPlanes: 3, loadBalancers }, "api.example.org", "unit"));
const fault = (spec: Record<string, unknown>): FaultSpec => ({ pick: "first", ...spec, selector: parseSelector(spec.target as string) }) as FaultSpec;
const span = (w: { fromMs: number; toMs: number } | null) => (w === null ? null : [Math.round(w.fromMs), Math.round(w.toMs)]);

const LINK_PULL = fault({ type: "link-down", target: "vip-owner" });

describe("predictFailover on the lab's balancers", () => {
  it("gives each shipped Keepalived drill its window from the lab's templates", () => {
    expect(span(predictFailover(LINK_PULL, lab()))).toEqual([2609, 3609]);
    expect(span(predictFailover(fault({ type: "service-stop", service: "keepalived", target: "vip-owner" }), lab()))).toEqual([0, 609]);
    expect(span(predictFailover(fault({ type: "service-stop", service: "haproxy", target: "vip-owner" }), lab()))).toEqual([1609, 3609]);
    expect(span(predictFailover(fault({ type: "backend-drain", state: "drain", target: "cp-1" }), lab()))).toEqual([0, 0]);
    expect(span(predictFailover(fault({ type: "service-stop", service: "kube-apiserver", target: "cp-1" }), lab()))).toEqual([0, 0]);
    expect(predictFailover(LINK_PULL, lab())!.source).toBe("the lab's templates (scenario lab.advertInt 1 s)");
  });

  it("follows lab.advertInt: a link pull at advert_int 2 fails over in 4.61–6.61 s", () => {
    expect(span(predictFailover(LINK_PULL, lab(2)))).toEqual([4609, 6609]);
  });

  it("counts the skew of the balancer that takes over: lb-2 holding the VIP hands it to lb-1 (101)", () => {
    expect(span(predictFailover(LINK_PULL, lab(), "lb-2"))).toEqual([2605, 3605]);
    // A host selector that names the master is a fault on the master.
    expect(span(predictFailover(fault({ type: "link-down", target: "lb-2" }), lab(), "lb-2"))).toEqual([2605, 3605]);
  });

  it("predicts nothing where the timers do not decide it", () => {
    expect(predictFailover(fault({ type: "link-down", target: "vip-backup" }), lab())).toBeNull();
    expect(predictFailover(fault({ type: "link-down", target: "vip-owner", interface: "eth1" }), lab())).toBeNull();
    expect(predictFailover(fault({ type: "service-stop", service: "kubelet", target: "cp-1" }), lab())).toBeNull();
    expect(predictFailover(fault({ type: "service-stop", service: "kube-apiserver", target: "role:control-plane", pick: "all" }), lab())).toBeNull();
    // One balancer: nobody to take over.
    expect(predictFailover(LINK_PULL, lab(1, 1))).toBeNull();
  });
});

describe("predictFailback and predictNoFailover on the lab's balancers", () => {
  it("the link's restore: HAProxy's and the script's rise, then lb-1's master-down timer (5.61–8.61 s)", () => {
    expect(span(predictFailback(LINK_PULL, lab(), 10_000))).toEqual([5605, 8605]);
    expect(predictFailback(fault({ type: "backend-drain", state: "drain", target: "cp-1" }), lab(), 10_000)).toBeNull();
  });

  it("a master that has no backup to lose to, or a tracked script with a weight that cannot win, moves nothing", () => {
    expect(predictNoFailover(fault({ type: "service-stop", service: "haproxy", target: "vip-owner" }), lab())).toBeNull();
    const unchecked = { ...lab(), keepalived: { ...lab().keepalived!, common: { ...lab().keepalived!.common, script: undefined } } };
    expect(predictNoFailover(fault({ type: "service-stop", service: "haproxy", target: "vip-owner" }), unchecked)).toContain("no vrrp_script is tracked");
  });
});

describe("predictFailover on kube-vip's leader", () => {
  const kubeVipLab = plannedLabTopology(
    planLab(
      { topology: "kube-vip", subnet: "172.30.99.0/24", vip: "172.30.99.200", advertIntS: 1, controlPlanes: 3, loadBalancers: 0, kubeVip: { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000, arpRateMs: 1000 } },
      "api.example.org",
      "unit",
    ),
  );
  const STATIC_POD_STOP = fault({ type: "static-pod-stop", target: "kube-vip-leader" });

  it("a graceful stop releases the Lease: a follower's next poll (2.2 s) plus the kubelet's notice (0.5 s) and the first ARP (1 s)", () => {
    expect(span(predictFailover(STATIC_POD_STOP, kubeVipLab))).toEqual([0, 3700]);
  });

  it("a release the leader logged as failed leaves the Lease to expire: a lost leader's window, with the reason first", () => {
    const why = 'kube-vip on cp-1 did not release the Lease (it logged "Failed to release lease" at T+7.495 s), so it had to expire';
    const window = predictFailover(STATIC_POD_STOP, kubeVipLab, undefined, why)!;
    // LD − RP to LD + 2 × 2.2 RP + ARP + the kubelet's notice.
    expect(span(window)).toEqual([4000, 10_900]);
    expect(window.terms[0]).toBe(why);
    // A link pull has no release to fail: its window is the same either way.
    expect(span(predictFailover(fault({ type: "link-down", target: "kube-vip-leader" }), kubeVipLab, undefined, why))).toEqual([4000, 10_400]);
  });
});
