import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { DURATION_PATTERN, durationMs, parseDuration, tryParseDuration } from "./duration.js";

describe("durations", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5000],
    ["1.5s", 1500],
    ["1.1s", 1100],
    ["1m", 60_000],
    ["2m30s", 150_000],
    ["1h", 3_600_000],
    ["1m0.5s", 60_500],
    ["1s500ms", 1500],
    ["0.5ms", 0.5],
    ["0", 0],
    ["0s", 0],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(new RegExp(DURATION_PATTERN).test(text)).toBe(true);
  });

  it.each(["5 sec", "5", "-1s", "5S", "5sec", "s", "", "1.s", ".5s", "5s ", " 5s", "30s2m", "1s1s", "5m s", "1e3ms", "+1s", "1,5s"])(
    "%j is refused, by the parser and by the editor pattern alike",
    (text) => {
      expect(tryParseDuration(text)).toBeUndefined();
      expect(() => parseDuration(text)).toThrow(UsageError);
      expect(new RegExp(DURATION_PATTERN).test(text)).toBe(false);
    },
  );

  it("says what it expected and what it got", () => {
    expect(() => parseDuration("5 sec")).toThrow('expected a duration such as 250ms, 5s or 1m, got "5 sec"');
    expect(() => parseDuration("5")).toThrow(expect.objectContaining({ code: "VIPDRILL_DURATION_INVALID", category: "usage" }));
  });

  it("the zod type turns YAML values into milliseconds, and refuses bare numbers but 0", () => {
    expect(durationMs.parse("2m30s")).toBe(150_000);
    expect(durationMs.parse(0)).toBe(0);
    for (const bad of [5, "5 sec", null, true]) {
      const result = durationMs.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual([
        `expected a duration such as 250ms, 5s or 1m, got ${typeof bad === "string" ? `"${bad}"` : bad === null ? "an empty value" : String(bad)}`,
      ]);
    }
  });
});
