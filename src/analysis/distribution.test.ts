import { describe, expect, it } from "vitest";
import { distributionOf, type FigureSample } from "./distribution.js";
import { nearestRankIndex, parsePercentileName } from "../model/percentile.js";

const runs = (values: Array<number | null>): FigureSample[] => values.map((value, i) => ({ iteration: i + 1, value, precision: value === null ? null : 5 + i }));

describe("distributionOf", () => {
  it("gives nearest-rank percentiles, each an iteration's own value with its own ±", () => {
    // 20 failovers 3000, 3010, …, 3190 ms, in a shuffled iteration order.
    const values = Array.from({ length: 20 }, (_, i) => 3000 + ((i * 7) % 20) * 10);
    const d = distributionOf(runs(values), "worst");
    expect(d.n).toBe(20);
    expect(d.stats.min?.value).toBe(3000);
    expect(d.stats.p50?.value).toBe(3090); // rank 10 of 20
    expect(d.stats.p90?.value).toBe(3170); // rank 18
    expect(d.stats.p95?.value).toBe(3180); // rank 19, not 20
    expect(d.stats.max?.value).toBe(3190);
    const p95 = d.stats.p95!;
    expect(values[p95.iteration - 1]).toBe(3180);
    expect(p95.precision).toBe(5 + p95.iteration - 1);
    expect(d.samples.map((s) => s.iteration)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("ranks a run that never recovered above every value, so p95 of 20 tolerates one", () => {
    const values: Array<number | null> = Array.from({ length: 20 }, (_, i) => 3000 + i * 10);
    values[4] = null;
    const d = distributionOf(runs(values), "worst");
    expect(d.n).toBe(20);
    expect(d.unmeasured).toEqual([5]);
    expect(d.stats.p95?.value).toBe(3190);
    expect(d.stats.max).toEqual({ iteration: 5, value: null, precision: null });
  });

  it("leaves out runs with nothing to measure (the VIP did not move)", () => {
    const d = distributionOf(runs([2900, null, 3100]), "absent");
    expect(d.n).toBe(2);
    expect(d.unmeasured).toEqual([2]);
    expect(d.stats.max?.value).toBe(3100);
  });
});

describe("percentile names", () => {
  it("reads p50, p99.9 and max, and refuses what is not a percentile", () => {
    expect(parsePercentileName("p95")).toBe(95);
    expect(parsePercentileName("p99.9")).toBe(99.9);
    expect(parsePercentileName("max")).toBe(100);
    for (const bad of ["p101", "q95", "p0", "P95", "p", "95", "p9.", "min"]) expect(parsePercentileName(bad), bad).toBeUndefined();
  });

  it("nearest rank: p50 of 4 is the 2nd, p95 of 20 the 19th, p100 the last, p1 the first", () => {
    expect(nearestRankIndex(50, 4)).toBe(1);
    expect(nearestRankIndex(95, 20)).toBe(18);
    expect(nearestRankIndex(100, 20)).toBe(19);
    expect(nearestRankIndex(1, 20)).toBe(0);
  });
});
