import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import type { PredictedWindow } from "../model/prediction.js";
import type { TimelineEvent } from "../model/timeline.js";
import { analyzeRun } from "./analyze.js";
import { evaluateBudgets } from "./budgets.js";
import { injected, probes, restored, shuffled, vipAdded, vipRemoved, type SyntheticProbes, DEFAULT_BUDGETS } from "../../test/helpers/synthetic-timeline.js";

// The setting: Δ 10 ms, stable 250 ms (N = 25), every probe sent 0.25 ms late; the inject
// command runs 5000 → 5025 (S_f, T_f), the restore 12000 → 12040 (S_r, T_r); the run ends at 20000.
// A bracket's ± is Δ per sequence step between its two probes + the larger send lag: 10.25 → 10.3
// once rounded up to 0.1 ms; a window's duration has two brackets: 20.5.
const RUN = { from: 0, to: 20_000, intervalMs: 10, lagMs: 0.25 } as const;
const INJECT = injected(5000, 5025);
const RESTORE = restored(12_000, 12_040);
const CLEAN_VIP = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100), vipRemoved("lb-2", 12_499), vipAdded("lb-1", 12_500)];

function run(
  events: TimelineEvent[],
  overrides: { stableMs?: number; endMs?: number; vipTimePrecisionMs?: number; predicted?: PredictedWindow; predictedFailback?: PredictedWindow } = {},
) {
  return analyzeRun({
    events,
    stream: "fresh",
    intervalMs: 10,
    stableMs: overrides.stableMs ?? 250,
    endMs: overrides.endMs ?? 20_000,
    budgets: DEFAULT_BUDGETS,
    vipTimePrecisionMs: overrides.vipTimePrecisionMs ?? 1,
    predicted: overrides.predicted ?? null,
    predictedFailback: overrides.predictedFailback ?? null,
  });
}
function drill(spec: Partial<SyntheticProbes>, extra: TimelineEvent[] = [INJECT, RESTORE, ...CLEAN_VIP]) {
  return run([...probes({ ...RUN, ...spec }), ...extra]);
}
const budget = (a: ReturnType<typeof run>, name: string, budgets = DEFAULT_BUDGETS) => evaluateBudgets(a, budgets).find((b) => b.name === name);

