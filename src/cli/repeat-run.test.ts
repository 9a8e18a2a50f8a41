import { describe, expect, it } from "vitest";
import { parseRepeat } from "./repeat-run.js";

describe("--repeat", () => {
  it("takes a whole number of iterations from 1", () => {
    expect(parseRepeat("20")).toBe(20);
    expect(parseRepeat("1")).toBe(1);
  });

  it("refuses 0, fractions and words before anything starts, as a usage error", () => {
    for (const bad of ["0", "1.5", "-3", "ten", "", "1e3", "1001"]) {
      expect(() => parseRepeat(bad), bad).toThrow(`--repeat: expected a whole number of iterations from 1 to 1000, got ${JSON.stringify(bad)}`);
    }
  });
});
