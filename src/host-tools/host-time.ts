import type { Clock } from "../common/clock.js";
import type { ExecTransport, Host } from "../model/host.js";

/**
 * A time a host stamped (its realtime clock, ms since the epoch) on the run's clock: shifted by the
 * offset measured when its transport connected, never later than the line arrived. Without a
 * known offset the arrival time is all there is.
 */
export function hostTimeToRunMs(transport: ExecTransport, hostEpochMs: number | undefined, clock: Clock, arrivedMs: number): number {
  if (hostEpochMs === undefined) return arrivedMs;
  const offsetMs = transport.sharesClock ? 0 : transport.clockOffset?.offsetMs;
  if (offsetMs === undefined) return arrivedMs;
  return Math.min(arrivedMs, hostEpochMs - offsetMs - clock.originEpochMs);
}

/**
 * How far host-stamped times converted by hostTimeToRunMs can be off, over these hosts: 0 where
 * they share our clock, the offset's uncertainty where it was measured; null when some host has
 * neither (its events carry arrival times).
 */
export function hostTimeUncertaintyMs(hosts: readonly Host[]): number | null {
  let worst = 0;
  for (const host of hosts) {
    if (host.transport.sharesClock) continue;
    const offset = host.transport.clockOffset;
    if (!offset) return null;
    worst = Math.max(worst, offset.uncertaintyMs);
  }
  return worst;
}