describe("failover around the inject", () => {
  it("measures a clean failover: one window, headline, VIP move, precision", () => {
    // Fails 5030..8390 (337 probes); the last success before is 5020, the stable run starts at 8400.
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] });
    const f = a.fault!;
    expect(a.stableProbes).toBe(25);
    expect(f.outages).toEqual([
      {
        phase: "fault",
        startMs: 5020,
        endMs: 8400,
        durationMs: 3380,
        precisionMs: 20.5,
        startPrecisionMs: 10.3,
        endPrecisionMs: 10.3,
        failedProbes: 337,
        errorKinds: { "connect-timeout": 337 },
        firstFailureDueMs: 5030,
        lastFailureDueMs: 8390,
        startsAtFirstProbe: false,
        unsentInStartBracket: 0,
        unsentInEndBracket: 0,
      },
    ]);
    expect(a.outages).toEqual(f.outages);
    expect([f.recovered, f.unrecovered, f.failoverMs, f.precisionMs]).toEqual([true, null, 3375, 10.3]);
    expect([f.outageMs, f.outagePrecisionMs, f.firstRecoveryMs]).toEqual([3380, 20.5, 3375]);
    // The VIP observer's ± (1 ms here) plus T_f's own (0: a command's return on our clock).
    expect([f.vipMoveMs, f.vipMovedTo, f.vipMovePrecisionMs]).toEqual([3075, "lb-2", 1]);
    expect([f.vipOwnerBefore, f.vipOwnerAfter, f.vipOwnerAtEnd]).toEqual(["lb-1", "lb-2", "lb-1"]);
    // Move back: lb-1 at 12500, 460 ms after T_r.
    expect([f.vipMoveBackMs, f.vipMovedBackTo, f.vipMoveBackPrecisionMs]).toEqual([460, "lb-1", 1]);
    expect([f.errorsAfterRecovery, f.flaps, f.failuresBeforeInjectReturned]).toEqual([0, 0, 0]);
    // Nothing failed after the restore: 0, ± Δ + lag p99 (an outage shorter than that could hide).
    expect([f.failbackOutages, f.failbackMs, f.failbackPrecisionMs, f.failbackRecoveryMs, f.failbackRecovered]).toEqual([[], 0, 10.3, 0, true]);
    expect(a.probes).toEqual({
      sent: 2000,
      ok: 1663,
      failed: 337,
      failedByKind: { "connect-timeout": 337 },
      skipped: 0,
      schedulerLagMs: { p50: 0.25, p99: 0.25, max: 0.25 },
    });
    expect([a.splitBrain, a.endsOnExactlyOne, a.healthyAfterRestore, a.notes]).toEqual([[], true, true, []]);
  });

  it("row 1 — a 70 ms blip then a 3 s outage: failover counts to the end of the last, errors after recovery see the second", () => {
    // Window 1: fails 5030..5090 (7), last ok 5020, stable from 5100 (25 ok up to 5340 < 6000) → 5020–5100.
    // Window 2: fails 6000..8990 (300), last ok 5990, stable from 9000 → 5990–9000, 3010 ms.
    // Failover = 9000 − 5025 = 3975; first back at 5100 − 5025 = 75; after it 300 failures, 1 flap.
    const a = drill({ fail: [[5030, 5100, "connect-refused"], [6000, 9000, "connect-timeout"]] });
    const f = a.fault!;
    expect(f.outages.map((o) => [o.startMs, o.endMs, o.durationMs, o.precisionMs, o.failedProbes])).toEqual([
      [5020, 5100, 80, 20.5, 7],
      [5990, 9000, 3010, 20.5, 300],
    ]);
    expect([f.failoverMs, f.precisionMs, f.firstRecoveryMs]).toEqual([3975, 10.3, 75]);
    expect([f.outageMs, f.outagePrecisionMs]).toEqual([3010, 20.5]);
    expect([f.errorsAfterRecovery, f.flaps]).toEqual([300, 1]);
    expect(budget(a, "failover", { ...DEFAULT_BUDGETS, failoverMs: 3000 })).toMatchObject({ pass: false, measured: "3.975 s ± 10.3 ms" });
    expect(budget(a, "errors-after-recovery")).toMatchObject({ pass: false, measured: "300" });
    expect(a.notes).toContain("after the inject: 2 outage windows; failover counts to the end of the last (T+9.000 s)");
  });

  it("does not take a blip of successes shorter than N for a recovery", () => {
    // 10 successes (5100..5190) < N: one window 5020–8400 with 7 + 320 failures.
    const f = drill({ fail: [[5030, 5100, "connect-refused"], [5200, 8400, "connect-timeout"]] }).fault!;
    expect(f.outages.map((o) => [o.startMs, o.endMs, o.failedProbes, o.errorKinds])).toEqual([
      [5020, 8400, 327, { "connect-refused": 7, "connect-timeout": 320 }],
    ]);
    expect([f.failoverMs, f.outageMs, f.flaps, f.errorsAfterRecovery]).toEqual([3375, 3380, 0, 0]);
  });

  it("takes N = ceil(stableMs / Δ): 26 successes for 251 ms", () => {
    // 25 successes at 5100..5340, then failures from 5350: with N = 26 that is not yet a recovery.
    const events = [...probes({ ...RUN, fail: [[5030, 5100, "reset"], [5350, 6000, "reset"]] }), INJECT, RESTORE];
    expect(run(events).fault!.failoverMs).toBe(6000 - 5025);
    expect(run(events).fault!.firstRecoveryMs).toBe(5100 - 5025);
    expect(run(events, { stableMs: 251 }).fault!.outages.map((o) => o.endMs)).toEqual([6000]);
    expect(run(events, { stableMs: 0 }).stableProbes).toBe(1);
  });

  it("row 2 — never recovered: no figure, and failover and errors after recovery fail", () => {
    const a = drill({ fail: [[5030, 20_000, "unreachable"]] });
    const f = a.fault!;
    expect([f.failoverMs, f.outageMs, f.recovered, f.unrecovered]).toEqual([null, null, false, "never"]);
    expect(f.outages).toMatchObject([{ startMs: 5020, endMs: null, durationMs: null, precisionMs: null, lastFailureDueMs: 19_990, failedProbes: 1497 }]);
    expect([f.errorsAfterRecovery, f.flaps, f.firstRecoveryMs]).toEqual([null, null, null]);
    expect([f.failbackMs, f.failbackRecoveryMs, f.failbackRecovered]).toEqual([null, null, null]);
    expect(a.healthyAfterRestore).toBe(false);
    expect(budget(a, "failover")).toMatchObject({ pass: false, measured: "never recovered" });
    expect(budget(a, "errors-after-recovery")).toMatchObject({ pass: false, measured: "never recovered" });
    expect(a.notes).toContain("after the inject: the endpoint never recovered stably before the end of the run");
  });

  it("needs all N successes before the end: 20 at the end are not a recovery", () => {
    const f = drill({ fail: [[5030, 19_800, "unreachable"]] }).fault!;
    expect([f.failoverMs, f.recovered]).toEqual([null, false]);
  });

  it("row 3 — an outage across the restore: the system did not fail over; its failures are not the restore's", () => {
    // One window 5020 → 12100 (stable from 12100 ≥ S_r): back only with the restore, 60 ms after T_r.
    const a = drill({ fail: [[5030, 12_100, "connect-timeout"]] });
    const f = a.fault!;
    expect([f.failoverMs, f.recovered, f.unrecovered]).toEqual([null, false, "after-restore"]);
    expect(f.outages.map((o) => [o.startMs, o.endMs, o.durationMs])).toEqual([[5020, 12_100, 7080]]);
    expect(f.outageMs).toBe(7080);
    expect([f.errorsAfterRecovery, f.flaps]).toEqual([null, null]);
    // No window starts after S_r: nothing failed "while the restore ran" on the restore's account.
    expect([f.failbackOutages, f.failbackMs, f.failuresBeforeRestoreReturned]).toEqual([[], 0, 0]);
    expect(a.notes.some((n) => n.includes("while its command ran"))).toBe(false);
    expect(a.notes).toContain("the endpoint did not recover while the fault held: clients were back only 60 ms after the restore returned (T+12.100 s)");
    expect(budget(a, "failover")).toMatchObject({ pass: false, measured: "did not recover before the restore" });
    // The fault phase runs to S_r; nothing was "recovered" while the fault held.
    expect([a.latency.fault.fromMs, a.latency.fault.toMs, a.latency.recovered.count, a.latency["after-restore"].fromMs]).toEqual([5000, 12_000, 0, 12_000]);
  });

  it("row 3, shorter hold — a restore that ends the outage never passes for a failover", () => {
    // Restored at 7000 → 7040 while still down; back at 7100 < 5 s after T_f, yet no failover happened.
    const a = run([...probes({ ...RUN, fail: [[5030, 7100, "connect-timeout"]] }), INJECT, restored(7000, 7040), ...CLEAN_VIP]);
    expect([a.fault!.failoverMs, a.fault!.unrecovered]).toEqual([null, "after-restore"]);
    expect(budget(a, "failover")).toMatchObject({ pass: false });
  });

  it("row 4 — every probe fails from the first: no onset bracket, the outage is a lower bound", () => {
    // Fails 0..8390: no success before, so the window starts at the first probe (0) and its
    // duration 8400 is a lower bound with only the recovery bracket's ± (10.25 → 10.3).
    const a = drill({ fail: [[0, 8400, "connect-refused"]] });
    const f = a.fault!;
    expect(f.outages).toMatchObject([
      { startMs: 0, endMs: 8400, durationMs: 8400, precisionMs: 10.3, startPrecisionMs: null, endPrecisionMs: 10.3, startsAtFirstProbe: true, firstFailureDueMs: 0 },
    ]);
    expect([f.failoverMs, f.precisionMs]).toEqual([3375, 10.3]);
    expect(a.notes).toContain("the endpoint was already failing when the inject command started: the first outage began in the baseline");
    expect(a.notes).toContain("after the inject: no probe succeeded before the outage; it starts at the first probe (its length is a lower bound)");
  });

  it("probes sent just before S_f that the fault cut while in flight are named as such, not as an endpoint already failing", () => {
    // Fails 4930..8390 with a 150 ms round trip: the seven due 4930..4990 were answered after S_f (5000).
    const cut = drill({ fail: [[4930, 8400, "timeout"]], latencyMs: (due) => (due >= 4930 && due < 5000 ? 150 : 2) });
    expect(cut.notes).toContain("7 probes sent up to 70 ms before the inject command started were still in flight when the fault struck, and failed: the outage starts at the first of them");
    expect(cut.notes.join("\n")).not.toMatch(/already failing/);
    // The same failures answered before S_f (2 ms round trip): the endpoint was failing already.
    const failing = drill({ fail: [[4930, 8400, "timeout"]] });
    expect(failing.notes).toContain("the endpoint was already failing when the inject command started: the first outage began in the baseline");
  });

  it("row 5 — one success, 59 unsent probes, 24 successes are no stable recovery", () => {
    // Fails 5030..5990, ok at 6000, 6010..6590 never sent, ok from 6600. The run of 25 sent
    // successes starts at 6600 (the one at 6000 is cut off by the gap). Recovery bracket: the last
    // failure 5990 and 6600, 61 steps: 610 + 0.25 → 610.3. Truth could be anywhere in (5990, 6000],
    // which the ± covers: 6600 − 6000 = 600 ≤ 610.3.
    const a = drill({ fail: [[5030, 6000, "connect-timeout"]], skip: [[6010, 6600]] });
    const f = a.fault!;
    expect(f.outages).toMatchObject([{ startMs: 5020, endMs: 6600, endPrecisionMs: 610.3, unsentInEndBracket: 59 }]);
    expect([f.failoverMs, f.precisionMs]).toEqual([1575, 610.3]);
    expect(a.notes).toContain("after the inject: 59 unsent probes widen the brackets");
  });

  it("counts failures while the inject command ran into its window; a window that ended before T_f reads 0", () => {
    // The command ran 5000..5100; 5040..5070 failed, all fine from 5080: window 5030–5080.
    const f = run([...probes({ ...RUN, fail: [[5040, 5080, "reset"]] }), injected(5000, 5100), RESTORE]).fault!;
    expect(f.outages).toMatchObject([{ startMs: 5030, endMs: 5080, firstFailureDueMs: 5040, failedProbes: 4 }]);
    expect([f.failoverMs, f.outageMs, f.failuresBeforeInjectReturned]).toEqual([0, 50, 4]);
  });

  it("row 8 — no probe fails: the fault phase is the inject command, the rest of the hold is recovered", () => {
    // Fault [5000, 5025): 5000, 5010, 5020 → 3; recovered [5025, 12000): 5030..11990 → 697.
    const a = drill({}, [INJECT, RESTORE, vipAdded("lb-1", 0)]);
    const f = a.fault!;
    expect([f.outages, f.failoverMs, f.outageMs, f.recovered]).toEqual([[], 0, 0, true]);
    expect([f.precisionMs, f.outagePrecisionMs]).toEqual([10.3, 10.3]); // no bracket: Δ + lag p99
    expect([f.vipMoveMs, f.vipMovedTo, f.vipOwnerBefore, f.vipOwnerAfter, f.vipOwnerAtEnd]).toEqual([null, null, "lb-1", "lb-1", "lb-1"]);
    const phases = Object.values(a.latency).map((p) => [p.phase, p.fromMs, p.toMs, p.count]);
    expect(phases).toEqual([
      ["baseline", 0, 5000, 500],
      ["fault", 5000, 5025, 3],
      ["recovered", 5025, 12_000, 697],
      ["after-restore", 12_000, 20_000, 800],
    ]);
  });

  it("counts a baseline outage as the baseline's, and says the baseline was not steady", () => {
    const a = drill({ fail: [[2000, 2050, "reset"], [5030, 8400, "connect-timeout"]] });
    expect(a.outages.map((o) => [o.phase, o.startMs, o.endMs])).toEqual([
      ["baseline", 1990, 2050],
      ["fault", 5020, 8400],
    ]);
    expect(a.fault!.failoverMs).toBe(3375);
    expect(a.notes).toContain("before the fault: 1 outage window (from T+1.990 s): the baseline was not steady");
  });
});

