import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { ExecStream, Host } from "../targets/host.js";

/** `(VI_1) Entering MASTER STATE`, Keepalived 2.x; 1.x wrote `VRRP_Instance(VI_1) Entering …`. */
const TRANSITION = /\(([^)]+)\)\s+Entering\s+([A-Z]+)\s+STATE/;

export function parseKeepalivedLine(line: string): { instance: string; state: string } | undefined {
  const match = TRANSITION.exec(line);
  return match ? { instance: match[1]!, state: match[2]! } : undefined;
}

/** Follows Keepalived's journal on each load balancer; transitions become vrrp-state events. */
export class KeepalivedObserver {
  readonly #streams: ExecStream[] = [];
  constructor(
    private readonly hosts: readonly Host[],
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host) => {
        const stream = await host.transport.stream(
          ["journalctl", "--follow", "--lines=0", "--output=cat", "--unit=keepalived"],
          (line) => {
            const parsed = parseKeepalivedLine(line);
            if (parsed) this.timeline.append({ type: "vrrp-state", host: host.id, ...parsed, atMs: this.clock.nowMs() });
          },
        );
        this.#streams.push(stream);
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.#streams.map((s) => s.stop()));
  }
}
