/**
 * Analysis speed and memory (`npm run bench`, no Docker needed): a 1 h drill at 200 probes/s —
 * 720,000 probe events with outages, skips and send lags — analysed as a report would. Goal:
 * ≤ 1 s and ≤ 300 MiB RSS. Figures printed, not asserted (timed tests flake).
 */
import { analyzeRun } from "../src/analysis/analyze.js";
import { evaluateBudgets } from "../src/analysis/budgets.js";
import type { TimelineEvent } from "../src/model/timeline.js";
import { DEFAULT_BUDGETS, injected, probes, restored, vipAdded, vipRemoved } from "../test/helpers/synthetic-timeline.js";

const HOUR_MS = 3_600_000;
const INTERVAL_MS = 5; // 200 probes/s
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const line = (name: string, value: string): void => void process.stdout.write(`${name.padEnd(48)} ${value}\n`);

function timeline(): TimelineEvent[] {
  // A fault held for most of the hour: three outage windows in it, one after the restore, and a
  // stretch of skipped probes inside the first; send lag 0–0.5 ms.
  const events = probes({
    from: 0,
    to: HOUR_MS,
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
  events.push(
    injected(60_000, 60_025),
    restored(3_000_000, 3_000_040),
    vipAdded("lb-1", 0),
    vipRemoved("lb-1", 60_030),
    vipAdded("lb-2", 62_800),
    vipAdded("lb-1", 3_005_000),
    vipRemoved("lb-2", 3_005_000.5),
  );
  return events;
}

function main(): void {
  const baseline = process.memoryUsage().rss;
  let t = performance.now();
  const events = timeline();
  const probeCount = events.filter((e) => e.type === "probe").length;
  line("1 h at 200/s: probe events generated", `${probeCount.toLocaleString("en")} in ${((performance.now() - t) / 1000).toFixed(2)} s, RSS ${mib(process.memoryUsage().rss)}`);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const times: number[] = [];
  let summary = "";
  for (let run = 0; run < 3; run++) {
    t = performance.now();
    const analysis = analyzeRun({ events, stream: "fresh", intervalMs: INTERVAL_MS, stableMs: 250, endMs: HOUR_MS, budgets: DEFAULT_BUDGETS, vipTimePrecisionMs: 1, splitBrainGraceMs: 100 });
    evaluateBudgets(analysis, DEFAULT_BUDGETS);
    times.push(performance.now() - t);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    summary = `${analysis.outages.length} windows, failover ${analysis.fault?.failoverMs} ms ± ${analysis.fault?.precisionMs}`;
  }
  clearInterval(sampler);
  line("analysis of 720,000 probe events (3 runs)", `${times.map((ms) => `${(ms / 1000).toFixed(3)} s`).join(" / ")} (${summary})`);
  line("  RSS before / peak", `${mib(baseline)} / ${mib(peakRss)} (goal ≤ 1 s and ≤ 300 MiB)`);
}

main();