describe("failback around the restore", () => {
  it("row 9 — a preemption that costs one probe: failback is what clients saw, the handover time is separate", () => {
    // The default drill: the master preempts 5.8 s after T_r; the probe due 17840 fails.
    // Window 17830 → 17850: 20 ms ± 20.5 (one probe lost: the truth is between 0 and 40 ms).
    // Clients back for good 17850 − 12040 = 5810 ± 10.3 after the restore; the VIP moved back at 17835.
    const vip = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100), vipAdded("lb-1", 17_835), vipRemoved("lb-2", 17_835.5)];
    const a = drill({ fail: [[5030, 8400, "connect-timeout"], [17_840, 17_850, "reset"]] }, [INJECT, RESTORE, ...vip]);
    const f = a.fault!;
    expect(f.failbackOutages).toMatchObject([{ phase: "restore", startMs: 17_830, endMs: 17_850, durationMs: 20, precisionMs: 20.5, failedProbes: 1 }]);
    expect([f.failbackMs, f.failbackPrecisionMs, f.failbackRecovered]).toEqual([20, 20.5, true]);
    expect([f.failbackRecoveryMs, f.failbackRecoveryPrecisionMs]).toEqual([5810, 10.3]);
    expect([f.vipMoveBackMs, f.vipMovedBackTo]).toEqual([5795, "lb-1"]);
    expect(budget(a, "failback", { ...DEFAULT_BUDGETS, failbackMs: 1000 })).toMatchObject({ pass: true, measured: "20 ms ± 20.5 ms" });
    expect([f.failoverMs, f.errorsAfterRecovery]).toEqual([3375, 0]);
  });

  it("gives an outage that only the restore caused to the failback, not to the failover", () => {
    const f = drill({ fail: [[12_050, 12_800, "reset"]] }, [INJECT, RESTORE, vipAdded("lb-1", 0)]).fault!;
    expect([f.outages, f.failoverMs, f.outageMs]).toEqual([[], 0, 0]);
    expect(f.failbackOutages.map((o) => [o.startMs, o.endMs])).toEqual([[12_040, 12_800]]);
    expect([f.failbackMs, f.failbackRecoveryMs]).toEqual([760, 760]);
  });

  it("gives failures while the restore command ran to the failback, not to errors after recovery", () => {
    const f = drill({ fail: [[5030, 8400, "connect-timeout"], [12_010, 12_030, "reset"]] }).fault!;
    expect(f.failbackOutages).toMatchObject([{ startMs: 12_000, endMs: 12_030, failedProbes: 2 }]);
    expect([f.failbackMs, f.failbackRecoveryMs, f.failuresBeforeRestoreReturned]).toEqual([30, 0, 2]);
    expect([f.errorsAfterRecovery, f.flaps]).toEqual([0, 0]);
  });

  it("row 7 — a VIP that moves back while the restore command runs reads before it returned, with a ±", () => {
    // The VIP returns to lb-1 at 12020, 20 ms before T_r. The inject and restore were stamped by a
    // cut-off host: ± 3 ms and 4 ms, added to the observer's 1 ms.
    const vip = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100), vipAdded("lb-1", 12_020), vipRemoved("lb-2", 12_020.5)];
    const events = [...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), injected(5000, 5025, ["lb-1"], 3), restored(12_000, 12_040, ["lb-1"], 4), ...vip];
    const f = run(events).fault!;
    expect([f.vipMoveMs, f.vipMovePrecisionMs]).toEqual([3075, 4]);
    expect([f.vipMoveBackMs, f.vipMoveBackPrecisionMs]).toEqual([-20, 5]);
    expect(f.precisionMs).toBe(13.3); // the recovery bracket's 10.25 + T_f's 3 → 13.3
  });
});

