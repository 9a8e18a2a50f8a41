import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { ExecStream, Host } from "../targets/host.js";
import { parseIpMonitorLine } from "./ip-monitor.js";

interface HostVipState {
  hasVip: boolean;
  linkUp: boolean;
  held: boolean;
}

/**
 * Streams `ip -o monitor address link` on every candidate host and appends vip-added / vip-removed
 * events. A VIP on an interface that is down is not held: clients cannot reach it there.
 */
export class VipObserver {
  readonly #states = new Map<string, HostVipState>();
  readonly #streams: ExecStream[] = [];

  constructor(
    private readonly hosts: readonly Host[],
    private readonly vip: string,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {}

  /** Current holders, per the events seen so far. */
  holders(): string[] {
    return [...this.#states].filter(([, s]) => s.held).map(([id]) => id).sort();
  }

  async start(): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host) => {
        // Subscribe first, then read the current state, so no change can fall between the two.
        const stream = await host.transport.stream(["ip", "-o", "monitor", "address", "link"], (line) =>
          this.#onLine(host, line),
        );
        this.#streams.push(stream);
        const [addr, link] = await Promise.all([
          host.transport.exec(["ip", "-o", "addr", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
          host.transport.exec(["ip", "-o", "link", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
        ]);
        const state = this.#state(host.id);
        state.hasVip = addr.stdout.split("\n").some((l) => {
          const event = parseIpMonitorLine(l);
          return event?.kind === "addr" && event.address === this.vip;
        });
        const linkEvent = parseIpMonitorLine(link.stdout.split("\n")[0] ?? "");
        state.linkUp = linkEvent?.kind === "link" ? linkEvent.up : false;
        this.#update(host.id, state);
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.#streams.map((s) => s.stop()));
    this.#streams.length = 0;
  }

  #state(id: string): HostVipState {
    let state = this.#states.get(id);
    if (!state) {
      state = { hasVip: false, linkUp: true, held: false };
      this.#states.set(id, state);
    }
    return state;
  }

  #onLine(host: Host, line: string): void {
    const event = parseIpMonitorLine(line);
    if (!event || event.dev !== host.vipInterface) return;
    const state = this.#state(host.id);
    if (event.kind === "addr" && event.address === this.vip) state.hasVip = !event.deleted;
    else if (event.kind === "link") state.linkUp = !event.deleted && event.up;
    else return;
    this.#update(host.id, state);
  }

  #update(id: string, state: HostVipState): void {
    const held = state.hasVip && state.linkUp;
    if (held === state.held) return;
    state.held = held;
    this.timeline.append({ type: held ? "vip-added" : "vip-removed", host: id, atMs: this.clock.nowMs() });
  }
}
