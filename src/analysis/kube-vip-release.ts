import { formatDurationMs } from "./format.js";
import type { TimelineEvent } from "../model/timeline.js";

/**
 * client-go's words when ReleaseOnCancel could not write the Lease back: "Failed to release lease"
 * (structured logging, client-go ≥ 0.28) or "Failed to release lock: …" (older). Not "error
 * retrieving resource lock": client-go logs that for any failed read, a cancelled renewal's too.
 */
const RELEASE_FAILED = /Failed to release (lease|lock)/i;

/**
 * Why a leader stopped gracefully did not release its Lease, as it logged in [fromMs, toMs) (the
 * fault's hold: a kube-vip restarted later says nothing of this stop), or undefined. A renewal in
 * flight when kube-vip was told to stop can land after the release read the Lease, so the release's
 * write is refused (409 Conflict) and followers wait for it to expire.
 */
export function failedRelease(events: readonly TimelineEvent[], leaders: readonly string[], fromMs: number, toMs: number): string | undefined {
  const line = events.find((e) => e.type === "kube-vip-log" && e.atMs >= fromMs && e.atMs < toMs && leaders.includes(e.host) && RELEASE_FAILED.test(e.message));
  if (line?.type !== "kube-vip-log") return undefined;
  const said = RELEASE_FAILED.exec(line.message)![0];
  return `kube-vip on ${line.host} did not release the Lease (it logged "${said}" at T+${formatDurationMs(line.atMs)}), so it had to expire`;
}