describe("after recovery", () => {
  it("counts flaps and errors from the first recovery to the restore, and failback flaps after it", () => {
    const f = drill({
      fail: [
        [5030, 8400, "connect-timeout"],
        [9000, 9010, "reset"],
        [10_000, 10_030, "reset"],
        [12_050, 12_800, "reset"],
        [15_000, 15_010, "timeout"],
        [16_000, 16_020, "timeout"],
      ],
    }).fault!;
    // Windows after 8400: 8990–9010 and 9990–10030; failover counts to the last: 10030 − 5025.
    expect([f.outages.length, f.failoverMs, f.firstRecoveryMs, f.errorsAfterRecovery, f.flaps]).toEqual([3, 5005, 3375, 4, 2]);
    expect(f.outageMs).toBe(3380);
    expect([f.failbackOutages.length, f.failbackMs, f.failbackFlaps]).toEqual([3, 760, 2]);
    expect(f.failbackRecoveryMs).toBe(16_020 - 12_040);
  });

  it("is unhealthy when one of the last N probes failed or was never sent", () => {
    expect(drill({ fail: [[5030, 8400, "connect-timeout"], [19_800, 19_810, "reset"]] }).healthyAfterRestore).toBe(false);
    expect(drill({ fail: [[5030, 8400, "connect-timeout"], [19_740, 19_750, "reset"]] }).healthyAfterRestore).toBe(true);
    expect(drill({ fail: [[5030, 8400, "connect-timeout"]], skip: [[19_900, 19_910]] }).healthyAfterRestore).toBe(false);
  });
});

