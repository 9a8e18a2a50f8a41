import { describe, expect, it } from "vitest";
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import type { ProbeEvent } from "../model/timeline.js";
import { ProbeTable } from "../model/probe-table.js";
import { mergeLatency } from "./merged-latency.js";
import { phaseLatency } from "./phase-latency.js";
import { LATENCY_PHASES, type LatencyPhase } from "../model/scenario.js";
import type { PhaseLatency } from "./types.js";

const probe = (seq: number, latencyMs: number, outcome: ProbeEvent["outcome"] = "ok"): ProbeEvent =>
  ({ type: "probe", stream: "fresh", seq, dueMs: seq * 10, sentMs: seq * 10, latencyMs, outcome }) as ProbeEvent;

/** One run's latency record whose baseline holds these latencies (the other phases empty). */
function run(latencies: number[], failed = 0): Record<LatencyPhase, PhaseLatency> {
  const probes = [...latencies.map((ms, i) => probe(i, ms)), ...Array.from({ length: failed }, (_, i) => probe(latencies.length + i, 1000, "connect-timeout"))];
  return Object.fromEntries(LATENCY_PHASES.map((phase) => [phase, phaseLatency(phase, ProbeTable.fromEvents("fresh", phase === "baseline" ? probes : []), 0, 1e9)])) as Record<LatencyPhase, PhaseLatency>;
}

describe("mergeLatency", () => {
  it("adds the runs' HDR histograms: the percentiles are those of every probe, not an average of percentiles", () => {
    // Run 1: 90 probes at 2 ms; run 2: 10 probes at 50 ms. p90 of the two together is 2 ms, p95 50 ms.
    const merged = mergeLatency([run(Array<number>(90).fill(2)), run(Array<number>(10).fill(50), 3)]).baseline;
    expect(merged).toMatchObject({ iterations: 2, count: 103, ok: 100, failed: 3, p50: 2, p90: 2, max: 50 });
    expect(merged.p99).toBeCloseTo(50, 1);
    const decoded = decodeFromCompressedBase64(merged.histogram, 64, false);
    expect(decoded.totalCount).toBe(100);
    expect(decoded.getValueAtPercentile(95) / 1000).toBeCloseTo(50, 1);
    decoded.destroy();
  });

  it("leaves a phase that never happened empty", () => {
    expect(mergeLatency([run([2]), run([3])]).recovered).toMatchObject({ iterations: 0, count: 0, ok: 0, p50: null, max: null });
  });
});
