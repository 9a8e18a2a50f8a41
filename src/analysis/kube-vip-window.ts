/**
 * The failover window kube-vip's mechanisms allow, derived from client-go's leader election
 * (tools/leaderelection/leaderelection.go) and kube-vip's ARP loop (pkg/arp/arp.go): see
 * ../shared/reference/systems-under-test.md §1.5. Times are from T_f, in ms.
 *
 * The leader renews every retryPeriod (RP); its last successful renewal before the fault fell in
 * (T_f − RP, T_f]. A follower polls every RP·[1, 2.2] (wait.JitterUntil, JitterFactor 1.2) and
 * stamps observedTime when it first sees a changed record: within 2.2·RP of that renewal. It may
 * take the lease at its first poll after observedTime + leaseDuration (LD): within another 2.2·RP.
 * So a crashed or cut-off leader is replaced in (LD − RP, LD + 4.4·RP]. A graceful stop releases
 * the lease (ReleaseOnCancel): a follower takes it at its next poll, within 2.2·RP. The new leader
 * adds the VIP at once, but since kube-vip v0.9 its first gratuitous ARP waits for the ARP loop's
 * next tick, up to vip_arpRate; until then clients keep sending to the old owner's MAC.
 */
import { LEADER_ELECTION_JITTER as JITTER } from "../model/kube-vip.js";
import type { PredictedWindow } from "../model/prediction.js";

export interface KubeVipTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** vip_arpRate: the ARP loop's period. */
  arpRateMs: number;
}

/** How the leader stops leading. */
export type LeaderLoss =
  /** Its link is cut or it dies: the lease must expire. */
  | "expiry"
  /** kube-vip is stopped gracefully (SIGTERM: a static pod removed, `crictl stop` with a grace period): it releases the lease. */
  | "release"
  /** Nothing that kube-vip notices (kubelet stopped): no failover at all. */
  | "none";


const s = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s`;

/** The window, or null when the leader does not lose its lease (nothing fails over). */
export function kubeVipFailoverWindow(t: KubeVipTimings, loss: LeaderLoss, source: string, before: { ms: number; why: string } | undefined = undefined): PredictedWindow | null {
  if (loss === "none") return null;
  const poll = (1 + JITTER) * t.retryPeriodMs;
  const terms =
    loss === "expiry"
      ? [
          `last renewal up to retryPeriod ${s(t.retryPeriodMs)} before the fault`,
          `lease expiry ${s(t.leaseDurationMs)} after a follower saw it`,
          `a follower sees the renewal and then the expiry at its polls, each within ${s(poll)} (retryPeriod × 2.2)`,
        ]
      : [`the lease is released; a follower takes it at its next poll, within ${s(poll)} (retryPeriod × 2.2)`];
  terms.push(`first gratuitous ARP within vip_arpRate ${s(t.arpRateMs)}`);
  // Something before the leader even stops (the kubelet noticing a manifest is gone) widens the upper end.
  if (before !== undefined) terms.unshift(`${before.why}, within ${s(before.ms)}`);
  const fromMs = loss === "expiry" ? t.leaseDurationMs - t.retryPeriodMs : 0;
  const toMs = (loss === "expiry" ? t.leaseDurationMs + 2 * poll : poll) + t.arpRateMs + (before?.ms ?? 0);
  return { fromMs: Math.max(0, fromMs), toMs, terms, source };
}
