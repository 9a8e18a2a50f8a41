import { describe, expect, it } from "vitest";
import { probes, shuffled } from "../../test/helpers/synthetic-timeline.js";
import { ProbeColumns } from "./probe-columns.js";
import { Timeline, type ProbeEvent, type ProbeSkippedEvent } from "./timeline.js";

describe("a probe stream kept in columns", () => {
  const events = probes({ from: 0, to: 2000, intervalMs: 5, lagMs: (due) => (due % 7) / 10, fail: [[500, 600, "connect-timeout"]], skip: [[800, 820]] });
  const withDetail = events.map((e) => (e.type === "probe" && e.outcome !== "ok" ? { ...e, detail: "ETIMEDOUT" } : e));

  it("gives back every probe exactly, in sequence order, whatever order they came in", () => {
    const columns = new ProbeColumns("fresh", { firstDueMs: 0, intervalMs: 5 });
    for (const e of shuffled(withDetail, 3)) columns.add(e as ProbeEvent | ProbeSkippedEvent);
    expect(columns.probeEvents()).toEqual(withDetail.filter((e) => e.type === "probe"));
    expect(columns.skippedEvents()).toEqual(withDetail.filter((e) => e.type === "probe-skipped"));
    expect([columns.sent, columns.skipped]).toEqual([396, 4]);
    expect(columns.probeEvents(1000)).toHaveLength(196);
  });

  it("keeps due times off the schedule, and all of them where no schedule was declared", () => {
    const odd: ProbeEvent = { type: "probe", stream: "fresh", seq: 3, dueMs: 15.5, sentMs: 16, doneMs: 18, outcome: "ok", latencyMs: 2.5 };
    const scheduled = new ProbeColumns("fresh", { firstDueMs: 0, intervalMs: 5 });
    const unscheduled = new ProbeColumns("fresh");
    for (const c of [scheduled, unscheduled]) c.add(odd);
    expect(scheduled.probeEvents()).toEqual([odd]);
    expect(unscheduled.probeEvents()).toEqual([odd]);
  });

  it("costs 17 bytes a probe, in chunks of 65,536: an hour at 200/s is about 12 MiB", () => {
    const columns = new ProbeColumns("fresh", { firstDueMs: 0, intervalMs: 5 });
    for (let seq = 0; seq < 720_000; seq += 1) columns.add({ type: "probe", stream: "fresh", seq, dueMs: seq * 5, sentMs: seq * 5, doneMs: seq * 5 + 2, outcome: "ok", latencyMs: 2 });
    expect(columns.bytes).toBe(11 * 65_536 * 17);
    expect(columns.bytes / 2 ** 20).toBeLessThan(12);
  });

  it("is where a Timeline keeps probes; listeners still see each event as it comes", () => {
    const timeline = new Timeline();
    const seen: string[] = [];
    timeline.subscribe((e) => seen.push(e.type));
    timeline.declareStream("fresh", { firstDueMs: 0, intervalMs: 5 });
    for (const e of events.slice(0, 3)) timeline.append(e);
    timeline.append({ type: "note", atMs: 1, message: "hello" });
    expect(seen).toEqual(["probe", "probe", "probe", "note"]);
    expect(timeline.events).toEqual([{ type: "note", atMs: 1, message: "hello" }]);
    expect(timeline.probeColumns("fresh")?.probeEvents()).toEqual(events.slice(0, 3));
  });
});
