import type { TimelineEvent, VipEvent } from "../model/timeline.js";
import type { SplitBrainInterval } from "./types.js";

/** The VIP events up to endMs, by time (a stable sort keeps timeline order for equal stamps). */
export function vipEventsOf(events: readonly TimelineEvent[], endMs: number): VipEvent[] {
  return events
    .filter((e): e is VipEvent => (e.type === "vip-added" || e.type === "vip-removed") && e.atMs <= endMs)
    .sort((a, b) => a.atMs - b.atMs);
}

/** Hosts holding the VIP after every event with atMs < ms (strictly before) or ≤ ms (inclusive), sorted. */
export function vipOwnersAt(vipEvents: readonly VipEvent[], ms: number, inclusive: boolean): string[] {
  const owners = new Set<string>();
  for (const event of vipEvents) {
    if (inclusive ? event.atMs > ms : event.atMs >= ms) break;
    apply(owners, event);
  }
  return [...owners].sort();
}

/** The first time the VIP appears on a host outside `owners`, in [fromMs, untilMs); null if never. */
export function firstVipMove(
  vipEvents: readonly VipEvent[],
  owners: readonly string[],
  fromMs: number,
  untilMs: number,
): { host: string; atMs: number } | null {
  const move = vipEvents.find(
    (e) => e.type === "vip-added" && e.atMs >= fromMs && e.atMs < untilMs && !owners.includes(e.host),
  );
  return move === undefined ? null : { host: move.host, atMs: move.atMs };
}

/** Owners for display: the host, or hosts joined with "+" when several held it, or null when none did. */
export function ownerLabel(owners: readonly string[]): string | null {
  return owners.length === 0 ? null : owners.join("+");
}

/**
 * Every stretch of time with two or more VIP owners. One interval per contiguous stretch (a third
 * owner joining does not start a new one); instants of zero length (a move stamped as add and
 * remove at the same ms) are not a split brain.
 */
export function splitBrainIntervals(vipEvents: readonly VipEvent[], endMs: number): SplitBrainInterval[] {
  const intervals: SplitBrainInterval[] = [];
  const owners = new Set<string>();
  let open: { fromMs: number; hosts: Set<string> } | null = null;
  const close = (toMs: number, openAtEnd: boolean): void => {
    if (open !== null && toMs > open.fromMs) {
      intervals.push({ hosts: [...open.hosts].sort(), fromMs: open.fromMs, toMs, durationMs: toMs - open.fromMs, openAtEnd });
    }
    open = null;
  };
  for (const event of vipEvents) {
    apply(owners, event);
    if (owners.size >= 2) {
      open ??= { fromMs: event.atMs, hosts: new Set() };
      for (const host of owners) open.hosts.add(host);
    } else {
      close(event.atMs, false);
    }
  }
  close(endMs, true);
  return intervals;
}

function apply(owners: Set<string>, event: VipEvent): void {
  if (event.type === "vip-added") owners.add(event.host);
  else owners.delete(event.host);
}
