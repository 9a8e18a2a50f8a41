import { describe, expect, it } from "vitest";
import { vipAdded, vipRemoved } from "../../../test/helpers/synthetic-timeline.js";
import type { TimelineEvent } from "../../model/timeline.js";
import { LANE_COLORS } from "./palette.js";
import { eventLanes, HOLDS_VIP, LANE_SOURCES, type LaneSource } from "./timeline-lanes.js";

const spans = (lanes: ReturnType<typeof eventLanes>) =>
  Object.fromEntries(lanes.map((l) => [l.lane, l.segments.map((s) => [s.fromMs, s.toMs, s.label])]));

describe("timeline lanes", () => {
  it("one lane per host for who held the VIP, from vip-added / vip-removed, open to the run's end", () => {
    const events: TimelineEvent[] = [
      vipAdded("lb-1", 0),
      vipRemoved("lb-1", 5010),
      vipAdded("lb-2", 8100),
      // A preemption: the new owner adds the VIP a moment before the old one drops it.
      vipAdded("lb-1", 13_550),
      vipRemoved("lb-2", 13_550.5),
    ];
    expect(spans(eventLanes(events, 20_000))).toEqual({
      "VIP on lb-1": [
        [0, 5010, HOLDS_VIP],
        [13_550, 20_000, HOLDS_VIP],
      ],
      "VIP on lb-2": [[8100, 13_550.5, HOLDS_VIP]],
    });
  });

  it("takes changes by time (a cut-off host reports late), continues a repeated state, ignores what comes after the end", () => {
    const events: TimelineEvent[] = [
      vipAdded("lb-10", 0),
      vipAdded("lb-2", 300),
      vipRemoved("lb-2", 200), // arrived late, stamped before the add: lb-2 held it from 300 on
      vipAdded("lb-2", 400), // already held: the same segment
      vipRemoved("lb-2", 900),
      vipAdded("lb-2", 1500), // after the end
    ];
    const lanes = eventLanes(events, 1000);
    expect(lanes.map((l) => l.lane)).toEqual(["VIP on lb-2", "VIP on lb-10"]);
    expect(spans(lanes)["VIP on lb-2"]).toEqual([[300, 900, HOLDS_VIP]]);
  });

  it("Keepalived state lanes per host and instance, coloured by state; notes as marks", () => {
    const events: TimelineEvent[] = [
      { type: "vrrp-state", host: "lb-1", instance: "VI_1", state: "FAULT", atMs: 5002 },
      { type: "vrrp-state", host: "lb-1", instance: "VI_1", state: "MASTER", atMs: 0 },
      { type: "vrrp-state", host: "lb-1", instance: "VI_1", state: "BACKUP", atMs: 13_150 },
      { type: "note", atMs: 6000, message: "target re-resolved" },
    ];
    const lanes = eventLanes(events, 20_000);
    expect(spans(lanes)).toEqual({
      "keepalived lb-1 VI_1": [
        [0, 5002, "MASTER"],
        [5002, 13_150, "FAULT"],
        [13_150, 20_000, "BACKUP"],
      ],
      notes: [[6000, 6000, "target re-resolved"]],
    });
    expect(lanes[0]!.segments.map((s) => s.color)).toEqual([LANE_COLORS.vrrp.MASTER, LANE_COLORS.vrrp.FAULT, LANE_COLORS.vrrp.BACKUP]);
  });

  it("a new event type becomes lanes by adding a source (a kube-vip Lease holder, say)", () => {
    // Stands in for a future event type: the lease holder, read here from notes.
    const lease: LaneSource = {
      group: "lease",
      kind: "state",
      change: (e) => (e.type === "note" && e.message.startsWith("lease ") ? { lane: "Lease plndr-cp-lock", atMs: e.atMs, label: e.message.slice(6) } : undefined),
      color: () => "#000",
    };
    const events: TimelineEvent[] = [
      { type: "note", atMs: 0, message: "lease cp-1" },
      { type: "note", atMs: 4000, message: "lease cp-2" },
      vipAdded("cp-1", 0),
    ];
    const lanes = eventLanes(events, 10_000, [...LANE_SOURCES, lease]);
    expect(lanes.map((l) => [l.group, l.lane])).toEqual([
      ["vip", "VIP on cp-1"],
      ["note", "notes"],
      ["lease", "Lease plndr-cp-lock"],
    ]);
    expect(spans(lanes)["Lease plndr-cp-lock"]).toEqual([
      [0, 4000, "cp-1"],
      [4000, 10_000, "cp-2"],
    ]);
  });
});
