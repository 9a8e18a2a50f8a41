import type { Report } from "../../src/report/report-types.js";
import { syntheticReport } from "./synthetic-report.js";
import { injected, probes, restored, vipAdded, vipRemoved } from "./synthetic-timeline.js";

/**
 * A 20 s link-pull drill (probes every 10 ms, T_f at 5 s, restore at 12 s) whose clients could not
 * reach the API for `outageMs` after the inject; `latencyMs` every successful probe's latency.
 * Null: they never came back before the restore.
 */
export function iterationReport(outageMs: number | null, latencyMs = 2): Report {
  const tf = 5000;
  const until = outageMs === null ? 12_500 : tf + outageMs;
  return syntheticReport(
    [
      ...probes({ from: 0, to: 20_000, intervalMs: 10, lagMs: 0.25, latencyMs, fail: [[tf + 30, until, "connect-timeout"]] }),
      vipAdded("lb-1", 0),
      injected(tf - 25, tf),
      vipRemoved("lb-1", tf + 10),
      vipAdded("lb-2", Math.min(until, 11_000) - 100),
      restored(12_000, 12_040),
    ],
    { endMs: 20_000, intervalMs: 10 },
  );
}
