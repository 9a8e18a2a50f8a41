import type { Clock } from "../common/clock.js";
import type { ClockPairing, Host } from "../model/host.js";
import { measureClockPairing } from "./clock-pairing.js";

/** Date.now()'s resolution: the ± of a stamp of a host that shares our clock, paired at its arrival. */
export const SHARED_CLOCK_UNCERTAINTY_MS = 1;
/** How long one host's re-measure may take: a host the fault cut off is skipped after this, the drill never waits on it. */
const REMEASURE_BUDGET_MS = 2_000;

/**
 * How far a host's clock moved against ours between consecutive pairings, beyond what their two ±
 * allow: max(0, |Δoffset| − u1 − u2), the worst over the pairings (in time order).
 */
export function worstDriftMs(pairings: readonly ClockPairing[]): number {
  let worst = 0;
  for (let i = 1; i < pairings.length; i++) {
    const before = pairings[i - 1]!;
    const after = pairings[i]!;
    const changeMs = Math.abs(after.hostEpochMs - after.runMs - (before.hostEpochMs - before.runMs));
    worst = Math.max(worst, changeMs - before.uncertaintyMs - after.uncertaintyMs);
  }
  return worst;
}

/**
 * One run's view of its hosts' clocks: every host-stamped time (ip -ts monitor lines, journal
 * entries, dead-man stamps) reaches the run's monotonic clock through here, never through a wall
 * clock origin, so a step of any wall clock moves no time. A host that shares our kernel's clock is
 * paired with our own wall clock as each stamp arrives (± 1 ms); one with its own clock through
 * `date +%s%N` pairings, taken when its transport connects and whenever remeasure is called (the
 * runner: at each phase change), each stamp through the latest. The ± of such times is the worst
 * pairing's plus the worst drift seen between pairings, so it is known for sure only at the end.
 */
export class HostClocks {
  /** Per host id, its pairings in time order. */
  readonly #pairings = new Map<string, ClockPairing[]>();
  /** Per host id, the transport's connect pairing already taken in. */
  readonly #connectSeen = new Map<string, ClockPairing>();

  constructor(
    private readonly clock: Clock,
    private readonly remeasureBudgetMs = REMEASURE_BUDGET_MS,
  ) {}

  /** A time the host stamped (ms since the epoch, by its clock) on the run's clock; the arrival time where there is none or no pairing. */
  toRunMs(host: Host, hostEpochMs: number | undefined, arrivedMs: number): number {
    if (hostEpochMs === undefined) return arrivedMs;
    const pairing = host.transport.sharesClock ? this.#ourWallNow() : this.#pairingsOf(host).at(-1);
    if (!pairing) return arrivedMs;
    // Never later than it arrived: an event cannot reach us before it happened.
    return Math.min(arrivedMs, pairing.runMs + (hostEpochMs - pairing.hostEpochMs));
  }

  /**
   * Pair each host's clock with ours now (hosts that share our clock need none). Never rejects and
   * never takes longer than the budget: a host that does not answer keeps its earlier pairings.
   */
  async remeasure(hosts: readonly Host[]): Promise<void> {
    await Promise.all(
      hosts
        .filter((host) => !host.transport.sharesClock)
        .map(async (host) => {
          const measured = measureClockPairing((argv, options) => host.transport.exec(argv, options), () => this.clock.nowMs());
          const pairing = await withinMs(measured, this.remeasureBudgetMs);
          if (pairing) this.#add(host.id, pairing);
        }),
    );
  }

  /**
   * The ± of host-stamped times of these hosts: per host its worst pairing's ± plus the worst drift
   * between its pairings (1 ms where it shares our clock); the worst host's. Null when a host has
   * no pairing at all (its times are arrival times).
   */
  uncertaintyMs(hosts: readonly Host[]): number | null {
    let worst = 0;
    for (const host of hosts) {
      if (host.transport.sharesClock) {
        worst = Math.max(worst, SHARED_CLOCK_UNCERTAINTY_MS);
        continue;
      }
      const pairings = this.#pairingsOf(host);
      if (pairings.length === 0) return null;
      worst = Math.max(worst, Math.max(...pairings.map((p) => p.uncertaintyMs)) + worstDriftMs(pairings));
    }
    return worst;
  }

  /** Half the round trip of the host's latest clock read: about how long a command takes to reach it (0 where unknown or shared). */
  oneWayMs(host: Host): number {
    if (host.transport.sharesClock) return 0;
    return (this.#pairingsOf(host).at(-1)?.roundTripMs ?? 0) / 2;
  }

  #ourWallNow(): ClockPairing {
    return { hostEpochMs: this.clock.wallNowMs(), runMs: this.clock.nowMs(), uncertaintyMs: SHARED_CLOCK_UNCERTAINTY_MS, roundTripMs: 0 };
  }

  /** Its pairings, with the one its transport took at its latest connect (a reconnect during the run) taken in. */
  #pairingsOf(host: Host): ClockPairing[] {
    const connected = host.transport.connectPairing;
    if (connected && this.#connectSeen.get(host.id) !== connected) {
      this.#connectSeen.set(host.id, connected);
      const runMs = connected.runMs - Number(this.clock.originNs) / 1e6;
      // A connection older than the run is not its business: the run pairs its own at the start.
      if (runMs >= 0) this.#add(host.id, { ...connected, runMs });
    }
    return this.#pairings.get(host.id) ?? [];
  }

  #add(hostId: string, pairing: ClockPairing): void {
    const list = this.#pairings.get(hostId) ?? [];
    // Re-measures may finish out of order (phases in quick succession): keep time order.
    const at = list.findIndex((p) => p.runMs > pairing.runMs);
    list.splice(at < 0 ? list.length : at, 0, pairing);
    this.#pairings.set(hostId, list);
  }
}

/** The promise's value, or undefined once ms have passed (the promise goes on, unheard). */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
