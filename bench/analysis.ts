/**
 * Analysis speed and memory (`npm run bench`, no Docker needed): a 1 h drill at 200 probes/s —
 * 720,000 probe events with outages, skips and send lags — kept as a run keeps them (the
 * timeline's probe columns) and analysed as `vipdrill run` does. Goal: ≤ 1 s and ≤ 300 MiB RSS.
 * Figures printed, not asserted (timed tests flake).
 */
import { analyzeRun } from "../src/analysis/analyze.js";
import { evaluateBudgets } from "../src/analysis/budgets.js";
import { Timeline } from "../src/model/timeline.js";
import type { Topology } from "../src/model/host.js";
import { buildReport } from "../src/report/report.js";
import { parseScenario } from "../src/scenario/load.js";
import { DEFAULT_BUDGETS, injected, probes, restored, vipAdded, vipRemoved } from "../test/helpers/synthetic-timeline.js";
import { lineWriter } from "./line-writer.js";

const HOUR_MS = 3_600_000;
const INTERVAL_MS = 5; // 200 probes/s
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const line = lineWriter(48);

function timeline(): Timeline {
  // A fault held for most of the hour: three outage windows in it, one after the restore, and a
  // stretch of skipped probes inside the first; send lag 0–0.5 ms. Made a minute at a time, as the
  // probes of a run arrive, so no hour of event objects is ever held.
  const result = new Timeline();
  result.declareStream("fresh", { firstDueMs: 0, intervalMs: INTERVAL_MS });
  for (let from = 0; from < HOUR_MS; from += 60_000) {
    const minute = probes({
      from,
      to: from + 60_000,
      intervalMs: INTERVAL_MS,
      lagMs: (due) => ((due / INTERVAL_MS) % 100) / 200,
      latencyMs: (due) => 1 + ((due / INTERVAL_MS) % 1000) / 100,
      fail: [
        [60_030, 63_400, "connect-timeout"],
        [600_000, 600_050, "reset"],
        [1_800_000, 1_802_000, "connect-refused"],
        [3_000_050, 3_000_060, "reset"],
      ],
      skip: [[61_000, 61_500]],
    });
    for (const e of minute) result.append(e);
  }
  for (const e of [
    injected(60_000, 60_025),
    restored(3_000_000, 3_000_040),
    vipAdded("lb-1", 0),
    vipRemoved("lb-1", 60_030),
    vipAdded("lb-2", 62_800),
    vipAdded("lb-1", 3_005_000),
    vipRemoved("lb-2", 3_005_000.5),
  ]) {
    result.append(e);
  }
  return result;
}

function main(): void {
  const baseline = process.memoryUsage().rss;
  let t = performance.now();
  const recorded = timeline();
  const columns = recorded.probeColumns("fresh")!;
  line("1 h at 200/s: probes recorded in columns", `${columns.sent.toLocaleString("en")} sent, ${columns.skipped} skipped in ${((performance.now() - t) / 1000).toFixed(2)} s (${mib(columns.bytes)}), RSS ${mib(process.memoryUsage().rss)}`);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const times: number[] = [];
  let summary = "";
  for (let run = 0; run < 3; run++) {
    t = performance.now();
    // As run-command.ts hands them over: the other events, and the probes as a table read from the columns.
    const analysis = analyzeRun({ events: recorded.events, probes: columns.table(HOUR_MS), stream: "fresh", intervalMs: INTERVAL_MS, stableMs: 250, endMs: HOUR_MS, budgets: DEFAULT_BUDGETS, vipTimePrecisionMs: 1, splitBrainGraceMs: 100 });
    evaluateBudgets(analysis, DEFAULT_BUDGETS);
    times.push(performance.now() - t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    summary = `${analysis.outages.length} windows, failover ${analysis.fault?.failoverMs} ms ± ${analysis.fault?.precisionMs}`;
  }
  clearInterval(sampler);
  line("analysis of 720,000 probe events (3 runs)", `${times.map((ms) => `${(ms / 1000).toFixed(3)} s`).join(" / ")} (${summary})`);
  line("  RSS before / peak", `${mib(baseline)} / ${mib(peakRss)} (goal ≤ 1 s and ≤ 300 MiB)`);

  // The whole of report.json as `vipdrill run` builds it: the analysis, the probes kept around failures, the buckets.
  const scenario = parseScenario("version: 1\nname: hour\ndescription: an hour at 200/s\nprobes:\n  interval: 5ms\nfault:\n  type: link-down\n  target: vip-owner\n", "bench.yaml");
  const topology = { kind: "lab", name: "bench", hosts: [], endpoint: { vip: "10.0.0.200", port: 6443, dns: "api" } } as unknown as Topology;
  t = performance.now();
  const report = buildReport({ scenario, topology, events: recorded.events, probeTables: recorded.probeTables(HOUR_MS), startedAt: new Date(), endMs: HOUR_MS, error: undefined, aborted: undefined, plan: [], vipTimePrecisionMs: 1 });
  const json = JSON.stringify(report);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  line("report.json of the hour (built and serialized)", `${((performance.now() - t) / 1000).toFixed(3)} s, ${(json.length / 1024).toFixed(0)} KiB, ${report.timeline.length} timeline events; RSS peak ${mib(peakRss)}`);
}

main();
