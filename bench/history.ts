/**
 * `trend` and `compare` over a year of nightly history (365 lines) through the built CLI, wall time
 * of the whole command (goal ≤ 1 s). Figures printed, not asserted.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_FIGURE_KEYS } from "../src/analysis/run-figures.js";
import { packageRoot } from "../src/common/package-root.js";
import { HISTORY_FORMAT, type HistoryRecord } from "../src/report/history/history-record.js";
import { lineWriter } from "./line-writer.js";

const NIGHTS = 365;
const line = lineWriter(56);
const dir = await mkdtemp(join(tmpdir(), "vipdrill-bench-history-"));

/** A year of nights of the default drill: failover uniform over the advert cycle (2.6–3.7 s), a repeated run every 7th night. */
function year(shiftMs: number): string {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const lines: string[] = [];
  for (let night = 0; night < NIGHTS; night++) {
    const failover = 2600 + random() * 1100 + shiftMs;
    const figures = Object.fromEntries(
      RUN_FIGURE_KEYS.map((k) => [k, k === "failover" ? { value: failover, precision: 5.2, ...(night % 7 === 0 && { n: 20, min: failover - 900, p95: failover + 500, max: failover + 600 }) } : { value: Math.round(random() * 1000), precision: null }]),
    );
    const record: HistoryRecord = {
      history: HISTORY_FORMAT,
      scenario: "link-pull-vip-owner",
      at: new Date(Date.UTC(2026, 0, 1) + night * 86_400_000).toISOString(),
      vipdrill: "0.1.0",
      target: { kind: "lab", name: "vipdrill" },
      versions: { "lb-1": { keepalived: "2.2.7", haproxy: "2.6.12-1+deb12u1" }, "lb-2": { keepalived: "2.2.7", haproxy: "2.6.12-1+deb12u1" } },
      verdict: "pass",
      runs: night % 7 === 0 ? 20 : 1,
      figures: figures as HistoryRecord["figures"],
      limits: { failover: 5000, errorsAfterRecovery: 0 },
      report: `reports/night-${night}`,
    };
    lines.push(JSON.stringify(record));
  }
  return `${lines.join("\n")}\n`;
}

const base = join(dir, "last-year.jsonl");
const next = join(dir, "this-year.jsonl");
await writeFile(base, year(0));
await writeFile(next, year(150));
const cli = join(packageRoot(), "dist", "cli", "main.js");
const time = (args: string[]): { ms: number; status: number | null } => {
  const runs = [0, 1, 2].map(() => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { stdio: "ignore" });
    return { ms: performance.now() - t, status: r.status };
  });
  return runs.sort((a, b) => a.ms - b.ms)[1]!;
};
const bare = time(["--version"]);
line("vipdrill --version (node + the CLI's start-up), median of 3", `${bare.ms.toFixed(0)} ms`);
const trend = time(["trend", next, "--gate", "p50(failover, last 7) > +20%", "--gate", "max(failover, last 30) > 4.5s", "--html", join(dir, "trend.html")]);
line(`trend over ${NIGHTS} lines, 2 gates, HTML, median of 3`, `${trend.ms.toFixed(0)} ms, exit ${trend.status}`);
const compare = time(["compare", base, next, "--max-regression", "10%", "--markdown", join(dir, "compare.md"), "--html", join(dir, "compare.html")]);
line(`compare ${NIGHTS} runs against ${NIGHTS} (Mann–Whitney, Markdown, HTML), median of 3`, `${compare.ms.toFixed(0)} ms, exit ${compare.status}`);
const recent = time(["compare", base, next, "--last", "30"]);
line("compare the last 30 runs of each (exact p-value), median of 3", `${recent.ms.toFixed(0)} ms, exit ${recent.status}`);
