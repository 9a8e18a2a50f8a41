import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("durations", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5000],
    ["1.5s", 1500],
    ["1m", 60_000],
    ["2m30s", 150_000],
    ["0", 0],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(["5 sec", "5", "-1s", "5S", "s", "", "1.s", "5s "])("%j is refused", (text) => expect(parseDuration(text)).toBeUndefined());
});