describe("probe order and gaps", () => {
  it("gives the same answer whatever order the probes arrived in", () => {
    const events = [...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), INJECT, RESTORE, ...CLEAN_VIP];
    const mixed = shuffled(events.filter((e) => e.type === "probe"), 7);
    const inOrder = run(events);
    const outOfOrder = run([...CLEAN_VIP, INJECT, ...mixed.slice(0, 1000), RESTORE, ...mixed.slice(1000)]);
    expect(outOfOrder).toEqual(inOrder);
    expect(outOfOrder.fault!.failoverMs).toBe(3375);
  });

  it("widens a bracket by Δ per unsent probe, and an unsent probe breaks a stable run", () => {
    // Onset: last ok 5020, first failure 5050 (5030, 5040 unsent): 3 steps → 30.25.
    // Recovery: 8400..8420 unsent, 8430..8490 ok (7), 8500 unsent, stable from 8510:
    // last failure 8390 → 8510, 12 steps → 120.25; 4 unsent in it. Failover 8510 − 5025 = 3485.
    const a = drill({ fail: [[5050, 8400, "connect-timeout"]], skip: [[5030, 5050], [8400, 8430], [8500, 8510]] });
    const f = a.fault!;
    expect([a.probes.skipped, a.probes.sent]).toEqual([6, 1994]);
    expect(f.outages).toMatchObject([{ startMs: 5020, endMs: 8510, startPrecisionMs: 30.3, endPrecisionMs: 120.3, precisionMs: 150.5, unsentInStartBracket: 2, unsentInEndBracket: 4 }]);
    expect([f.failoverMs, f.precisionMs, f.outageMs, f.outagePrecisionMs]).toEqual([3485, 120.3, 3490, 150.5]);
    expect(a.notes).toEqual(["after the inject: 6 unsent probes widen the brackets", "6 probes were skipped (too many in flight)"]);
  });

  it("reads scheduler lag as nearest-rank percentiles; a bracket's ± uses its own probes' send lag", () => {
    // Lags 0, 0.01 … 0.99 ms, twenty of each.
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]], lagMs: (due) => ((due / 10) % 100) / 100 });
    expect(a.probes.schedulerLagMs.p50).toBeCloseTo(0.49, 9);
    expect(a.probes.schedulerLagMs.p99).toBeCloseTo(0.98, 9);
    expect(a.probes.schedulerLagMs.max).toBeCloseTo(0.99, 9);
    // Recovery bracket: 8390 (lag 0.39) and 8400 (0.40) → 10.40; onset 5020 (0.02) / 5030 (0.03) → 10.03.
    expect(a.fault!.precisionMs).toBe(10.4);
    expect(a.fault!.outagePrecisionMs).toBe(20.5); // 10.03 + 10.40 = 20.43 → 20.5
  });

  it("analyses only the named stream and only probes due before the end", () => {
    const events = [
      ...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }),
      ...probes({ from: 0, to: 20_000, intervalMs: 100, stream: "keep-alive", fail: [[5000, 15_000, "reset"]] }),
      INJECT,
      RESTORE,
    ];
    const a = run(events, { endMs: 19_000 });
    expect([a.probes.sent, a.probes.failed, a.fault!.failoverMs]).toEqual([1900, 337, 3375]);
  });
});

