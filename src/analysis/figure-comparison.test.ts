import { describe, expect, it } from "vitest";
import type { FigureSample } from "./distribution.js";
import { compareFigure } from "./figure-comparison.js";

const runs = (values: Array<number | null>, precision = 5): FigureSample[] => values.map((value, i) => ({ iteration: i + 1, value, precision: value === null ? null : precision }));

describe("compareFigure", () => {
  it("single runs: a difference larger than the two ± together is beyond noise", () => {
    const row = compareFigure("failover", runs([3400], 5), runs([3412], 5));
    expect(row).toMatchObject({ method: "precision", difference: 12, verdict: "beyond-noise" });
    expect(row.relative).toBeCloseTo(12 / 3400, 10);
    expect(compareFigure("failover", runs([3400], 7), runs([3412], 5)).verdict).toBe("within-noise");
  });

  it("single runs: only the new run never recovering is a difference beyond noise", () => {
    expect(compareFigure("failover", runs([3400]), runs([null]))).toMatchObject({ difference: Infinity, verdict: "beyond-noise" });
    expect(compareFigure("failover", runs([null]), runs([null])).verdict).toBe("not-measured");
  });

  it("repeats: a shift the rank test sees is beyond noise, with the Hodges–Lehmann difference", () => {
    const base = [2700, 2900, 3100, 3300, 3500, 3000, 3200, 2800];
    const row = compareFigure("failover", runs(base), runs(base.map((v) => v + 800)));
    expect(row).toMatchObject({ method: "mann-whitney", verdict: "beyond-noise", difference: 800 });
    expect(row.pValue).toBeLessThan(0.05);
  });

  it("repeats: the same spread twice is within noise", () => {
    const row = compareFigure("failover", runs([2700, 3100, 3500, 2900, 3300]), runs([2800, 3200, 3400, 3000, 2600]));
    expect(row.verdict).toBe("within-noise");
    expect(row.pValue).toBeGreaterThan(0.05);
  });

  it("says when there are too few runs to show any difference", () => {
    const row = compareFigure("failover", runs([2700, 2800, 2900]), runs([4700, 4800, 4900]));
    expect(row.verdict).toBe("too-few-runs");
    expect(row.reason).toContain("3 vs 3 runs cannot show a difference at 0.05");
  });
});
