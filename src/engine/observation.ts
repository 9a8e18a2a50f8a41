import type { Clock } from "../common/clock.js";
import { HostClocks } from "../host-tools/host-clocks.js";
import { hostsWithRole, vipCandidateHosts, type Host, type Topology } from "../model/host.js";
import type { Timeline } from "../model/timeline.js";
import { KeepalivedObserver, SYSLOG_FILES } from "../observers/keepalived-observer.js";
import { KubeVipLogObserver } from "../observers/kube-vip-log-observer.js";
import { LeaseObserver } from "../observers/lease-observer.js";
import { VipObserver } from "../observers/vip-observer.js";

/**
 * Everything that watches the system under test besides the probes, as a drill and a watch both
 * run it: the VIP's owner on every host that can hold it, Keepalived's transitions on the load
 * balancers, kube-vip's Lease and log on the control planes — every host stamp on the run's clock
 * through one HostClocks.
 */
export class Observation {
  readonly hostClocks: HostClocks;
  readonly vip: VipObserver;
  readonly #keepalived: KeepalivedObserver;
  readonly lease: LeaseObserver | undefined;
  readonly #kubeVipLog: KubeVipLogObserver | undefined;
  /** How late a VIP event line can arrive, where hosts give no usable stamp (see runner). */
  #arrivalBoundMs: number | null = null;

  constructor(
    private readonly topology: Topology,
    timeline: Timeline,
    clock: Clock,
  ) {
    this.hostClocks = new HostClocks(clock);
    this.vip = new VipObserver(vipCandidateHosts(topology), topology.endpoint.vip, timeline, clock, this.hostClocks);
    this.#keepalived = new KeepalivedObserver(hostsWithRole(topology.hosts, "load-balancer"), timeline, clock, SYSLOG_FILES, this.hostClocks);
    this.lease = topology.kubeVip ? new LeaseObserver(topology, timeline, clock, this.hostClocks) : undefined;
    this.#kubeVipLog = topology.kubeVip
      ? new KubeVipLogObserver(hostsWithRole(topology.hosts, "control-plane"), topology.kubeVip.container, timeline, clock, this.hostClocks)
      : undefined;
  }

  /**
   * Pair every host's clock, then open every stream at once (each is its own hosts' commands: one
   * after another cost a repeated drill a second per iteration); resolves once each has read its
   * host's state, and throws the first failure only once every start has settled, so that stop()
   * finds nothing still opening. `whenOwnersKnown` runs as soon as the VIP's owners and the Lease's
   * holder are read, while the other streams still open (a drill resolves and prechecks its fault
   * then); its result is returned. `whenPaired` runs once the clocks are paired (a drill loads its
   * probe workers then: their CPU must not widen a pairing's round trip).
   */
  async start<T>(whenOwnersKnown?: () => Promise<T>, whenPaired?: () => void): Promise<T | undefined> {
    await this.hostClocks.remeasure(this.topology.hosts);
    whenPaired?.();
    const candidates = vipCandidateHosts(this.topology);
    let result: T | undefined;
    const owners = Promise.all([this.vip.start(), this.lease?.start()]);
    const started = await Promise.allSettled([
      // Round trips bound the stamps only where hosts do not stamp events on our clock.
      owners.then(async () => (this.#arrivalBoundMs = candidates.every((h) => h.transport.sharesClock) ? null : await observerLatency(candidates))),
      owners.then(async () => (result = await whenOwnersKnown?.())),
      this.#keepalived.start(),
      this.#kubeVipLog?.start(),
    ]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return result;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.vip.stop(), this.#keepalived.stop(), this.lease?.stop(), this.#kubeVipLog?.stop()]);
  }

  /** The ± of VIP event times, once the last clock pairing is in (drift is known only then). */
  vipTimePrecisionMs(): number | null {
    return this.vip.precisionMs(this.#arrivalBoundMs);
  }
}

/** The slowest of a few command round trips to each host: how late an event line can arrive. */
async function observerLatency(hosts: readonly Host[]): Promise<number | null> {
  const rtts: number[] = [];
  await Promise.all(
    hosts.map(async (host) => {
      for (let i = 0; i < 3; i++) {
        const result = await host.transport.exec(["true"], { timeoutMs: 5_000 });
        if (result.exitCode === 0) rtts.push(result.durationMs);
      }
    }),
  );
  return rtts.length > 0 ? Math.ceil(Math.max(...rtts) * 10) / 10 : null;
}
