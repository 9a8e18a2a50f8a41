import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model/timeline.js";
import type { Budgets } from "../model/scenario.js";
import { analyzeRun } from "./analyze.js";
import { evaluateBudgets } from "./budgets.js";
import { injected, probes, restored, vipAdded, vipRemoved, type SyntheticProbes, DEFAULT_BUDGETS } from "../../test/helpers/synthetic-timeline.js";
import { verdictOf } from "./verdict.js";

const DEFAULTS: Budgets = DEFAULT_BUDGETS;
const VIP_MOVE = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100), vipRemoved("lb-2", 12_499), vipAdded("lb-1", 12_500)];
const latencyMs = (due: number): number => (due < 5000 ? 1 + ((due / 10) % 100) / 1000 : due < 12_000 ? 1.5 : 1.25);

function analysis(spec: Partial<SyntheticProbes>, extra: TimelineEvent[] = [injected(5000, 5025), restored(12_000, 12_040), ...VIP_MOVE]) {
  const events = [...probes({ from: 0, to: 20_000, intervalMs: 10, lagMs: 0.25, latencyMs, ...spec }), ...extra];
  return analyzeRun({ events, stream: "fresh", intervalMs: 10, stableMs: 250, endMs: 20_000, budgets: DEFAULTS, vipTimePrecisionMs: null });
}
const FAILOVER = { fail: [[5030, 8400, "connect-timeout"]] } as const;
/** A budget's numbers before it has any (each test names those it expects). */
const N = { measuredMs: null, limitMs: null, precisionMs: null, measuredCount: null, limitCount: null };

