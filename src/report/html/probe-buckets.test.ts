import { describe, expect, it } from "vitest";
import { probes } from "../../../test/helpers/synthetic-timeline.js";
import { syntheticDrillReport } from "../../../test/helpers/synthetic-report.js";
import { PROBE_ERROR_KINDS, type ProbeEvent, type TimelineEvent } from "../../model/timeline.js";
import { ProbeTable } from "../../model/probe-table.js";
import { bucketProbes, bucketSizeMs, MAX_BUCKETS } from "./probe-buckets.js";

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe("probe buckets", () => {
  it("buckets are Δ on short runs and grow on a 1-2-5 ladder of Δ to stay within the limit", () => {
    expect(bucketSizeMs(20_000, 10)).toBe(10);
    // 10 min at 5 ms: 50 ms buckets would be 12,000, over the 10,000 limit; 100 ms makes 6,000.
    expect(bucketSizeMs(600_000, 5)).toBe(100);
    expect(bucketSizeMs(3_600_000, 5)).toBe(500);
    expect(Math.ceil(3_600_000 / bucketSizeMs(3_600_000, 5))).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(() => bucketSizeMs(1000, 0)).toThrow(/positive/);
  });

  it("a 10 min drill at 200/s: every failed probe shows in its bucket and kind, however many successes share it", () => {
    // One failure every 7.3 s, cycling through every kind: each alone among 19 successes in its bucket.
    const fail = Array.from({ length: 80 }, (_, i) => {
      const dueMs = 1000 + i * 7300;
      return [dueMs, dueMs + 5, PROBE_ERROR_KINDS[i % PROBE_ERROR_KINDS.length]!] as const;
    });
    const events = probes({ from: 0, to: 600_000, intervalMs: 5, fail });
    const b = bucketProbes(ProbeTable.fromEvents("fresh", events), { endMs: 600_000, intervalMs: 5 });
    expect(b.count).toBe(6000);
    expect(b.outcomes.map((o) => o.outcome)).toEqual(["ok", ...PROBE_ERROR_KINDS]);
    const failed = events.filter((e): e is ProbeEvent => e.type === "probe" && e.outcome !== "ok");
    expect(failed).toHaveLength(80);
    for (const p of failed) {
      const row = b.outcomes.find((o) => o.outcome === p.outcome)!;
      expect(row.counts[Math.floor(p.dueMs / b.bucketMs)], `${p.outcome} at ${p.dueMs} ms`).toBe(1);
      expect(b.outcomes[0]!.counts[Math.floor(p.dueMs / b.bucketMs)]).toBe(19);
    }
    for (const row of b.outcomes.slice(1)) expect(sum(row.counts)).toBe(10);
  });

  it("bucket counts add up to report.json's probe counts, by outcome and skipped", () => {
    const report = syntheticDrillReport({ durationMs: 20_000, intervalMs: 10 });
    // Bucketed from every probe when the report was built (report.json keeps only those around failures).
    const b = report.probeBuckets!;
    const totals = Object.fromEntries(b.outcomes.map((o) => [o.outcome, sum(o.counts)]));
    const { skipped, ...byKind } = totals;
    expect(byKind).toEqual(report.probes.byOutcome);
    expect(skipped).toBe(report.probes.skipped);
    expect(sum(Object.values(byKind))).toBe(report.probes.sent);
  });

  it("latency per bucket: median and max of the successes only; none without a success", () => {
    const latencies = [4, 1, 3, 2, 100];
    const events: TimelineEvent[] = [
      ...latencies.map((latencyMs, seq): TimelineEvent => ({ type: "probe", stream: "fresh", seq, dueMs: seq * 10, sentMs: seq * 10, doneMs: seq * 10 + latencyMs, outcome: "ok", latencyMs })),
      { type: "probe", stream: "fresh", seq: 5, dueMs: 50, sentMs: 50, doneMs: 1050, outcome: "timeout", latencyMs: 1000 },
    ];
    const b = bucketProbes(ProbeTable.fromEvents("fresh", events), { endMs: 60, intervalMs: 10, maxBuckets: 2 });
    expect(b.bucketMs).toBe(50);
    expect(b.latencyP50Ms).toEqual([3, null]);
    expect(b.latencyMaxMs).toEqual([100, null]);
    expect(b.outcomes).toEqual([
      { outcome: "ok", counts: [5, 0] },
      { outcome: "timeout", counts: [0, 1] },
    ]);
  });

  it("counts only the figures' probes: this stream, due in [0, end)", () => {
    const events = [
      ...probes({ from: 0, to: 100, intervalMs: 10 }),
      ...probes({ from: 0, to: 100, intervalMs: 10, stream: "keep-alive", fail: [[0, 100, "reset"]] }),
      ...probes({ from: 100, to: 200, intervalMs: 10, fail: [[100, 200, "tls"]] }),
    ];
    const b = bucketProbes(ProbeTable.fromEvents("fresh", events), { endMs: 100, intervalMs: 10 });
    expect(b.outcomes).toEqual([{ outcome: "ok", counts: Array(10).fill(1) }]);
  });
});
