/**
 * Peak memory of a long drill at 200 probes/s (issue 11: a 10 min drill ≤ 150 MiB peak): `./vipdrill
 * run` — the launcher users run, with its node flags — of the default drill held for
 * BENCH_DRILL_MINUTES (default 10) on a lab of its own, which it brings up and takes down. RSS read
 * from /proc every 250 ms: printed before probing starts, at its peak (and when), and at the end.
 * Figures printed, not asserted.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sleep } from "../src/common/clock.js";
import { packageRoot } from "../src/common/package-root.js";
import { defaultScenarioFile } from "../src/scenario/load.js";
import { lineWriter } from "./line-writer.js";
import { processMemory } from "./process-memory.js";

const minutes = Number(process.env.BENCH_DRILL_MINUTES ?? 10);
const line = lineWriter(56);
const dir = await mkdtemp(join(tmpdir(), "vipdrill-bench-drill-memory-"));
const scenarioFile = join(dir, "long-drill.yaml");
// The default drill on a subnet of its own, its hold stretched so that the whole drill lasts `minutes`.
const holdS = Math.max(10, minutes * 60 - 15);
await writeFile(
  scenarioFile,
  (await readFile(defaultScenarioFile(), "utf8"))
    .replace(/^probes:/m, "lab:\n  subnet: 172.30.222.0/24\nprobes:")
    .replace(/^hold: .*$/m, `hold: ${holdS}s`)
    .replace(/^name: .*$/m, "name: drill-memory-bench"),
);

const started = performance.now();
const child = spawn(join(packageRoot(), "vipdrill"), ["run", scenarioFile, "--lab-name", "drill-memory-bench", "--no-progress", "--reports", join(dir, "reports")], {
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
let probingFromS: number | undefined;
let beforeProbingMiB = Number.NaN;
const seconds = (): number => (performance.now() - started) / 1000;
const mib = (bytes: number): number => bytes / 2 ** 20;
const onOutput = (chunk: Buffer): void => {
  output += chunk.toString();
  // The drill's header line: the lab is healthy, observers and probes start now.
  if (probingFromS === undefined && /^▶ /m.test(output)) probingFromS = seconds();
};
child.stdout.on("data", onOutput);
child.stderr.on("data", onOutput);
const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
let peak = { mib: 0, anonMiB: 0, fileMiB: 0, atS: 0 };
let last = Number.NaN;
let done = false;
void exited.then(() => (done = true));
while (!done) {
  const sample = await processMemory(child.pid!);
  if (sample !== undefined) {
    last = mib(sample.rssBytes);
    if (probingFromS === undefined) beforeProbingMiB = last;
    if (last > peak.mib) peak = { mib: last, anonMiB: mib(sample.anonBytes), fileMiB: mib(sample.fileBytes), atS: seconds() };
  }
  await sleep(250);
}
const code = await exited;
if (code !== 0 && code !== 1) process.stderr.write(output);
const probes = /probes\s+(\d+) fresh TLS/.exec(output)?.[1] ?? "?";
line(`drill at 200/s, hold ${holdS} s, lab up and down included`, `${seconds().toFixed(0)} s wall, exit ${code}, ${probes} fresh probes`);
line("  RSS when the drill starts (lab up, nothing probing)", `${beforeProbingMiB.toFixed(1)} MiB`);
line("  peak RSS (goal ≤ 150 MiB)", `${peak.mib.toFixed(1)} MiB, ${probingFromS === undefined ? "?" : (peak.atS - probingFromS).toFixed(0)} s into the drill`);
line("    of which anonymous (heaps, malloc) / mapped files", `${peak.anonMiB.toFixed(1)} / ${peak.fileMiB.toFixed(1)} MiB`);
line("  RSS at the last sample (the report written)", `${last.toFixed(1)} MiB`);