describe("evaluateBudgets", () => {
  it("checks every set budget and formats figures with their precision", () => {
    const results = evaluateBudgets(analysis(FAILOVER), {
      failoverMs: 5000,
      outageMs: 3000,
      failbackMs: 1000,
      failedProbes: 0,
      errorsAfterRecovery: 0,
      vipMove: "must",
      splitBrain: "forbid",
      healthyAfterRestore: true,
      latency: { baseline: { p99: 1 }, recovered: { p50: 2 } },
    });
    expect(results).toEqual([
      { ...N, name: "failover", limit: "5.000 s", measured: "3.375 s ± 10.3 ms", precision: "10.3 ms", pass: true, measuredMs: 3375, limitMs: 5000, precisionMs: 10.3 },
      { ...N, name: "outage", limit: "3.000 s", measured: "3.380 s ± 20.5 ms", precision: "20.5 ms", pass: false, measuredMs: 3380, limitMs: 3000, precisionMs: 20.5 },
      { ...N, name: "failback", limit: "1.000 s", measured: "0 ms ± 10.3 ms", precision: "10.3 ms", pass: true, measuredMs: 0, limitMs: 1000, precisionMs: 10.3 },
      { ...N, name: "failed-probes", limit: "0", measured: "337", precision: null, pass: false, detail: "connect-timeout 337", measuredCount: 337, limitCount: 0 },
      { ...N, name: "errors-after-recovery", limit: "0", measured: "0", precision: null, pass: true, measuredCount: 0, limitCount: 0 },
      { ...N, name: "vip-move", limit: "must move", measured: "moved after 3.075 s", precision: null, pass: true, detail: "lb-1 → lb-2", measuredMs: 3075 },
      { ...N, name: "split-brain", limit: "0", measured: "0", precision: null, pass: true, measuredCount: 0, limitCount: 0 },
      { ...N, name: "healthy-after-restore", limit: "last 25 probes ok", measured: "healthy", precision: null, pass: true },
      {
        ...N,
        name: "latency.baseline.p99",
        limit: "1 ms",
        measured: "1.1 ms",
        precision: null,
        pass: false,
        detail: "500 successful probes; HDR histogram, 3 significant digits",
        measuredMs: 1.098,
        limitMs: 1,
      },
      {
        ...N,
        name: "latency.recovered.p50",
        limit: "2 ms",
        measured: "1.5 ms",
        precision: null,
        pass: true,
        detail: "360 successful probes; HDR histogram, 3 significant digits",
        measuredMs: 1.5,
        limitMs: 2,
      },
    ]);
    expect(verdictOf(results)).toBe("fail");
  });

  it("checks only the budgets with defaults when nothing else is set", () => {
    const results = evaluateBudgets(analysis(FAILOVER), { ...DEFAULTS, splitBrain: "allow", healthyAfterRestore: false });
    expect(results.map((r) => r.name)).toEqual(["failover", "errors-after-recovery"]);
    expect(verdictOf(results)).toBe("pass");
  });

  it("passes a figure that is within the limit itself, whatever its ±", () => {
    const a = analysis(FAILOVER);
    expect(evaluateBudgets(a, { ...DEFAULTS, failoverMs: 3375 })[0]).toMatchObject({ pass: true, measured: "3.375 s ± 10.3 ms" });
    expect(evaluateBudgets(a, { ...DEFAULTS, failoverMs: 3374 })[0]).toMatchObject({ pass: false });
  });

  it("formats a sub-second failover in ms", () => {
    expect(evaluateBudgets(analysis({ fail: [[5030, 5440, "reset"]] }), DEFAULTS)[0]).toMatchObject({ measured: "415 ms ± 10.3 ms", pass: true });
  });

  it("fails what never recovered — failover, failback and errors after recovery — and a failback never restored", () => {
    const neverRecovered = evaluateBudgets(analysis({ fail: [[5030, 20_000, "unreachable"]] }), { ...DEFAULTS, failbackMs: 1000 });
    expect(neverRecovered.slice(0, 2)).toEqual([
      { ...N, name: "failover", limit: "5.000 s", measured: "never recovered", precision: "10.3 ms", pass: false, limitMs: 5000, precisionMs: 10.3 },
      { ...N, name: "failback", limit: "1.000 s", measured: "the fault's outage never ended", precision: null, pass: false, limitMs: 1000 },
    ]);
    expect(neverRecovered.find((r) => r.name === "errors-after-recovery")).toMatchObject({ measured: "never recovered", pass: false });
    expect(neverRecovered.find((r) => r.name === "healthy-after-restore")).toMatchObject({ measured: "unhealthy", pass: false });

    const failbackNeverRecovered = evaluateBudgets(analysis({ fail: [[5030, 8400, "reset"], [12_100, 20_000, "reset"]] }), { ...DEFAULTS, failbackMs: 1000 });
    expect(failbackNeverRecovered[1]).toMatchObject({ name: "failback", measured: "never recovered after the restore", pass: false });

    const notRestored = evaluateBudgets(analysis(FAILOVER, [injected(5000, 5025), ...VIP_MOVE]), { ...DEFAULTS, failbackMs: 1000 });
    expect(notRestored[1]).toEqual({ ...N, name: "failback", limit: "1.000 s", measured: "not restored", precision: null, pass: false, limitMs: 1000 });
  });

  it("fails fault budgets when no fault was injected", () => {
    const results = evaluateBudgets(analysis({}, [vipAdded("lb-1", 0)]), { ...DEFAULTS, vipMove: "must" });
    expect(results).toEqual([
      { ...N, name: "failover", limit: "5.000 s", measured: "no fault injected", precision: null, pass: false, limitMs: 5000 },
      { ...N, name: "errors-after-recovery", limit: "0", measured: "no fault injected", precision: null, pass: false, limitCount: 0 },
      { ...N, name: "vip-move", limit: "must move", measured: "no fault injected", precision: null, pass: false },
      { ...N, name: "split-brain", limit: "0", measured: "0", precision: null, pass: true, measuredCount: 0, limitCount: 0 },
      { ...N, name: "healthy-after-restore", limit: "last 25 probes ok", measured: "healthy", precision: null, pass: true },
    ]);
    expect(verdictOf(results)).toBe("fail");
  });

  it("checks that the VIP must not move, with the observer's precision when the runner gave one", () => {
    const stayed = evaluateBudgets(analysis({}, [injected(5000, 5025), restored(12_000, 12_040), vipAdded("lb-1", 0)]), { ...DEFAULTS, vipMove: "must-not" });
    expect(stayed.find((r) => r.name === "vip-move")).toEqual({
      ...N,
      name: "vip-move",
      limit: "must not move",
      measured: "did not move",
      precision: null,
      pass: true,
      detail: "stayed: lb-1",
    });
    const moved = analysis(FAILOVER);
    moved.fault!.vipMovePrecisionMs = 5;
    expect(evaluateBudgets(moved, { ...DEFAULTS, vipMove: "must-not" }).find((r) => r.name === "vip-move")).toEqual({
      ...N,
      name: "vip-move",
      limit: "must not move",
      measured: "moved after 3.075 s ± 5 ms",
      precision: "5 ms",
      pass: false,
      detail: "lb-1 → lb-2",
      measuredMs: 3075,
      precisionMs: 5,
    });
  });

  it("fails a split brain and says when and who", () => {
    const a = analysis(FAILOVER, [injected(5000, 5025), restored(12_000, 12_040), vipAdded("lb-1", 0), vipAdded("lb-2", 8100), vipRemoved("lb-1", 8220)]);
    expect(evaluateBudgets(a, DEFAULTS).find((r) => r.name === "split-brain")).toEqual({
      ...N,
      name: "split-brain",
      limit: "0",
      measured: "1",
      precision: null,
      pass: false,
      detail: "lb-1+lb-2 for 120 ms from 8.100 s",
      measuredCount: 1,
      limitCount: 0,
    });
  });

  it("fails a latency budget on a phase without a successful probe", () => {
    const a = analysis({ fail: [[5030, 12_100, "connect-timeout"]] });
    expect(evaluateBudgets(a, { ...DEFAULTS, latency: { recovered: { max: 5 } } }).at(-1)).toEqual({
      ...N,
      name: "latency.recovered.max",
      limit: "5 ms",
      measured: "no successful probe",
      precision: null,
      pass: false,
      detail: "0 probes in the recovered phase, none succeeded",
      limitMs: 5,
    });
  });
});

describe("verdictOf", () => {
  it("passes only when every budget held", () => {
    const ok = { ...N, name: "failover", limit: "5.000 s", measured: "1.000 s ± 10 ms", precision: "10 ms", pass: true, measuredMs: 1000, limitMs: 5000, precisionMs: 10 };
    expect(verdictOf([ok, ok])).toBe("pass");
    expect(verdictOf([ok, { ...ok, pass: false }])).toBe("fail");
    expect(verdictOf([])).toBe("pass");
  });
});
