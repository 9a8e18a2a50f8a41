import { describe, expect, it } from "vitest";
import { predictedText } from "./predicted-window.js";

describe("a predicted window as the summary prints it", () => {
  it("is the window the failover is judged against: counted from the command's return, its earliest end moved back by the time the command ran", () => {
    // The advert_int 0.5 (VRRPv3) sweep point: the timers allow 1.300–1.800 s from the fault; the inject command ran 325 ms.
    expect(predictedText({ fromMs: 1_300, toMs: 1_800 }, 10_000, 10_325)).toBe("975 ms–1.800 s from the command's return (the timers' 1.300 s–1.800 s; it ran 325 ms)");
    expect(predictedText({ fromMs: 200, toMs: 1_800 }, 10_000, 10_325)).toBe("0 ms–1.800 s from the command's return (the timers' 200 ms–1.800 s; it ran 325 ms)");
  });

  it("is the timers' own window where the command took no time, and says no failover where nothing moves", () => {
    expect(predictedText({ fromMs: 2_609, toMs: 3_609 }, 5_000, 5_000)).toBe("2.609 s–3.609 s");
    expect(predictedText({ fromMs: 0, toMs: 0 }, 5_000, 5_040)).toBe("0 ms (no failover)");
  });
});
