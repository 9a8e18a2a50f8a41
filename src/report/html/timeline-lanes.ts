/**
 * Lanes of the HTML timeline: one row each, with segments of time that carry a label — who held
 * the VIP, Keepalived's VRRP state, a mark for each note. Generic on purpose: a new event type (a
 * kube-vip Lease holder, a kube-vip log line) becomes lanes by adding one LaneSource.
 */
import type { TimelineEvent } from "../../model/timeline.js";
import { LANE_COLORS } from "./palette.js";

export interface LaneSegment {
  fromMs: number;
  /** Equal to fromMs for a mark (an instant). */
  toMs: number;
  label: string;
  color: string;
  /** ± of fromMs / toMs where the segment is a measured figure (outage windows, T_f). */
  fromPrecisionMs?: number | null;
  toPrecisionMs?: number | null;
}

export interface Lane {
  lane: string;
  /** Which source made it ("fault", "outage", "vip", "keepalived", "note"): lanes of a group sit together. */
  group: string;
  segments: LaneSegment[];
}

/** What one event says about a lane: from atMs on it shows label, or nothing (null). */
export interface LaneChange {
  lane: string;
  atMs: number;
  label: string | null;
}

export interface LaneSource {
  group: string;
  /** "state": a label holds until the lane's next change (or the run's end); "mark": an instant. */
  kind: "state" | "mark";
  change(event: TimelineEvent): LaneChange | undefined;
  color(label: string): string;
}

export const HOLDS_VIP = "holds the VIP";

export const LANE_SOURCES: readonly LaneSource[] = [
  {
    group: "vip",
    kind: "state",
    change: (e) =>
      e.type === "vip-added" || e.type === "vip-removed"
        ? { lane: `VIP on ${e.host}`, atMs: e.atMs, label: e.type === "vip-added" ? HOLDS_VIP : null }
        : undefined,
    color: () => LANE_COLORS.vip,
  },
  {
    group: "keepalived",
    kind: "state",
    change: (e) => (e.type === "vrrp-state" ? { lane: `keepalived ${e.host} ${e.instance}`, atMs: e.atMs, label: e.state } : undefined),
    color: (state) => LANE_COLORS.vrrp[state] ?? LANE_COLORS.vrrpOther,
  },
  {
    group: "note",
    kind: "mark",
    change: (e) => (e.type === "note" ? { lane: "notes", atMs: e.atMs, label: e.message } : undefined),
    color: () => LANE_COLORS.note,
  },
];

const byName = (a: Lane, b: Lane): number => a.lane.localeCompare(b.lane, "en", { numeric: true });

/**
 * Every source's lanes over [0, endMs], sources in order, lanes by name (lb-2 before lb-10). Changes
 * are taken by time: a host cut off by the fault reports its own late, and a stable sort keeps the
 * timeline's order for equal stamps (the VIP observer's add-then-remove of a handover).
 */
export function eventLanes(events: readonly TimelineEvent[], endMs: number, sources: readonly LaneSource[] = LANE_SOURCES): Lane[] {
  return sources.flatMap((source) => {
    const changes = events
      .flatMap((e) => {
        const change = source.change(e);
        return change !== undefined && change.atMs <= endMs ? [change] : [];
      })
      .sort((a, b) => a.atMs - b.atMs);
    const lanes = new Map<string, Lane>();
    const open = new Map<string, { label: string; fromMs: number }>();
    const laneOf = (name: string): Lane => {
      let lane = lanes.get(name);
      if (lane === undefined) lanes.set(name, (lane = { lane: name, group: source.group, segments: [] }));
      return lane;
    };
    const close = (name: string, toMs: number): void => {
      const current = open.get(name);
      if (current === undefined) return;
      laneOf(name).segments.push({ fromMs: current.fromMs, toMs, label: current.label, color: source.color(current.label) });
      open.delete(name);
    };
    for (const change of changes) {
      const lane = laneOf(change.lane);
      if (source.kind === "mark") {
        if (change.label !== null) lane.segments.push({ fromMs: change.atMs, toMs: change.atMs, label: change.label, color: source.color(change.label) });
        continue;
      }
      // The same state again (a VIP re-added, a repeated log line) continues the segment.
      if (open.get(change.lane)?.label === change.label) continue;
      close(change.lane, change.atMs);
      if (change.label !== null) open.set(change.lane, { label: change.label, fromMs: change.atMs });
    }
    for (const name of [...open.keys()]) close(name, endMs);
    return [...lanes.values()].filter((lane) => lane.segments.length > 0).sort(byName);
  });
}