describe("VIP", () => {
  it("reports two owners for 120 ms as a split brain", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] }, [INJECT, RESTORE, vipAdded("lb-1", 0), vipAdded("lb-2", 8100), vipRemoved("lb-1", 8220)]);
    expect(a.splitBrain).toEqual([{ hosts: ["lb-1", "lb-2"], fromMs: 8100, toMs: 8220, durationMs: 120, openAtEnd: false }]);
    expect(a.fault!.vipMoveMs).toBe(3075);
    expect(a.endsOnExactlyOne).toBe(true);
  });

  it("reports a split brain still open at the end, and no single owner", () => {
    const a = drill({}, [INJECT, RESTORE, vipAdded("lb-1", 0), vipAdded("lb-2", 19_000)]);
    expect(a.splitBrain).toEqual([{ hosts: ["lb-1", "lb-2"], fromMs: 19_000, toMs: 20_000, durationMs: 1000, openAtEnd: true }]);
    expect(a.endsOnExactlyOne).toBe(false);
    expect(a.fault!.vipOwnerAtEnd).toBe("lb-1+lb-2");
  });

  it("takes the owner before the inject command started, so a move while it ran counts (negative)", () => {
    // node-kill: the VIP moves 40 ms into a command that returns after 100 ms.
    const f = run([...probes(RUN), injected(5000, 5100), RESTORE, vipAdded("lb-1", 0), vipRemoved("lb-1", 5020), vipAdded("lb-2", 5040)]).fault!;
    expect([f.vipOwnerBefore, f.vipMoveMs, f.vipMovedTo]).toEqual(["lb-1", -60, "lb-2"]);
  });

  it("row 6 — nobody held the VIP at the inject: lb-1 taking it again is no move", () => {
    const a = drill({ fail: [[5030, 6000, "connect-timeout"]] }, [INJECT, RESTORE, vipAdded("lb-1", 0), vipRemoved("lb-1", 4000), vipAdded("lb-1", 6000)]);
    const f = a.fault!;
    expect([f.vipOwnersBefore, f.vipMoveMs, f.vipMovedTo]).toEqual([[], null, null]);
    expect(a.notes).toContain("no host held the VIP when the inject command started; lb-1 took it at T+6.000 s: no VIP move is measured");
    expect(budget(a, "vip-move", { ...DEFAULT_BUDGETS, vipMove: "must" })).toMatchObject({ pass: false, measured: "no owner before the fault" });
  });

  it("does not end on exactly one owner when no host ever held the VIP", () => {
    expect(drill({}, [INJECT, RESTORE]).endsOnExactlyOne).toBe(false);
  });
});

