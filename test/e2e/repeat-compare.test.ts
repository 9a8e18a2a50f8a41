import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAB_READINESS } from "../../src/engine/readiness.js";
import { DockerLabProvider } from "../../src/targets/docker/docker-lab.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { runCli, type CliResult } from "../helpers/cli.js";

const LAB = "repeat-dev";
// A short drill of its own on a subnet of its own: Keepalived stopped on the VIP owner for 2 s hands
// the VIP over in about 0.6 s; when it starts again, lb-1 preempts, which the repeat loop waits for.
const SCENARIO = `version: 1
name: repeat-short
description: Stop Keepalived on the VIP owner for 2 s; the backup takes over in about 0.6 s, lb-1 preempts when it is back.
lab:
  subnet: 172.30.220.0/24
baseline: 1s
fault:
  type: service-stop
  service: keepalived
  target: vip-owner
hold: 2s
settle: 2s
budgets:
  failover: { p50: 2s, max: 3s }
  vipMove: must
`;

interface Budget {
  name: string;
  pass: boolean;
}
interface Iteration {
  iteration: number;
  dir: string;
  failbackWaitMs: number | null;
  figures: Record<string, { value: number | null; precision: number | null }>;
  budgets: Budget[];
}
interface AggregateReport {
  verdict: string;
  faults: Array<{ failoverMs: number | null; vipMoveMs: number | null }>;
  budgets: Budget[];
  repeat: { requested: number; completed: number; iterations: Iteration[]; figures: Record<string, { n: number; samples: Array<{ value: number | null }> }> };
}

