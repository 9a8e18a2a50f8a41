import { describe, expect, it } from "vitest";
import { parseScenario } from "./load.js";
import { thrownMessage } from "../../test/helpers/thrown.js";

const HEAD = "version: 1\nname: s\ndescription: d\nfault:\n  type: link-down\n  target: vip-owner\n";
const parse = (text: string) => parseScenario(HEAD + text, "/tmp/s.yaml");
const errorOf = (text: string): string => thrownMessage(() => parse(text), "VIPDRILL_SCENARIO_INVALID");

describe("budgets on percentiles over repeats", () => {
  it("takes percentile limits beside scalar ones, and drops the per-run failover default when failover is given as percentiles", () => {
    const s = parse("repeat: 20\nbudgets:\n  failover: { p95: 5s, p50: 3.5s }\n  failedProbes: { max: 900 }\n  outage: 4s\n");
    expect(s.repeat).toBe(20);
    expect(s.budgets.failoverMs).toBeUndefined();
    expect(s.budgets.outageMs).toBe(4000);
    expect(s.budgets.percentiles).toEqual({
      failover: [
        { name: "p50", percentile: 50, limit: 3500 },
        { name: "p95", percentile: 95, limit: 5000 },
      ],
      failedProbes: [{ name: "max", percentile: 100, limit: 900 }],
    });
  });

  it("keeps today's scalar form, with no percentiles and no repeat", () => {
    const s = parse("budgets:\n  failover: 5s\n");
    expect(s.budgets.failoverMs).toBe(5000);
    expect(s.budgets.percentiles).toBeUndefined();
    expect(s.repeat).toBeUndefined();
  });

  it("names the file, the line and the key of a percentile that does not parse", () => {
    expect(errorOf("budgets:\n  failover:\n    p101: 5s\n")).toBe(
      '/tmp/s.yaml:9: budgets.failover.p101: expected a percentile such as p50, p90, p95, p99.9 or max (p above 0, at most 100), got "p101"',
    );
    expect(errorOf("budgets:\n  failover: { q95: 5s }\n")).toMatch(/^\/tmp\/s\.yaml:8: budgets\.failover\.q95: expected a percentile such as p50/);
  });

  it("says what a budget may be when it is neither a limit nor percentiles", () => {
    expect(errorOf("budgets:\n  failover: 5 sec\n")).toBe(
      '/tmp/s.yaml:8: budgets.failover: expected a duration such as 250ms, 5s or 1m, or percentiles over repeats such as { p95: … }, got "5 sec"',
    );
    expect(errorOf("budgets:\n  failover: { p95: 5 sec }\n")).toMatch(/budgets\.failover\.p95: expected a duration such as 250ms, 5s or 1m, got "5 sec"$/);
    expect(errorOf("budgets:\n  failover: {}\n")).toMatch(/budgets\.failover: expected at least one percentile such as p95, got an empty mapping$/);
  });

  it("refuses a repeat count that is not a whole number from 1", () => {
    expect(errorOf("repeat: 0\n")).toBe("/tmp/s.yaml:7: repeat: expected a whole number of iterations from 1 to 1000, got 0");
    expect(errorOf("repeat: 1.5\n")).toBe("/tmp/s.yaml:7: repeat: expected a whole number of iterations from 1 to 1000, got 1.5");
  });
});
