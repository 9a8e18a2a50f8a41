import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJunit } from "../../test/helpers/junit-xml.js";
import { syntheticDrillReport } from "../../test/helpers/synthetic-report.js";
import { iterationReport } from "../../test/helpers/iteration-report.js";
import { aggregateReport } from "./aggregate/aggregate-report.js";
import { junitSuiteOf, junitSuiteOfFailure, junitSuitesOf, renderJunit } from "./junit.js";
import type { Report, RunFailure } from "./report-types.js";

/** A drill of the synthetic link pull whose failover budget is 3 s: failover ~3.4 s breaches it. */
function breached(): Report {
  const report = syntheticDrillReport({ durationMs: 40_000, intervalMs: 10 });
  const failover = report.budgets.find((b) => b.name === "failover")!;
  return { ...report, verdict: "fail", budgets: report.budgets.map((b) => (b === failover ? { ...failover, pass: false, limit: "3.000 s", limitMs: 3000 } : b)) };
}

const failure: RunFailure = {
  name: "link-pull-vip-owner",
  file: "scenarios/link-pull-vip-owner.yaml",
  startedAt: "2026-11-25T05:00:00.000Z",
  durationMs: 42,
  error: { code: "VIPDRILL_NO_DOCKER", message: "no Docker engine at /var/run/docker.sock: start one" },
  exitCode: 3,
};

