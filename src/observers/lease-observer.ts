import { Agent } from "node:https";
import type { Clock } from "../common/clock.js";
import { LabError } from "../common/errors.js";
import type { HostClocks } from "../host-tools/host-clocks.js";
import { readLeaseOn, superAdminHint, type LeaseRecord } from "../host-tools/lease-client.js";
import { hostOfNode, hostsWithRole, type Host, type Topology } from "../model/host.js";
import type { Timeline } from "../model/timeline.js";

/** Through the API a read is one small GET: every 200 ms sees a holder change well within a second. */
const API_POLL_MS = 200;
/** kubectl starts a process per read: slower, one control plane at a time. */
const KUBECTL_POLL_MS = 500;
const READ_TIMEOUT_MS = 1_500;

/** resourceVersion order: etcd revisions are numbers in strings (compare as such); else any change is newer. */
function newer(next: string, previous: string | undefined): boolean {
  if (previous === undefined) return true;
  if (/^\d+$/.test(next) && /^\d+$/.test(previous)) return BigInt(next) > BigInt(previous);
  return next !== previous;
}

/**
 * Watches kube-vip's Lease (kube-system/plndr-cp-lock) by polling every control plane's own
 * apiserver — a cut-off one cannot answer (no etcd quorum), the others can — or kubectl on each in
 * turn, and appends a `lease` event whenever the record changes: a renewal, a new holder, a
 * release. The holder's renewTime and acquireTime reach the run's clock through its clock pairing.
 */
export class LeaseObserver {
  #last: LeaseRecord | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #inFlight = new Set<string>();
  readonly #agents = new Map<string, Agent>();
  #turn = 0;

  constructor(
    private readonly topology: Topology,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    private readonly hostClocks: HostClocks,
  ) {}

  /** The host holding the Lease now (by its node name), per the last record read; null when nobody does. */
  holder(): string | null {
    const name = this.#last?.holderIdentity ?? null;
    return name === null ? null : (hostOfNode(this.topology.hosts, name)?.id ?? name);
  }

  /** The holder's node name as the Lease gives it. */
  holderIdentity(): string | null {
    return this.#last?.holderIdentity ?? null;
  }

  /** Reads the Lease once (failing in one line when it cannot: forbidden, unreachable…), then polls. */
  async start(): Promise<void> {
    const failures: string[] = [];
    for (const host of this.#sources()) {
      const read = await readLeaseOn(this.topology, host, READ_TIMEOUT_MS, this.#agentFor(host));
      if (read.ok) {
        this.#record(host, read.lease);
        break;
      }
      failures.push(read.failure === "forbidden" ? superAdminHint(read.message) : read.message);
    }
    if (this.#last === undefined) {
      throw new LabError("VIPDRILL_LEASE_UNREADABLE", `kube-vip's Lease cannot be read from any control plane: ${failures.join("; ")}`);
    }
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const agent of this.#agents.values()) agent.destroy();
  }

  #api(): boolean {
    return this.topology.kubeVip?.leaseAccess.kind === "api";
  }

  #sources(): Host[] {
    return hostsWithRole(this.topology.hosts, "control-plane");
  }

  #agentFor(host: Host): Agent | undefined {
    if (!this.#api()) return undefined;
    let agent = this.#agents.get(host.id);
    if (!agent) {
      // One kept-alive connection per apiserver: a poll is then one request, not a TLS handshake.
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
      this.#agents.set(host.id, agent);
    }
    return agent;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#poll();
      this.#schedule();
    }, this.#api() ? API_POLL_MS : KUBECTL_POLL_MS);
  }

  #poll(): void {
    const sources = this.#sources();
    // kubectl: one control plane per tick, in turn; the API: all of them, each at most one read at a time.
    const now = this.#api() ? sources : [sources[this.#turn++ % sources.length]!];
    for (const host of now) {
      if (this.#inFlight.has(host.id)) continue;
      this.#inFlight.add(host.id);
      void readLeaseOn(this.topology, host, READ_TIMEOUT_MS, this.#agentFor(host))
        .then((read) => {
          if (read.ok && !this.#stopped) this.#record(host, read.lease);
        })
        .finally(() => this.#inFlight.delete(host.id));
    }
  }

  #record(source: Host, lease: LeaseRecord): void {
    if (!newer(lease.resourceVersion, this.#last?.resourceVersion)) return;
    const atMs = this.clock.nowMs();
    const previous = this.#last;
    this.#last = lease;
    const holderHost = lease.holderIdentity === null ? undefined : hostOfNode(this.topology.hosts, lease.holderIdentity);
    // The times are the holder's own clock (client-go stamps them where it runs).
    const onRunClock = (epochMs: number | null): number | null =>
      epochMs === null ? null : holderHost ? this.hostClocks.toRunMs(holderHost, epochMs, atMs) : this.hostClocks.toRunMs(source, epochMs, atMs);
    this.timeline.append({
      type: "lease",
      source: source.id,
      holder: lease.holderIdentity,
      holderHost: holderHost?.id ?? null,
      transitions: lease.leaseTransitions,
      renewAtMs: onRunClock(lease.renewTimeEpochMs),
      acquireAtMs: onRunClock(lease.acquireTimeEpochMs),
      holderChanged: previous !== undefined && previous.holderIdentity !== lease.holderIdentity,
      atMs,
    });
  }
}
