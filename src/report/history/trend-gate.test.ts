import { describe, expect, it } from "vitest";
import { historyRecord } from "../../../test/helpers/history-record.js";
import { evaluateGate, parseGate } from "./trend-gate.js";
import { thrownMessage } from "../../../test/helpers/thrown.js";

const nights = (values: Array<number | null>) => values.map((v, i) => historyRecord(`2026-11-${String(i + 1).padStart(2, "0")}T01:00:00Z`, v));
const gateError = (text: string): string => thrownMessage(() => parseGate(text), "VIPDRILL_GATE_INVALID");

describe("trend gates", () => {
  it("trips when p50 of the last 7 runs rose more than 20% over the 7 before", () => {
    const gate = parseGate("p50(failover, last 7) > +20%");
    const history = nights([3000, 3100, 2900, 3050, 3000, 2950, 3100, 3700, 3800, 3750, 3600, 3900, 3700, 3800]);
    const result = evaluateGate(gate, "link-pull-vip-owner", history);
    expect(result.tripped).toBe(true);
    expect(result.words).toBe("p50(failover, last 7) = 3.750 s against 3.000 s over the 7 runs before: +25.0%, limit +20%");
    expect(evaluateGate(parseGate("p50(failover, last 7) > +30%"), "s", history).tripped).toBe(false);
  });

  it("takes absolute rises and levels, and counts a run that never recovered as the worst", () => {
    const history = nights([3000, 3000, 3000, 3000, null]);
    expect(evaluateGate(parseGate("max(failover, last 2) > 4.5s"), "s", history)).toMatchObject({ tripped: true });
    expect(evaluateGate(parseGate("median(failover, last 2) > +200ms"), "s", nights([3000, 3000, 3300, 3400])).tripped).toBe(true);
    expect(evaluateGate(parseGate("p95(failover) > 3.5s"), "s", nights([3000, 3100, 3200])).tripped).toBe(false);
  });

  it("does not judge a history too short to compare", () => {
    const result = evaluateGate(parseGate("p50(failover, last 7) > +20%"), "s", nights([3000, 3000, 3000, 3000, 3000, 3000, 3000]));
    expect(result).toMatchObject({ tripped: false, words: "not judged: 7 runs, needs more than 7 to compare the last 7 with those before" });
  });

  it("refuses a rule that does not parse, saying what was expected", () => {
    expect(gateError("q50(failover, last 7) > +20%")).toBe('--gate "q50(failover, last 7) > +20%": expected median, min or a percentile such as p50, p90, p95, p99.9 or max (p above 0, at most 100), got "q50"');
    expect(gateError("p101(failover) > 4s")).toMatch(/expected median, min or a percentile/);
    expect(gateError("p50(failovr, last 7) > +20%")).toMatch(/expected a figure among failover, outage, .*, got "failovr"$/);
    expect(gateError("p50(failover) > +20%")).toBe('--gate "p50(failover) > +20%": a rise compares the last N runs with the N before: write (failover, last N)');
    expect(gateError("failover rose")).toMatch(/expected STAT\(FIGURE, last N\) > LIMIT/);
    expect(gateError("p50(failover, last 7) > +5 sec")).toMatch(/expected a limit such as \+20%, \+200ms or 4\.5s/);
  });
});
