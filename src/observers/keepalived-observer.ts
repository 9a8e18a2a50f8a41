import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { Host } from "../targets/host.js";
import { HostWatch } from "./host-watch.js";

/** `(VI_1) Entering MASTER STATE`, Keepalived 2.x; 1.x wrote `VRRP_Instance(VI_1) Entering …`. */
const TRANSITION = /\(([^)]+)\)\s+Entering\s+([A-Z]+)\s+STATE/;

export function parseKeepalivedLine(line: string): { instance: string; state: string } | undefined {
  const match = TRANSITION.exec(line);
  return match ? { instance: match[1]!, state: match[2]! } : undefined;
}

/** Follows Keepalived's journal on each load balancer; transitions become vrrp-state events. */
export class KeepalivedObserver {
  readonly #watch: HostWatch;
  constructor(
    private readonly hosts: readonly Host[],
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {
    this.#watch = new HostWatch(async (host) => {
      // Without journald there is nothing to follow: watch nothing rather than retry forever.
      const journal = await host.transport.exec(["sh", "-c", "command -v journalctl"], { timeoutMs: 10_000 });
      if (journal.exitCode !== 0) return { done: new Promise<void>(() => undefined), stop: async () => undefined };
      return host.transport.stream(["journalctl", "--follow", "--lines=0", "--output=cat", "--unit=keepalived"], (line) => {
        const parsed = parseKeepalivedLine(line);
        if (parsed) this.timeline.append({ type: "vrrp-state", host: host.id, ...parsed, atMs: this.clock.nowMs() });
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