describe("per-phase latency", () => {
  // Baseline: 1.000 … 1.099 ms, five of each (exact in HDR below 2.048 ms); fault 2 ms; recovered 1.5 ms; after restore 1.25 ms.
  const latencyMs = (due: number): number => (due < 5000 ? 1 + ((due / 10) % 100) / 1000 : due < 8400 ? 2 : due < 12_000 ? 1.5 : 1.25);
  const a = drill({ fail: [[5030, 8400, "connect-timeout"]], latencyMs });

  it("splits probes by due time at S_f, the end of the last fault window and S_r", () => {
    const counts = Object.values(a.latency).map((p) => [p.phase, p.fromMs, p.toMs, p.count, p.ok, p.failed]);
    expect(counts).toEqual([
      ["baseline", 0, 5000, 500, 500, 0],
      ["fault", 5000, 8400, 340, 3, 337],
      ["recovered", 8400, 12_000, 360, 360, 0],
      ["after-restore", 12_000, 20_000, 800, 800, 0],
    ]);
  });

  it("gives HDR percentiles of the successful probes' latency in ms", () => {
    const b = a.latency.baseline;
    expect([b.p50, b.p90, b.p99, b["p99.9"], b.max]).toEqual([1.049, 1.089, 1.098, 1.099, 1.099]);
    expect([a.latency.fault.p50, a.latency.fault.max]).toEqual([2, 2]);
    expect([a.latency.recovered.p99, a.latency["after-restore"].p99]).toEqual([1.5, 1.25]);
  });

  it("never puts a percentile above the max (an HDR bucket's top can lie above the value recorded in it)", () => {
    // 6.4 ms = 6400 µs falls in the bucket [6400, 6404): its top is 6.403 ms.
    const b = drill({ latencyMs: (due) => (due === 100 ? 6.4 : 1) }, [INJECT, RESTORE, vipAdded("lb-1", 0)]).latency.baseline;
    expect([b["p99.9"], b.max]).toEqual([6.4, 6.4]);
  });

  it("keeps each phase's histogram, encoded, for merging", () => {
    const decoded = decodeFromCompressedBase64(a.latency.baseline.histogram);
    expect(decoded.totalCount).toBe(500);
    expect(decoded.getValueAtPercentile(50)).toBe(1049);
    expect(decodeFromCompressedBase64(a.latency.fault.histogram).totalCount).toBe(3);
  });
});

