import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { Host } from "../targets/host.js";
import { HostWatch } from "./host-watch.js";
import { hostTimeToRunMs } from "./host-time.js";

/** `(VI_1) Entering MASTER STATE`, Keepalived 2.x; 1.x wrote `VRRP_Instance(VI_1) Entering …`. */
const TRANSITION = /\(([^)]+)\)\s+Entering\s+([A-Z]+)\s+STATE/;

export function parseKeepalivedLine(line: string): { instance: string; state: string } | undefined {
  const match = TRANSITION.exec(line);
  return match ? { instance: match[1]!, state: match[2]! } : undefined;
}

/** Follows Keepalived's journal on each load balancer; transitions become vrrp-state events. */
export class KeepalivedObserver {
  readonly #watch: HostWatch;
  readonly #unwatched = new Set<string>();
  constructor(
    private readonly hosts: readonly Host[],
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {
    this.#watch = new HostWatch(async (host) => {
      // Without journald there is nothing to follow: watch nothing rather than retry forever, and say so
      // (once) so an empty Keepalived lane in the report is not read as "no transitions".
      const journal = await host.transport.exec(["sh", "-c", "command -v journalctl && test -d /run/systemd/journal"], { timeoutMs: 10_000 });
      if (journal.exitCode !== 0) {
        if (!this.#unwatched.has(host.id)) {
          this.#unwatched.add(host.id);
          this.timeline.append({
            type: "note",
            atMs: this.clock.nowMs(),
            message: `${host.id}: no journald, so Keepalived's state changes are not observed there (the VIP itself still is)`,
          });
        }
        return { done: new Promise<void>(() => undefined), stop: async () => undefined };
      }
      // short-unix: each line starts with the journal's own timestamp (when Keepalived logged it);
      // lines reach us 0.25–0.75 s later, so the arrival time would be the wrong one.
      return host.transport.stream(["journalctl", "--follow", "--lines=0", "--output=short-unix", "--unit=keepalived"], (line) => {
        const arrivedMs = this.clock.nowMs();
        const parsed = parseKeepalivedLine(line);
        if (!parsed) return;
        const stamp = /^(\d{9,})\.(\d{1,6})\s/.exec(line);
        const hostEpochMs = stamp ? Number(stamp[1]) * 1000 + Number(stamp[2]!.padEnd(6, "0")) / 1000 : undefined;
        this.timeline.append({ type: "vrrp-state", host: host.id, ...parsed, atMs: hostTimeToRunMs(host.transport, hostEpochMs, this.clock, arrivedMs) });
      });
    });
  }

  async start(): Promise<void> {
    await this.#watch.start(this.hosts);
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
  }
}
