/**
 * Memory of a long watch (issue 11: RSS flat within ±20 MiB over an hour at 200 probes/s, ≤ 200 MiB):
 * the built CLI's `vipdrill watch --endpoint` against a TLS server on loopback in its own process, the
 * watch's RSS read from /proc every 10 s. Prints the least-squares slope after the first minute
 * (warm-up: JIT, the first column chunks, TLS session state), the spread and the peak, and the time
 * the report took at the end. Figures printed, not asserted. BENCH_WATCH_MINUTES (default 10).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linearRegression } from "simple-statistics";
import { sleep } from "../src/common/clock.js";
import { packageRoot } from "../src/common/package-root.js";
import { lineWriter } from "./line-writer.js";
import { processMemory } from "./process-memory.js";

const minutes = Number(process.env.BENCH_WATCH_MINUTES ?? 10);
const SAMPLE_MS = 10_000;
const WARM_UP_MS = 60_000;
const line = lineWriter(48);
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

const dir = await mkdtemp(join(tmpdir(), "vipdrill-bench-watch-"));
execFileSync("openssl", [
  "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
  "-subj", "/CN=api.bench", "-addext", "subjectAltName=DNS:api.bench,IP:127.0.0.1",
  "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
], { stdio: "ignore" });

// The apiserver's /version, in another process so that serving 200 handshakes a second does not share the watch's event loop.
const serverSource = `
const https = require("node:https"), fs = require("node:fs");
const body = JSON.stringify({ major: "1", minor: "34", gitVersion: "v1.34.0" });
const server = https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, (req, res) => {
  res.writeHead(200, { "content-type": "application/json" }).end(body);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));`;
const server = spawn(process.execPath, ["-e", serverSource, join(dir, "key.pem"), join(dir, "cert.pem")], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve) => server.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));

const watch = spawn(
  process.execPath,
  [
    join(packageRoot(), "dist", "cli", "main.js"), "watch",
    "--endpoint", `https://127.0.0.1:${port}`, "--ca", join(dir, "cert.pem"), "--dns", "api.bench",
    "--interval", "5ms", "--keep-alive", "2", "--duration", `${minutes}m`, "--no-progress", "--reports", join(dir, "reports"),
  ],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, VIPDRILL_WATCH_SOCKET: join(dir, "watch.sock") } },
);
let output = "";
watch.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
watch.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
const exited = new Promise<number | null>((resolve) => watch.once("exit", (code) => resolve(code)));

process.stdout.write(`memory of a ${minutes}-minute watch at 200 fresh probes/s + 2 keep-alive connections (the built CLI, /proc/PID/status)\n`);
const started = performance.now();
const samples: Array<[number, number]> = [];
let ended = false;
void exited.then(() => (ended = true));
while (!ended) {
  const rss = (await processMemory(watch.pid!))?.rssBytes;
  if (rss !== undefined) samples.push([performance.now() - started, rss]);
  await Promise.race([sleep(SAMPLE_MS), exited]);
}
const code = await exited;
server.kill();

const durationMs = minutes * 60_000;
const steady = samples.filter(([t]) => t >= WARM_UP_MS && t <= durationMs);
const peak = Math.max(...samples.map(([, rss]) => rss));
const reportMs = performance.now() - started - durationMs;
line("samples (every 10 s)", String(samples.length));
line("watch exit code", String(code));
if (steady.length >= 2) {
  const { m } = linearRegression(steady.map(([t, rss]) => [t / 3_600_000, rss / 2 ** 20]));
  const values = steady.map(([, rss]) => rss);
  line("RSS after 1 min / at the end of probing", `${mib(steady[0]![1])} / ${mib(steady[steady.length - 1]![1])} MiB`);
  line("RSS slope after 1 min (least squares)", `${m >= 0 ? "+" : ""}${m.toFixed(1)} MiB/h`);
  line("RSS spread after 1 min (max − min)", `${mib(Math.max(...values) - Math.min(...values))} MiB`);
}
line("RSS peak (with the report at the end)", `${mib(peak)} MiB`);
line("report written after probing stopped", `${(Math.max(0, reportMs) / 1000).toFixed(1)} s`);
const probes = /(\d[\d,]*) probes/.exec(output)?.[1];
if (probes !== undefined) line("probes", probes);
if (code !== 0) process.stdout.write(output);
