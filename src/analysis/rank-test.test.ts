import { describe, expect, it } from "vitest";
import { EXACT_MAX_RUNS, mannWhitney } from "./rank-test.js";

// Reference values from R 4.x: wilcox.test(b, a) (exact without ties; with correct = TRUE otherwise).
describe("mannWhitney", () => {
  it("three runs against three cannot show a difference at 0.05, however far apart (exact p = 0.1)", () => {
    const test = mannWhitney([1, 2, 3], [4, 5, 6]);
    expect(test.u).toBe(9);
    expect(test.method).toBe("exact");
    expect(test.pValue).toBeCloseTo(0.1, 10);
    expect(test.minPValue).toBeCloseTo(0.1, 10);
    expect(test.shift).toBe(3);
  });

  it("matches R's exact two-sided p-value for unequal samples (R: W = 35, p = 0.2544)", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const test = mannWhitney(y, x);
    expect(test.u).toBe(35);
    expect(test.pValue).toBeCloseTo(0.2544, 4);
  });

  it("counts ties exactly by mid-ranks: identical samples are no difference at all", () => {
    const test = mannWhitney([3, 3, 4, 4], [3, 3, 4, 4]);
    expect(test.pValue).toBe(1);
    expect(test.shift).toBe(0);
  });

  it("ranks a run that never recovered above every value", () => {
    const base = [3000, 3100, 3200, 3300, 3400, 3500];
    const worse = [3600, 3700, 3800, 3900, 4000, Infinity];
    const test = mannWhitney(base, worse);
    expect(test.u).toBe(36);
    expect(test.pValue).toBeCloseTo(2 / 924, 10);
  });

  it("uses the normal approximation beyond the exact limit, close to the exact answer", () => {
    const a = Array.from({ length: 40 }, (_, i) => 2600 + i * 25);
    const b = a.map((v) => v + 300);
    const test = mannWhitney(a, b);
    expect(a.length + b.length).toBeGreaterThan(EXACT_MAX_RUNS);
    expect(test.method).toBe("normal");
    // By hand: U = 1194 + 28 ties / 2 = 1208 against a mean of 800; 28 tied pairs take 28 · 6 / (80 · 79)
    // off 81 in the variance, σ = 103.906; z = (408 − ½) / σ = 3.9218; p = 2 (1 − Φ(z)) = 8.79e-5.
    expect(test.u).toBe(1208);
    expect(test.pValue).toBeCloseTo(8.79e-5, 6);
    expect(test.shift).toBe(300);
  });
});