/** `run --repeat 3` of a short drill on the lab, then compare and trend over what it wrote, all through the built CLI. */
describe.sequential("vipdrill run --repeat, compare, trend", () => {
  let dir: string;
  let scenarioFile: string;
  let run: CliResult;
  let runDir: string;
  let report: AggregateReport;
  const provider = connectEngine().then((docker) => new DockerLabProvider(docker, LAB_READINESS));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-repeat-"));
    scenarioFile = join(dir, "repeat-short.yaml");
    await writeFile(scenarioFile, SCENARIO);
    run = await runCli(["run", "--repeat", "3", "--lab-name", LAB, "--no-progress", "--reports", join(dir, "reports"), "--history", join(dir, "history.jsonl"), scenarioFile]);
    console.log(run.stdout);
    const folders = (await readdir(join(dir, "reports"))).filter((f) => f !== "latest");
    runDir = join(dir, "reports", folders[0]!);
    report = JSON.parse(await readFile(join(runDir, "report.json"), "utf8")) as AggregateReport;
  }, 600_000);
  afterAll(async () => {
    await (await provider).down(LAB);
  });

  it("drills three times on one lab, each iteration with its own report, and exits by the whole run's verdict", async () => {
    // The drill's own figures depend on the machine (a loaded one fails a budget now and then); the
    // repeat's bookkeeping does not.
    expect(run.code, run.stderr).toBe(report.verdict === "pass" ? 0 : 1);
    expect(report.verdict).toBe(report.budgets.every((b) => b.pass) ? "pass" : "fail");
    expect(run.stdout.match(/^iteration [123]\/3 (pass|fail): failover /gm)).toHaveLength(3);
    expect(report.repeat.completed).toBe(3);
    for (const it of report.repeat.iterations) {
      expect((await stat(join(runDir, it.dir, "report.json"))).isFile()).toBe(true);
      expect((await stat(join(runDir, it.dir, "report.html"))).isFile()).toBe(true);
      // An iteration judges the per-run budgets alone; the percentile ones belong to the distribution.
      expect(it.budgets.map((b) => b.name)).not.toContain("failover.p50");
    }
    expect((await readdir(join(dir, "reports"))).filter((f) => f !== "latest")).toHaveLength(1);
  });

  it("waits for the VIP to come back between iterations, and says how long", () => {
    const [first, ...rest] = report.repeat.iterations;
    expect(first!.failbackWaitMs).toBeNull();
    for (const it of rest) {
      expect(it.failbackWaitMs).toBeGreaterThanOrEqual(0);
      expect(it.failbackWaitMs).toBeLessThan(60_000);
    }
    expect(run.stdout).toMatch(/^iteration 2\/3 (pass|fail): .*; waited [\d.]+ m?s for the VIP to come back/m);
  });

  it("keeps the first iteration's figures where they were, beside the distribution and the whole run's budgets", async () => {
    const first = JSON.parse(await readFile(join(runDir, report.repeat.iterations[0]!.dir, "report.json"), "utf8")) as AggregateReport;
    expect(report.faults[0]!.failoverMs).toBe(first.faults[0]!.failoverMs);
    expect(report.repeat.figures.failover!.samples.map((s) => s.value)).toEqual(report.repeat.iterations.map((it) => it.figures.failover!.value));
    // A graceful stop hands the VIP over within about a second, in every iteration.
    for (const it of report.repeat.iterations) expect(Math.abs(it.figures.vipMove!.value!)).toBeLessThan(2000);
    expect(report.repeat.figures.vipMove!.n).toBe(3);
    // Per-run budgets once each (judged in every iteration), then the percentile ones on the distribution.
    const names = report.budgets.map((b) => b.name);
    expect(names.slice(-2)).toEqual(["failover.p50", "failover.max"]);
    expect(names.filter((n) => n === "vip-move")).toHaveLength(1);
    expect(report.budgets.find((b) => b.name === "vip-move")!.pass).toBe(report.repeat.iterations.every((it) => it.budgets.find((b) => b.name === "vip-move")!.pass));
    const html = await readFile(join(runDir, "report.html"), "utf8");
    expect(html).toContain("Repeats: 3 of 3 iterations");
  });

  it("compares two of its iterations: each figure on both sides, the difference, and whether it is beyond noise", async () => {
    const [a, b] = report.repeat.iterations;
    const md = join(dir, "compare.md");
    const result = await runCli(["compare", join(runDir, a!.dir), join(runDir, b!.dir, "report.json"), "--markdown", md, "--html", join(dir, "compare.html")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^base\s+.*iteration-01\/report\.json: repeat-short, a single run/m);
    expect(result.stdout).toMatch(/^VIP move\s+-?[\d.]+ m?s ± [\d.]+ ms\s+-?[\d.]+ m?s ± [\d.]+ ms\s+\S+.*(beyond|within) noise/m);
    expect(result.stdout).toMatch(/^failover\s+.*(beyond noise|within noise|not measured)/m);
    expect(await readFile(md, "utf8")).toMatch(/^\| VIP move \| .* \| (beyond|within) noise \|/m);
    // A whole repeated run against itself: the same runs, so no difference, and 3 runs a side is too few to tell anyway.
    const self = await runCli(["compare", runDir, runDir, "--max-regression", "10%"]);
    expect(self.code, self.stderr).toBe(0);
    expect(self.stdout).toMatch(/^VIP move\s+p50 .* of 3 .*too few runs/m);
    expect(self.stdout).toContain("no figure regressed by more than 10%");
  });

  it("appends the run to the history, and trends it", async () => {
    const lines = (await readFile(join(dir, "history.jsonl"), "utf8")).trim().split("\n");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as { scenario: string; runs: number; versions: Record<string, { keepalived?: string; haproxy?: string }> };
    expect(record).toMatchObject({ scenario: "repeat-short", runs: 3 });
    expect(record.versions["lb-1"]?.keepalived).toMatch(/^\d+\.\d+/);
    expect(record.versions["lb-1"]?.haproxy).toMatch(/^\d+\.\d+/);
    const trend = await runCli(["trend", join(dir, "history.jsonl"), "--gate", "p50(failover, last 1) > +20%", "--html", join(dir, "trend.html")]);
    expect(trend.code, trend.stderr).toBe(0);
    expect(trend.stdout).toMatch(/^repeat-short — 1 run$/m);
    expect(trend.stdout).toMatch(/✓ p50\(failover, last 1\) > \+20%: not judged/);
  });

  it("refuses bad input in one line with exit 2, before a lab is touched", async () => {
    for (const [args, message] of [
      [["run", "--repeat", "0", "--lab-name", "repeat-dev-unused", scenarioFile], /--repeat: expected a whole number of iterations from 1 to 1000, got "0"/],
      [["run", "--repeat", "1.5", "--lab-name", "repeat-dev-unused", scenarioFile], /--repeat: expected a whole number of iterations from 1 to 1000, got "1\.5"/],
      [["compare", dir, runDir], /: no report\.json in this folder/],
    ] as const) {
      const result = await runCli([...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect((await (await provider).status("repeat-dev-unused")).nodes).toEqual([]);
  });
});
