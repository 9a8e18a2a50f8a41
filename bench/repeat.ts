/**
 * `--repeat 20` of the default drill on one lab, through the CLI (goal: ≤ 10 min wall, lab up and
 * down included; per-iteration overhead beyond the scenario's baseline, hold and settle and the
 * failback wait ≤ 3 s). Figures printed, not asserted. BENCH_REPEAT sets the count (default 20).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/common/package-root.js";
import { defaultScenarioFile, loadScenario } from "../src/scenario/load.js";
import type { Report } from "../src/report/report-types.js";
import { lineWriter } from "./line-writer.js";

const LAB = "repeat-bench";
const line = lineWriter(56);
const times = Number(process.env.BENCH_REPEAT ?? 20);

const dir = await mkdtemp(join(tmpdir(), "vipdrill-bench-repeat-"));
// The default drill on a subnet of its own, so it never meets another suite's lab.
const scenarioFile = join(dir, "default-drill.yaml");
await writeFile(scenarioFile, `${(await readFile(defaultScenarioFile(), "utf8")).replace(/^probes:/m, "lab:\n  subnet: 172.30.220.0/24\nprobes:")}`);
const scenario = await loadScenario(scenarioFile);
const reports = join(dir, "reports");
const cli = join(packageRoot(), "dist", "cli", "main.js");

const started = performance.now();
const run = spawnSync(process.execPath, [cli, "run", "--repeat", String(times), "--lab-name", LAB, "--no-progress", "--reports", reports, scenarioFile], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20 });
const wallS = (performance.now() - started) / 1000;
process.stdout.write(run.stdout.toString().split("\n").filter((l) => l.startsWith("iteration")).join("\n") + "\n");
if (run.status !== 0 && run.status !== 1) process.stderr.write(run.stderr.toString());

const runDir = join(reports, (await readdir(reports)).filter((d) => d !== "latest").sort()[0]!);
const report = JSON.parse(await readFile(join(runDir, "report.json"), "utf8")) as Report;
const repeat = report.repeat!;
const ownMs = scenario.baselineMs + scenario.holdMs + scenario.settleMs;
const starts = repeat.iterations.map((it) => Date.parse(it.startedAt));
// From one iteration's start to the next's, less the scenario's own phases and the wait before the next.
const overheads = starts.slice(1).map((next, i) => next - starts[i]! - ownMs - (repeat.iterations[i + 1]!.failbackWaitMs ?? 0)).sort((a, b) => a - b);
const waits = repeat.iterations.slice(1).map((it) => it.failbackWaitMs ?? 0).sort((a, b) => a - b);
const median = (v: number[]): number => v[Math.floor(v.length / 2)] ?? NaN;
line(`--repeat ${times} of the default drill, lab up + down included`, `${wallS.toFixed(1)} s wall (${(wallS / 60).toFixed(2)} min), exit ${run.status}`);
line("  first iteration start → last report written", `${(repeat.wallMs / 1000).toFixed(1)} s`);
line("  scenario's own baseline + hold + settle", `${(ownMs / 1000).toFixed(1)} s per iteration`);
line("  failback wait (VIP back on lb-1, lab healthy)", `median ${(median(waits) / 1000).toFixed(2)} s, max ${((waits.at(-1) ?? 0) / 1000).toFixed(2)} s`);
line("  per-iteration overhead beyond those", `median ${(median(overheads) / 1000).toFixed(2)} s, max ${((overheads.at(-1) ?? 0) / 1000).toFixed(2)} s`);
const durations = repeat.iterations.map((it) => it.figures.failover);
const seconds = (ms: number | null | undefined): string => (ms == null ? "–" : `${(ms / 1000).toFixed(3)} s`);
line("  failover p50 / p95 over the iterations", `${seconds(repeat.figures.failover.stats.p50?.value)} / ${seconds(repeat.figures.failover.stats.p95?.value)} (n ${durations.length})`);
line("  reports", runDir);

// Where the overhead goes, from each iteration's own report: its start → the baseline (observers,
// clocks, fault precheck, probes), the restore phase (commands and their verification), and its
// observation's end → the next iteration's start (stop, analysis, reports, the failback wait).
const phasesOf = async (iteration: (typeof repeat.iterations)[number]): Promise<{ setupMs: number; restoreMs: number; endMs: number }> => {
  const own = JSON.parse(await readFile(join(runDir, iteration.dir, "report.json"), "utf8")) as Report;
  const at = (name: string): number => own.timeline.flatMap((e) => (e.type === "phase" && e.phase === name ? [e.atMs] : []))[0] ?? Number.NaN;
  return { setupMs: at("baseline"), restoreMs: at("settle") - at("restore"), endMs: (own.analysis as { endMs: number }).endMs };
};
const phases = await Promise.all(repeat.iterations.map(phasesOf));
const afterMs = phases.slice(0, -1).map((p, i) => starts[i + 1]! - starts[i]! - p.endMs - (repeat.iterations[i + 1]!.failbackWaitMs ?? 0));
const med = (values: number[]): string => `median ${(median([...values].sort((a, b) => a - b)) / 1000).toFixed(2)} s`;
line("    start → baseline (observers, clocks, precheck, probes)", med(phases.map((p) => p.setupMs)));
line("    restore phase (commands, verification; the disarm overlaps the settle)", med(phases.map((p) => p.restoreMs)));
line("    observation end → next start, less the failback wait", med(afterMs));
