import { describe, expect, it } from "vitest";
import { liveOutages } from "./terminal.js";

describe("the live line's clients state", () => {
  it("is down from a failure until successes span the stable time, and counts each such outage once", () => {
    const live = liveOutages(250);
    for (let due = 0; due < 1000; due += 10) live.add(due, true);
    expect([live.downSinceMs, live.outages]).toEqual([undefined, 0]);
    live.add(1000, false);
    expect([live.downSinceMs, live.outages]).toEqual([1000, 1]);
    // 100 ms of successes, a failure again: the same outage (no stable recovery in between).
    for (let due = 1010; due < 1110; due += 10) live.add(due, true);
    live.add(1110, false);
    expect([live.downSinceMs, live.outages]).toEqual([1000, 1]);
    // Successes due 1120…1370 span 250 ms: back.
    for (let due = 1120; due <= 1360; due += 10) live.add(due, true);
    expect(live.downSinceMs).toBe(1000);
    live.add(1370, true);
    expect([live.downSinceMs, live.outages]).toEqual([undefined, 1]);
    live.add(2000, false);
    expect([live.downSinceMs, live.outages]).toEqual([2000, 2]);
  });

  it("ignores a probe due before the newest seen: a timeout arriving a second late does not reopen an outage", () => {
    const live = liveOutages(250);
    live.add(0, false);
    for (let due = 10; due <= 300; due += 10) live.add(due, true);
    expect(live.downSinceMs).toBeUndefined();
    live.add(5, false);
    expect([live.downSinceMs, live.outages]).toEqual([undefined, 1]);
  });
});