describe("junit.xml", () => {
  it("names the suite after the scenario and each case after its budget, the same in every run whatever was measured", () => {
    const a = parseJunit(renderJunit([junitSuiteOf(breached())]));
    const b = parseJunit(renderJunit([junitSuiteOf(syntheticDrillReport({ durationMs: 60_000, intervalMs: 20 }))]));
    const names = (j: typeof a) => j.suites.map((s) => [s.attributes.name, s.cases.map((c) => `${c.classname}/${c.name}`)]);
    expect(names(a)).toEqual(names(b));
    expect(a.suites[0]!.attributes.name).toBe("synthetic-link-pull");
    expect(a.suites[0]!.cases.map((c) => c.name)).toEqual(["drill", ...breached().budgets.map((b) => b.name)]);
    expect(a.suites[0]!.cases.every((c) => c.classname === "vipdrill.synthetic-link-pull")).toBe(true);
  });

  it("gives each budget's value, ± and limit as properties (numbers and words) and in system-out; a breach fails with the figure", () => {
    const report = breached();
    const budget = report.budgets.find((b) => b.name === "failover")!;
    const failover = parseJunit(renderJunit([junitSuiteOf(report)])).suites[0]!.cases.find((c) => c.name === "failover")!;
    expect(Number(failover.properties.measuredMs)).toBe(budget.measuredMs);
    expect(Number(failover.properties.precisionMs)).toBe(budget.precisionMs);
    expect(Number(failover.properties.limitMs)).toBe(3000);
    expect(failover.properties).toMatchObject({ measured: budget.measured, limit: "3.000 s", precision: budget.precision });
    expect(failover.properties).not.toHaveProperty("measuredCount");
    expect(failover.failure).toEqual({ type: "budget", message: `failover breached: ${budget.measured}, limit 3.000 s`, text: expect.stringContaining(budget.measured) as string });
    expect(failover.systemOut).toBe(`failover: ${budget.measured} (limit 3.000 s) — breached`);
    const cases = parseJunit(renderJunit([junitSuiteOf(report)])).suites[0]!.cases;
    // The synthetic drill's second outage window: 20 failed probes after the first recovery.
    expect(cases.find((c) => c.name === "errors-after-recovery")!.properties).toMatchObject({ measuredCount: "20", limitCount: "0" });
    const held = cases.find((c) => c.name === "split-brain")!;
    expect(held).toMatchObject({ properties: { measuredCount: "0", limitCount: "0" }, systemOut: "split-brain: 0 (limit 0) — held" });
    expect(held.failure).toBeUndefined();
  });

  it("counts tests, failures and errors, and times the suite by the drill", () => {
    const report = breached();
    const junit = parseJunit(renderJunit([junitSuiteOf(report)]));
    const breaches = String(report.budgets.filter((b) => !b.pass).length);
    expect(junit.attributes).toMatchObject({ tests: String(report.budgets.length + 1), failures: breaches, errors: "0", time: "40.000" });
    expect(junit.suites[0]!.attributes).toMatchObject({ failures: breaches, errors: "0", time: "40.000", timestamp: report.startedAt });
    expect(junit.suites[0]!.properties).toMatchObject({ verdict: "fail", "scenario.file": join(process.cwd(), "synthetic.yaml") });
    expect(junit.suites[0]!.systemOut).toMatch(/^fault\s+link-down/m);
  });

  it("errors the drill case when the drill did not reach its end", () => {
    const report = { ...breached(), error: { code: "VIPDRILL_ABORTED", message: "aborted by SIGINT: the fault was restored" } };
    const junit = parseJunit(renderJunit([junitSuiteOf(report)]));
    expect(junit.attributes).toMatchObject({ errors: "1" });
    expect(junit.suites[0]!.cases[0]).toMatchObject({ name: "drill", error: { type: "VIPDRILL_ABORTED", message: "aborted by SIGINT: the fault was restored" } });
  });

  it("renders a suite per iteration of a repeated run, each named and classed by its iteration", () => {
    const junit = parseJunit(renderJunit([1, 2, 3].map((iteration) => junitSuiteOf(breached(), { iteration }))));
    expect(junit.suites.map((s) => [s.attributes.name, s.properties.iteration, s.cases[1]!.classname])).toEqual([
      ["synthetic-link-pull #1", "1", "vipdrill.synthetic-link-pull.iteration-1"],
      ["synthetic-link-pull #2", "2", "vipdrill.synthetic-link-pull.iteration-2"],
      ["synthetic-link-pull #3", "3", "vipdrill.synthetic-link-pull.iteration-3"],
    ]);
    const { budgets } = breached();
    expect(junit.attributes).toMatchObject({ tests: String(3 * (budgets.length + 1)), failures: String(3 * budgets.filter((b) => !b.pass).length), time: "120.000" });
  });

  it("a repeated run's junit.xml: a suite per iteration with its own verdicts, then the run's own", () => {
    // Iteration 2 never recovered before the restore: its failover budget fails there alone.
    const runs = [3000, null, 2700].map((ms, i) => ({ iteration: i + 1, report: iterationReport(ms), dir: `iteration-0${i + 1}`, failbackWaitMs: i === 0 ? null : 500 }));
    const budgets = { failoverMs: 5000, errorsAfterRecovery: 0, vipMove: "any", splitBrain: "forbid", healthyAfterRestore: true, latency: {} } as const;
    const report = aggregateReport({ runs, budgets, requested: 3, wallMs: 90_000 });
    const junit = parseJunit(renderJunit(junitSuitesOf(report)));
    const name = report.scenario.name;
    expect(junit.suites.map((s) => s.attributes.name)).toEqual([`${name} #1`, `${name} #2`, `${name} #3`, name]);
    const failover = (suite: number) => junit.suites[suite]!.cases.find((c) => c.name === "failover")!;
    expect([0, 1, 2].map((i) => failover(i).failure === undefined)).toEqual([true, false, true]);
    expect(failover(1).failure!.message).toBe("failover breached: did not recover before the restore, limit 5.000 s");
    expect(junit.suites[1]!.properties).toMatchObject({ verdict: "fail", iteration: "2", report: "iteration-02" });
    expect(junit.suites[3]!.properties.verdict).toBe(report.verdict);
    expect(junitSuitesOf(iterationReport(3000))).toHaveLength(1);
  });

  it("a run that ended before its drill: one errored testcase saying why", () => {
    const junit = parseJunit(renderJunit([junitSuiteOfFailure(failure)]));
    expect(junit.attributes).toMatchObject({ tests: "1", failures: "0", errors: "1" });
    expect(junit.suites[0]!.attributes.name).toBe("link-pull-vip-owner");
    expect(junit.suites[0]!.properties).toEqual({ verdict: "error", "scenario.file": "scenarios/link-pull-vip-owner.yaml", exitCode: "3" });
    expect(junit.suites[0]!.cases).toEqual([
      expect.objectContaining({
        name: "drill",
        error: { type: "VIPDRILL_NO_DOCKER", message: failure.error.message, text: `the drill did not run: ${failure.error.message}` },
      }),
    ]);
  });

  it("keeps any text intact: markup, quotes, a CDATA end, and drops what XML cannot carry", () => {
    const message = `bad <input> & "quotes" 'too' ]]> \u001b[31mred\u001b[0m \u0007bell`;
    const junit = parseJunit(renderJunit([junitSuiteOfFailure({ ...failure, error: { code: "VIPDRILL_USAGE", message } })]));
    const expected = `bad <input> & "quotes" 'too' ]]> red bell`;
    expect(junit.suites[0]!.cases[0]!.error).toEqual({ type: "VIPDRILL_USAGE", message: expected, text: `the drill did not run: ${expected}` });
  });
});