describe("a run without a fault, or without a restore", () => {
  it("still gives probe figures and baseline latency", () => {
    const a = run([...probes({ ...RUN, fail: [[3000, 3050, "tls"]] }), vipAdded("lb-1", 0)]);
    expect(a.fault).toBeNull();
    expect([a.probes.sent, a.probes.failed, a.probes.failedByKind]).toEqual([2000, 5, { tls: 5 }]);
    expect(a.outages.map((o) => [o.phase, o.startMs, o.endMs])).toEqual([["baseline", 2990, 3050]]);
    expect([a.latency.baseline.fromMs, a.latency.baseline.toMs, a.latency.baseline.count, a.latency.baseline.ok]).toEqual([0, 20_000, 2000, 1995]);
    expect(Object.values(a.latency).slice(1).map((p) => [p.count, p.p50])).toEqual([[0, null], [0, null], [0, null]]);
    expect([a.splitBrain, a.endsOnExactlyOne, a.healthyAfterRestore]).toEqual([[], true, true]);
    expect(a.notes).toContain("no fault was injected: only probe figures and baseline latency");
  });

  it("gives no failback figures when the fault was never restored; errors after recovery run to the end", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] }, [INJECT, ...CLEAN_VIP]);
    const f = a.fault!;
    expect(f.failoverMs).toBe(3375);
    expect([f.restoredAtMs, f.failbackMs, f.failbackRecovered, f.vipOwnerAfter, f.vipOwnersAfter, f.vipMoveBackMs]).toEqual([null, null, null, null, null, null]);
    expect(f.errorsAfterRecovery).toBe(0);
    expect([a.latency.recovered.toMs, a.latency["after-restore"].count]).toEqual([20_000, 0]);
    expect(a.notes).toContain("the fault was never restored (no fault-restored event): no failback figures");
  });
});

describe("predicted windows", () => {
  // The clean failover: 3375 ms ± 10.3 after T_f (the inject command ran 25 ms); the VIP back on lb-1 460 ms ± 1 after T_r (the restore ran 40 ms).
  const window = (fromMs: number, toMs: number): PredictedWindow => ({ fromMs, toMs, terms: ["a term"], source: "the test's timers" });
  const clean = (predicted: Partial<{ predicted: PredictedWindow; predictedFailback: PredictedWindow }>, vip = CLEAN_VIP) =>
    run([...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), INJECT, RESTORE, ...vip], predicted).fault!;

  it("compares the failover's lower end from the inject command's start: the fault took effect while it ran", () => {
    // 3375 + 10.3 < 3400, but the fault may have hit 25 ms before T_f: inside.
    expect(clean({ predicted: window(3400, 4000) }).outsidePrediction).toBe(false);
    const early = clean({ predicted: window(3420, 4000) });
    expect(early.outsidePrediction).toBe(true);
    expect(early).toMatchObject({ predicted: { fromMs: 3420, toMs: 4000 } });
  });

  it("makes a failover beyond the window a finding, with the window's terms", () => {
    const a = run([...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), INJECT, RESTORE, ...CLEAN_VIP], { predicted: window(2000, 3300) });
    expect(a.fault!.outsidePrediction).toBe(true);
    expect(a.notes).toContain("finding: failover 3.375 s ± 10.3 ms lies outside the window 2.000 s–3.300 s that the test's timers allows (a term)");
    expect(clean({}).outsidePrediction).toBeNull();
  });

  it("sets the VIP's move back against the failback window, its lower end from the restore command's start", () => {
    expect(clean({ predictedFailback: window(400, 500) }).outsideFailbackPrediction).toBe(false);
    // 460 + 1 + 40 ≥ 500: the restore may have taken effect 40 ms before T_r.
    expect(clean({ predictedFailback: window(500, 900) }).outsideFailbackPrediction).toBe(false);
    expect(clean({ predictedFailback: window(600, 900) }).outsideFailbackPrediction).toBe(true);
    expect(clean({ predictedFailback: window(0, 300) })).toMatchObject({ outsideFailbackPrediction: true, predictedFailback: { fromMs: 0, toMs: 300 } });
    expect(clean({}).outsideFailbackPrediction).toBeNull();
  });

  it("a VIP that never moved back is a finding once the run has watched past the window, not before", () => {
    const stayed = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100)];
    // The run ends 7.96 s after T_r.
    const a = run([...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), INJECT, RESTORE, ...stayed], { predictedFailback: window(5600, 7900) });
    expect(a.fault!.outsideFailbackPrediction).toBe(true);
    expect(a.notes.some((n) => n.startsWith("finding: the VIP did not move back within 7.960 s of the restore"))).toBe(true);
    expect(clean({ predictedFailback: window(5600, 8600) }, stayed).outsideFailbackPrediction).toBeNull();
    // A host the fault cut off (its own stamps on T_f, T_r) is out of sight until it reconnects: no claim.
    const cut = run([...probes({ ...RUN, fail: [[5030, 8400, "connect-timeout"]] }), { ...INJECT, uncertaintyMs: 3 }, { ...RESTORE, uncertaintyMs: 3 }, ...stayed], { predictedFailback: window(5600, 7900) });
    expect(cut.fault!.outsideFailbackPrediction).toBeNull();
  });
});
