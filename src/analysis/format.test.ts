import { describe, expect, it } from "vitest";
import { formatDurationMs, formatSinceAction, formatSpanMs, formatWithPrecision, roundUpToTenthMs } from "./format.js";

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

  it("says a time before the command returned in words, for the inject and the restore", () => {
    expect(formatSinceAction(2667, 1, "inject")).toBe("after 2.667 s ± 1 ms");
    expect(formatSinceAction(-409.4, 1, "inject")).toBe("409.4 ms ± 1 ms before the inject command returned");
    expect(formatSinceAction(-20, 5, "restore")).toBe("20 ms ± 5 ms before the restore command returned");
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

describe("formatSpanMs", () => {
  it("writes a window in the unit of its ends, seconds to 2 decimals", () => {
    expect(formatSpanMs(2609.375, 3609.375)).toBe("2.61–3.61 s");
    expect(formatSpanMs(0, 609.375)).toBe("0–609 ms");
    expect(formatSpanMs(0, 3000)).toBe("0–3 s");
    expect(formatSpanMs(260.9, 360.9)).toBe("261–361 ms");
    expect(formatSpanMs(609.4, 3609.4)).toBe("609 ms–3.61 s");
  });
});
