import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { ExecStream, Host } from "../targets/host.js";
import { HostWatch } from "./host-watch.js";
import { parseIpMonitorLine, parseMonitorTimestamp } from "./ip-monitor.js";

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
  readonly #watch = new HostWatch(
    (host) => this.#open(host),
    (host) => this.#lost(host),
  );

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

  /** Resolves once every host's stream is up and its current state read. */
  async start(): Promise<void> {
    await this.#watch.start(this.hosts);
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
  }

  /** Subscribe first, then read the current state, so no change can fall between the two. */
  async #open(host: Host): Promise<ExecStream> {
    // -ts: each event carries the host's own timestamp; where the host shares our clock (the lab)
    // that is when it happened, not when its line reached us.
    const stream = await host.transport.stream(["env", "TZ=UTC", "ip", "-ts", "-o", "monitor", "address", "link"], (line) =>
      this.#onLine(host, line),
    );
    const [addr, link] = await Promise.all([
      host.transport.exec(["ip", "-o", "addr", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
      host.transport.exec(["ip", "-o", "link", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
    ]);
    if (addr.exitCode !== 0 || link.exitCode !== 0) {
      await stream.stop();
      throw new Error(`cannot read ${host.vipInterface} on ${host.id}`);
    }
    const state = this.#state(host.id);
    state.hasVip = addr.stdout.split("\n").some((l) => {
      const event = parseIpMonitorLine(l);
      return event?.kind === "addr" && event.address === this.vip;
    });
    const linkEvent = parseIpMonitorLine(link.stdout.split("\n")[0] ?? "");
    state.linkUp = linkEvent?.kind === "link" ? linkEvent.up : false;
    this.#update(host.id, state, this.clock.nowMs());
    return stream;
  }

  /** A host we lost sight of (killed, unreachable) holds nothing we can see. */
  #lost(host: Host): void {
    const state = this.#state(host.id);
    state.hasVip = false;
    this.#update(host.id, state, this.clock.nowMs());
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
    const arrivedMs = this.clock.nowMs();
    const event = parseIpMonitorLine(line);
    if (!event || event.dev !== host.vipInterface) return;
    const state = this.#state(host.id);
    if (event.kind === "addr" && event.address === this.vip) state.hasVip = !event.deleted;
    else if (event.kind === "link") state.linkUp = !event.deleted && event.up;
    else return;
    const stamp = parseMonitorTimestamp(line);
    const atMs = host.transport.sharesClock && stamp ? Math.min(arrivedMs, stamp.epochMs - this.clock.originEpochMs) : arrivedMs;
    this.#update(host.id, state, atMs);
  }

  #update(id: string, state: HostVipState, atMs: number): void {
    const held = state.hasVip && state.linkUp;
    if (held === state.held) return;
    state.held = held;
    this.timeline.append({ type: held ? "vip-added" : "vip-removed", host: id, atMs });
  }

  /** The ± of VIP event times: 1 ms where hosts stamp events on our clock, else how late lines can arrive. */
  static precisionMs(hosts: readonly Host[], arrivalBoundMs: number | null): number | null {
    return hosts.every((h) => h.transport.sharesClock) ? 1 : arrivalBoundMs;
  }
}
