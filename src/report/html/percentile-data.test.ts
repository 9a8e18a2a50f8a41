import { describe, expect, it } from "vitest";
import { probes } from "../../../test/helpers/synthetic-timeline.js";
import { phaseLatency } from "../../analysis/phase-latency.js";
import { ProbeTable } from "../../model/probe-table.js";
import { percentileData, TOP_PERCENTILE } from "./percentile-data.js";

/** 1,000 successes with latencies 1, 2, … 1000 ms: the p-th percentile is ⌈10·p⌉ ms. */
const uniform = ProbeTable.fromEvents("fresh", probes({ from: 0, to: 10_000, intervalMs: 10, latencyMs: (due) => due / 10 + 1 }));

describe("percentile data", () => {
  it("x is 1/(1−p) from 0 % to 99.999 % on HdrHistogram's ladder (5 points per halving of the tail)", () => {
    const { percentiles, inverseTail } = percentileData({});
    expect(inverseTail[0]).toBe(1);
    expect(percentiles[0]).toBe(0);
    expect(inverseTail[5]).toBeCloseTo(2, 12); // 50 %
    expect(percentiles[5]).toBeCloseTo(50, 10);
    expect(inverseTail.at(-1)).toBeCloseTo(100_000, 6);
    expect(percentiles.at(-1)).toBeCloseTo(TOP_PERCENTILE, 9);
    expect(inverseTail.every((x, i) => i === 0 || x > inverseTail[i - 1]!)).toBe(true);
  });

  it("decodes report.json's histogram: each point reads the latency at its percentile; the curve ends at the phase's max", () => {
    const latency = { baseline: phaseLatency("baseline", uniform, 0, 10_000), fault: phaseLatency("fault", uniform, null, null) };
    const data = percentileData(latency);
    expect(data.phases.map((p) => p.phase)).toEqual(["baseline"]); // no successes in "fault": no curve
    const [curve] = data.phases;
    expect(curve).toMatchObject({ ok: 1000, maxMs: 1000 });
    const last = curve!.valuesMs.findLastIndex((v) => v !== null);
    data.percentiles.slice(0, last).forEach((p, i) => {
      // HDR keeps 3 significant digits: a value reads as the top of its bucket, within 0.1 %.
      const expected = Math.max(1, Math.ceil(p * 10 - 1e-9));
      expect(curve!.valuesMs[i]!, `p${p}`).toBeGreaterThanOrEqual(expected);
      expect(curve!.valuesMs[i]!, `p${p}`).toBeLessThanOrEqual(expected * 1.001);
    });
    // With 1,000 probes, percentiles past 99.9 all read the max: the curve stops at the first that does.
    expect(curve!.valuesMs[last]).toBeCloseTo(1000, 0);
    expect(data.percentiles[last]).toBeGreaterThan(99.9);
    expect(data.percentiles[last - 1]).toBeLessThanOrEqual(99.9);
    expect(curve!.valuesMs.slice(last + 1).every((v) => v === null)).toBe(true);
  });
});
