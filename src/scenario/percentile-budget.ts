/**
 * A budget written either as one limit for every run (`failover: 5s`) or as limits on percentiles of
 * its distribution over repeats, k6 style (`failover: { p50: 3s, p95: 5s }`).
 */
import { z } from "zod";
import { describeInput } from "../common/duration.js";
import { parsePercentileName, PERCENTILE_NAME_HELP } from "../model/percentile.js";
import type { PercentileLimit } from "../model/scenario.js";

/** `scalar`, or a mapping of percentile names to what `scalar` accepts; `what` names the scalar ("a duration such as 5s"). */
export function limitOrPercentiles<S extends z.ZodType<number>>(scalar: S, what: string) {
  return z
    .union([scalar, z.record(z.string(), scalar).describe(`limits on percentiles over repeats: p50, p95, p99.9, max, …`)], {
      // A value of the wrong kind in the mapping is reported at its key by the record itself.
      error: (issue) => `expected ${what}, or percentiles over repeats such as { p95: … }, got ${describeInput(issue.input)}`,
    })
    .superRefine((value, ctx) => {
      if (typeof value === "number") return;
      const keys = Object.keys(value);
      if (keys.length === 0) ctx.addIssue({ code: "custom", message: `expected at least one percentile such as p95, got an empty mapping` });
      for (const key of keys) {
        if (parsePercentileName(key) === undefined) ctx.addIssue({ code: "custom", path: [key], message: `expected ${PERCENTILE_NAME_HELP}, got ${JSON.stringify(key)}` });
      }
    });
}

/** The mapping form as limits, in increasing percentile; undefined for the scalar form. */
export function percentileLimits(value: number | Record<string, number>): PercentileLimit[] | undefined {
  if (typeof value === "number") return undefined;
  return Object.entries(value)
    .map(([name, limit]) => ({ name, percentile: parsePercentileName(name)!, limit }))
    .sort((a, b) => a.percentile - b.percentile);
}
