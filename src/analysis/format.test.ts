import { describe, expect, it } from "vitest";
import { formatDurationMs, formatSinceInject, formatWithPrecision, roundUpToTenthMs } from "./format.js";

describe("formatDurationMs", () => {
  it("gives seconds with 3 decimals from 1 s up, else ms with at most one decimal", () => {
    expect(formatDurationMs(3412)).toBe("3.412 s");
    expect(formatDurationMs(5000)).toBe("5.000 s");
    expect(formatDurationMs(1000)).toBe("1.000 s");
    expect(formatDurationMs(412)).toBe("412 ms");
    expect(formatDurationMs(7.25)).toBe("7.3 ms");
    expect(formatDurationMs(0.04)).toBe("0 ms");
    expect(formatDurationMs(-60)).toBe("-60 ms");
    expect(formatDurationMs(999.94)).toBe("999.9 ms");
    // Rounds to 1000.0 ms: shown as seconds, never "1000 ms".
    expect(formatDurationMs(999.96)).toBe("1.000 s");
  });

  it("puts the precision beside the figure", () => {
    expect(formatWithPrecision(3412, 7.3)).toBe("3.412 s ± 7.3 ms");
    expect(formatWithPrecision(412, 7.3)).toBe("412 ms ± 7.3 ms");
    expect(formatWithPrecision(412, null)).toBe("412 ms");
  });

  it("says a time before T_f in words", () => {
    expect(formatSinceInject(2667, 1)).toBe("after 2.667 s ± 1 ms");
    expect(formatSinceInject(-409.4, 1)).toBe("409.4 ms ± 1 ms before the inject command returned");
  });
});

describe("roundUpToTenthMs", () => {
  it("rounds precision up, ignoring float noise", () => {
    expect(roundUpToTenthMs(10.25)).toBe(10.3);
    expect(roundUpToTenthMs(10.31)).toBe(10.4);
    expect(roundUpToTenthMs(10)).toBe(10);
    expect(roundUpToTenthMs(10 + 0.3)).toBe(10.3);
    expect(roundUpToTenthMs(10.299999999999)).toBe(10.3);
  });
});
