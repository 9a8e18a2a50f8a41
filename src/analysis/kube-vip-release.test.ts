import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model/timeline.js";
import { failedRelease } from "./kube-vip-release.js";

const log = (host: string, atMs: number, message: string): TimelineEvent => ({ type: "kube-vip-log", host, atMs, message });

describe("failedRelease", () => {
  const conflict =
    '73 leaderelection.go:336] "Failed to release lease" err="Operation cannot be fulfilled on leases.coordination.k8s.io \\"plndr-cp-lock\\": the object has been modified" lock="kube-system/plndr-cp-lock"';

  it("names the leader, client-go's words and when, from the leader's log after the fault", () => {
    expect(failedRelease([log("cp-2", 7000, "INFO New leader leader=cp-1"), log("cp-1", 7495, conflict)], ["cp-1"], 7155, 17_000)).toBe(
      'kube-vip on cp-1 did not release the Lease (it logged "Failed to release lease" at T+7.495 s), so it had to expire',
    );
    // Older client-go: klog.Errorf("Failed to release lock: %v", err).
    expect(failedRelease([log("cp-1", 8000, "E1202 leaderelection.go:330] Failed to release lock: timeout")], ["cp-1"], 7155, 17_000)).toMatch(/"Failed to release lock"/);
  });

  it("ignores another host's line, a line before the fault, and a release that succeeded", () => {
    expect(failedRelease([log("cp-2", 7495, conflict)], ["cp-1"], 7155, 17_000)).toBeUndefined();
    expect(failedRelease([log("cp-1", 7000, conflict)], ["cp-1"], 7155, 17_000)).toBeUndefined();
    expect(failedRelease([log("cp-1", 7495, "INFO This node is becoming a follower within the cluster")], ["cp-1"], 7155, 17_000)).toBeUndefined();
    // A failed read (a cancelled renewal's) is no failed release; a restarted kube-vip's lines after the hold say nothing of this stop.
    expect(failedRelease([log("cp-1", 7400, 'leaderelection.go:318] "error retrieving resource lock" err="context canceled"')], ["cp-1"], 7155, 17_000)).toBeUndefined();
    expect(failedRelease([log("cp-1", 18_000, conflict)], ["cp-1"], 7155, 17_000)).toBeUndefined();
    expect(failedRelease([log("cp-1", 7495, conflict)], ["cp-1"], Number.NaN, 17_000)).toBeUndefined();
  });
});
