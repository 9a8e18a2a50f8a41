import type { Clock } from "../common/clock.js";
import { LabError } from "../common/errors.js";
import { formatDurationMs } from "../common/duration.js";
import type { Timeline } from "../model/timeline.js";
import type { ExecStream, Host } from "../model/host.js";
import { interfaceNames } from "../host-tools/interfaces.js";
import { HostWatch } from "./host-watch.js";
import { HostClocks } from "../host-tools/host-clocks.js";
import { linkCarries, parseIpMonitorLine, parseMonitorTimestamp } from "../host-tools/ip-monitor.js";

/** -ts: each event carries the host's own timestamp, printed in UTC. */
export const MONITOR = ["env", "TZ=UTC", "ip", "-ts", "-o", "monitor", "address", "link"] as const;
/** Why MONITOR ends at once on a host, and what to do (said by the observer and by preflight). */
export const MONITOR_HINT = "BusyBox's ip has no monitor: install iproute2";

interface HostVipState {
  hasVip: boolean;
  linkUp: boolean;
  held: boolean;
}

/**
 * Streams `ip -o monitor address link` on every candidate host and appends vip-added / vip-removed
 * events. A VIP on an interface that is down, or up without a carrier, is not held: clients cannot
 * reach it there.
 */
export class VipObserver {
  readonly #states = new Map<string, HostVipState>();
  /** Hosts whose link to us a fault cut: their stream's lines are stale until it is opened again. */
  readonly #cut = new Set<string>();
  /** Hosts whose stream was lost, with when they were last heard: said when they are seen again. */
  readonly #unseen = new Map<string, number>();
  readonly #watch = new HostWatch((host) => this.#open(host), {
    onLost: (host) => this.#lost(host),
    onBroken: (host, quickEnds) =>
      this.timeline.append({
        type: "note",
        atMs: this.clock.nowMs(),
        message: `${host.id}: \`${MONITOR.join(" ")}\` ended as soon as it started, ${quickEnds} times in a row, so the VIP on ${host.id} is not observed from here on (${MONITOR_HINT})`,
      }),
  });

  constructor(
    private readonly hosts: readonly Host[],
    private readonly vip: string,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    /** Host stamps onto the run's clock (the runner shares one among observers and the fault). */
    private readonly hostClocks: HostClocks = new HostClocks(clock),
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
    this.#cut.delete(host.id);
    // -ts: each event carries the host's own timestamp; where the host shares our clock (the lab)
    // that is when it happened, not when its line reached us.
    const stream = await host.transport.stream(MONITOR, (line) =>
      this.#onLine(host, line),
    );
    const [addr, link] = await Promise.all([
      host.transport.exec(["ip", "-o", "addr", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
      host.transport.exec(["ip", "-o", "link", "show", "dev", host.vipInterface], { timeoutMs: 10_000 }),
    ]);
    if (addr.exitCode !== 0 || link.exitCode !== 0) {
      await stream.stop();
      const names = (await interfaceNames(host)).join(", ");
      throw new LabError(
        "VIPDRILL_NO_VIP_INTERFACE",
        `${host.id}: cannot watch the VIP on interface "${host.vipInterface || "(none given)"}": ${(link.stderr || addr.stderr).trim().split("\n")[0] || "no such interface"}` +
          (names ? ` (it has: ${names}); set vipInterface for ${host.id} in the inventory` : ""),
      );
    }
    const state = this.#state(host.id);
    state.hasVip = addr.stdout.split("\n").some((l) => {
      const event = parseIpMonitorLine(l);
      return event?.kind === "addr" && event.address === this.vip;
    });
    const linkEvent = parseIpMonitorLine(link.stdout.split("\n")[0] ?? "");
    state.linkUp = linkCarries(linkEvent);
    const nowMs = this.clock.nowMs();
    const unseenSinceMs = this.#unseen.get(host.id);
    if (unseenSinceMs !== undefined) {
      this.#unseen.delete(host.id);
      this.timeline.append({
        type: "note",
        atMs: nowMs,
        message: `${host.id}: in sight again at T+${formatDurationMs(nowMs)}, ${state.hasVip && state.linkUp ? "holding" : "not holding"} the VIP; what it did in the ${formatDurationMs(nowMs - unseenSinceMs)} before is not known from here`,
      });
    }
    this.#update(host.id, state, nowMs);
    return stream;
  }

  /**
   * A host we lost sight of (killed, unreachable) holds nothing we can see — from the last thing it
   * sent, where the transport can tell (a link pull over SSH is noticed only when the keepalives give
   * up, 3 s later, and whatever the host did in between never reached us).
   */
  #lost(host: Host): void {
    const nowMs = this.clock.nowMs();
    const heard = host.transport.lastHeardMs?.();
    const lastHeardMs = heard === undefined ? nowMs : Math.min(nowMs, heard - Number(this.clock.originNs) / 1e6);
    const state = this.#state(host.id);
    state.hasVip = false;
    // Where a fault cut the link, linkCut already placed it; where the stream ends the moment the host
    // goes (docker exec), there is no blind stretch to tell of.
    if (!this.#cut.has(host.id) && heard !== undefined) {
      this.#unseen.set(host.id, lastHeardMs);
      this.timeline.append({
        type: "note",
        atMs: lastHeardMs,
        message: `${host.id}: out of sight from T+${formatDurationMs(lastHeardMs)} (the last it sent), noticed at T+${formatDurationMs(nowMs)}: it counts as holding no VIP until it answers again`,
      });
    }
    this.#update(host.id, state, lastHeardMs);
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
    else if (event.kind === "link") state.linkUp = linkCarries(event);
    else return;
    const stamp = parseMonitorTimestamp(line);
    if (this.#cut.has(host.id)) return;
    this.#update(host.id, state, this.hostClocks.toRunMs(host, stamp?.epochMs, arrivedMs));
  }

  #update(id: string, state: HostVipState, atMs: number): void {
    const held = state.hasVip && state.linkUp;
    if (held === state.held) return;
    state.held = held;
    this.timeline.append({ type: held ? "vip-added" : "vip-removed", host: id, atMs });
  }

  /**
   * The ± of VIP event times so far: how far the hosts' stamps can be off on our clock (their
   * pairings' ± and drift; ip -ts stamps have µs); where a host's cannot be placed, arrivalBoundMs
   * (how late a line can arrive). Ask at the end of the drill: drift is known only then.
   */
  precisionMs(arrivalBoundMs: number | null): number | null {
    const uncertaintyMs = this.hostClocks.uncertaintyMs(this.hosts);
    return uncertaintyMs === null ? arrivalBoundMs : Math.ceil(uncertaintyMs * 10) / 10;
  }

  /**
   * A fault took down the link that carries our connection to this host (a link pull over the SSH
   * link): its events cannot reach us, but a VIP on a downed link is not held. From atMs the host
   * counts as holding nothing until its stream is opened again and its state read afresh.
   */
  linkCut(hostId: string, atMs: number): void {
    this.#cut.add(hostId);
    const state = this.#state(hostId);
    state.linkUp = false;
    this.#update(hostId, state, atMs);
  }
}
