import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model/timeline.js";
import type { Budgets } from "../model/scenario.js";
import { analyzeRun } from "./analyze.js";
import { injected, probes, restored, shuffled, vipAdded, vipRemoved, type SyntheticProbes, DEFAULT_BUDGETS } from "../../test/helpers/synthetic-timeline.js";

const BUDGETS: Budgets = DEFAULT_BUDGETS;

// Δ 10 ms, N = 25 (250 ms), a link pulled at 5000 returning at T_f = 5025, restored 12000 → T_r = 12040.
const RUN = { from: 0, to: 20_000, intervalMs: 10, lagMs: 0.25 } as const;
const INJECT = injected(5000, 5025);
const RESTORE = restored(12_000, 12_040);
const CLEAN_VIP = [vipAdded("lb-1", 0), vipRemoved("lb-1", 5030), vipAdded("lb-2", 8100), vipRemoved("lb-2", 12_499), vipAdded("lb-1", 12_500)];

function run(events: TimelineEvent[], overrides: { stableMs?: number; endMs?: number } = {}) {
  return analyzeRun({ events, stream: "fresh", intervalMs: 10, stableMs: overrides.stableMs ?? 250, endMs: overrides.endMs ?? 20_000, budgets: BUDGETS });
}

function drill(spec: Partial<SyntheticProbes>, extra: TimelineEvent[] = [INJECT, RESTORE, ...CLEAN_VIP]) {
  return run([...probes({ ...RUN, ...spec }), ...extra]);
}

describe("failover around the inject", () => {
  it("measures a clean failover: window, headline, VIP move, precision", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] });
    const f = a.fault!;
    expect(a.stableProbes).toBe(25);
    expect(f.outage).toEqual({
      startMs: 5020,
      endMs: 8400,
      firstFailureDueMs: 5030,
      lastFailureDueMs: 8390,
      failedProbes: 337,
      startsAtFirstProbe: false,
      anchoredBeforeReturn: false,
      unsentInStartBracket: 0,
      unsentInEndBracket: 0,
    });
    expect(f.recovered).toBe(true);
    expect(f.failoverMs).toBe(3375);
    expect(f.outageMs).toBe(3380);
    // Δ + the bracket's send lag = 10.25 → rounded up to 10.3; the outage has two brackets: 20.5.
    expect(f.precisionMs).toBe(10.3);
    expect(f.outagePrecisionMs).toBe(20.5);
    expect(f.vipMoveMs).toBe(3075);
    expect(f.vipMovedTo).toBe("lb-2");
    expect(f.vipMovePrecisionMs).toBeNull();
    expect([f.vipOwnerBefore, f.vipOwnerAfter, f.vipOwnerAtEnd]).toEqual(["lb-1", "lb-2", "lb-1"]);
    expect(f.vipMoveBackMs).toBe(460);
    expect(f.vipMovedBackTo).toBe("lb-1");
    expect([f.errorsAfterRecovery, f.flaps, f.failuresBeforeInjectReturned]).toEqual([0, 0, 0]);
    expect([f.failbackMs, f.failbackOutageMs, f.failbackOutage, f.failbackRecovered]).toEqual([0, 0, null, true]);
    expect(a.probes).toEqual({
      sent: 2000,
      ok: 1663,
      failed: 337,
      failedByKind: { "connect-timeout": 337 },
      skipped: 0,
      schedulerLagMs: { p50: 0.25, p99: 0.25, max: 0.25 },
    });
    expect(a.splitBrain).toEqual([]);
    expect(a.endsOnExactlyOne).toBe(true);
    expect(a.healthyAfterRestore).toBe(true);
    expect(a.notes).toEqual([]);
  });

  it("does not take a blip of successes shorter than N for a recovery", () => {
    const f = drill({ fail: [[5030, 5100, "connect-refused"], [5200, 8400, "connect-timeout"]] }).fault!;
    expect(f.outage?.startMs).toBe(5020);
    expect(f.outage?.endMs).toBe(8400);
    expect(f.outage?.failedProbes).toBe(7 + 320);
    expect(f.failoverMs).toBe(3375);
    expect(f.outageMs).toBe(3380);
    expect(f.flaps).toBe(0);
  });

  it("takes N = ceil(stableMs / Δ): 26 successes for 251 ms", () => {
    // 25 successes at 5100..5340, then failures: with N = 26 that is not yet a recovery.
    const events = [...probes({ ...RUN, fail: [[5030, 5100, "reset"], [5350, 6000, "reset"]] }), INJECT, RESTORE];
    expect(run(events).fault!.failoverMs).toBe(5100 - 5025);
    expect(run(events, { stableMs: 251 }).fault!.failoverMs).toBe(6000 - 5025);
    expect(run(events, { stableMs: 0 }).stableProbes).toBe(1);
  });

  it("reports no outage when nothing fails (a drain)", () => {
    const a = drill({}, [INJECT, RESTORE, vipAdded("lb-1", 0)]);
    const f = a.fault!;
    expect([f.outage, f.failoverMs, f.outageMs, f.recovered]).toEqual([null, 0, 0, true]);
    expect([f.precisionMs, f.outagePrecisionMs]).toEqual([10.3, 20.3]); // no bracket: Δ + lag p99
    expect([f.vipMoveMs, f.vipMovedTo, f.vipOwnerBefore, f.vipOwnerAfter, f.vipOwnerAtEnd]).toEqual([null, null, "lb-1", "lb-1", "lb-1"]);
    expect([f.failbackMs, f.vipMoveBackMs]).toEqual([0, null]);
    // No outage: the fault phase runs from the command start to T_r, and there is no recovered phase.
    expect([a.latency.fault.fromMs, a.latency.fault.toMs, a.latency.fault.count]).toEqual([5000, 12_040, 704]);
    expect([a.latency.recovered.fromMs, a.latency.recovered.count]).toEqual([null, 0]);
  });

  it("reports never recovered: no figure, and no failback either", () => {
    const a = drill({ fail: [[5030, 20_000, "unreachable"]] });
    const f = a.fault!;
    expect([f.failoverMs, f.outageMs, f.recovered]).toEqual([null, null, false]);
    expect(f.outage).toMatchObject({ startMs: 5020, endMs: null, lastFailureDueMs: 19_990, failedProbes: 1497 });
    expect([f.failbackMs, f.failbackOutageMs, f.failbackRecovered]).toEqual([null, null, false]);
    expect([f.errorsAfterRecovery, f.flaps]).toEqual([0, 0]);
    expect(a.healthyAfterRestore).toBe(false);
    expect(a.notes).toContain("after the inject: the endpoint never recovered stably");
  });

  it("needs all N successes before the end: 20 at the end are not a recovery", () => {
    const f = drill({ fail: [[5030, 19_800, "unreachable"]] }).fault!;
    expect([f.failoverMs, f.recovered]).toEqual([null, false]);
  });

  it("keeps an outage that lasts past the restore as one outage", () => {
    const a = drill({ fail: [[5030, 12_100, "connect-timeout"]] });
    const f = a.fault!;
    expect(f.failoverMs).toBe(12_100 - 5025);
    expect(f.outageMs).toBe(12_100 - 5020);
    // Its failures after S_r are not a failback outage.
    expect([f.failbackMs, f.failbackOutage, f.errorsAfterRecovery]).toEqual([0, null, 0]);
    expect(a.notes).toContain("the endpoint recovered only 60 ms after the restore returned");
    expect([a.latency.fault.toMs, a.latency.recovered.count]).toEqual([12_040, 0]);
  });

  it("anchors on failures while the inject command ran when none follow it", () => {
    // The command ran 5000..5100; probes 5040..5070 failed, all fine from 5080 on.
    const f = run([...probes({ ...RUN, fail: [[5040, 5080, "reset"]] }), injected(5000, 5100), RESTORE]).fault!;
    expect(f.outage).toMatchObject({ startMs: 5030, endMs: 5080, firstFailureDueMs: 5040, failedProbes: 4, anchoredBeforeReturn: true });
    expect(f.failoverMs).toBe(0); // recovered before T_f: max(0, 5080 − 5100)
    expect(f.outageMs).toBe(50);
    expect(f.failuresBeforeInjectReturned).toBe(4);
  });

  it("takes failures while the inject command ran into a window anchored after T_f", () => {
    const a = run([...probes({ ...RUN, fail: [[5040, 5120, "reset"]] }), injected(5000, 5100), RESTORE]);
    const f = a.fault!;
    expect(f.outage).toMatchObject({ startMs: 5030, endMs: 5120, firstFailureDueMs: 5100, failedProbes: 8, anchoredBeforeReturn: false });
    expect([f.failoverMs, f.outageMs, f.failuresBeforeInjectReturned]).toEqual([20, 90, 6]);
    expect(a.notes).toContain("after the inject: 6 probes failed while its command ran, before it returned");
  });

  it("flags an outage with no success before it", () => {
    const f = drill({ fail: [[0, 8400, "connect-refused"]] }).fault!;
    expect(f.outage).toMatchObject({ startMs: 0, firstFailureDueMs: 5030, startsAtFirstProbe: true, unsentInStartBracket: 0 });
    expect(f.outageMs).toBe(8400);
  });
});

describe("failback around the restore", () => {
  it("measures a second outage after the restore", () => {
    const f = drill({ fail: [[5030, 8400, "connect-timeout"], [12_050, 12_800, "reset"]] }).fault!;
    expect(f.failbackOutage).toMatchObject({ startMs: 12_040, endMs: 12_800, firstFailureDueMs: 12_050, failedProbes: 75 });
    expect([f.failbackMs, f.failbackOutageMs, f.failbackRecovered]).toEqual([760, 760, true]);
    expect([f.failbackPrecisionMs, f.failbackOutagePrecisionMs]).toEqual([10.3, 20.5]);
    expect([f.failoverMs, f.errorsAfterRecovery]).toEqual([3375, 0]);
  });

  it("gives an outage that only the restore caused to the failback, not to the failover", () => {
    const f = drill({ fail: [[12_050, 12_800, "reset"]] }, [INJECT, RESTORE, vipAdded("lb-1", 0)]).fault!;
    expect([f.outage, f.failoverMs, f.outageMs]).toEqual([null, 0, 0]);
    expect([f.failbackMs, f.failbackOutageMs]).toEqual([760, 760]);
  });

  it("gives failures while the restore command ran to the failback, not to errors after recovery", () => {
    const f = drill({ fail: [[5030, 8400, "connect-timeout"], [12_010, 12_030, "reset"]] }).fault!;
    expect(f.failbackOutage).toMatchObject({ startMs: 12_000, endMs: 12_030, anchoredBeforeReturn: true, failedProbes: 2 });
    expect([f.failbackMs, f.failbackOutageMs, f.failuresBeforeRestoreReturned]).toEqual([0, 30, 2]);
    expect([f.errorsAfterRecovery, f.flaps]).toEqual([0, 0]);
  });
});

describe("after recovery", () => {
  it("counts flaps and errors after recovery, before the restore and after the failback", () => {
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
    expect([f.failoverMs, f.errorsAfterRecovery, f.flaps]).toEqual([3375, 4, 2]);
    expect([f.failbackMs, f.failbackFlaps]).toEqual([760, 2]);
  });

  it("is unhealthy when one of the last N probes failed", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"], [19_800, 19_810, "reset"]] });
    expect(a.healthyAfterRestore).toBe(false);
    expect(drill({ fail: [[5030, 8400, "connect-timeout"], [19_740, 19_750, "reset"]] }).healthyAfterRestore).toBe(true);
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

  it("widens precision by Δ per skipped probe inside a bracket, and skips do not break a run", () => {
    const a = drill({
      fail: [[5050, 8400, "connect-timeout"]],
      skip: [[5030, 5050], [8400, 8430], [8500, 8510]],
    });
    const f = a.fault!;
    expect(a.probes.skipped).toBe(6);
    expect(a.probes.sent).toBe(1994);
    expect(f.outage).toMatchObject({ startMs: 5020, endMs: 8430, firstFailureDueMs: 5050, unsentInStartBracket: 2, unsentInEndBracket: 3 });
    expect(f.failoverMs).toBe(3405);
    expect(f.precisionMs).toBe(40.3); // 10.25 + 3·10
    expect(f.outageMs).toBe(3410);
    expect(f.outagePrecisionMs).toBe(70.5); // 2·10 + 2·0.25 + 5·10
    expect(a.notes).toEqual(["after the inject: 5 unsent probes widen the brackets", "6 probes were skipped (too many in flight)"]);
  });

  it("reads scheduler lag as nearest-rank percentiles; a bracket's ± uses its own probes' send lag", () => {
    // Lags 0, 0.01 … 0.99 ms, twenty of each.
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]], lagMs: (due) => ((due / 10) % 100) / 100 });
    expect(a.probes.schedulerLagMs.p50).toBeCloseTo(0.49, 9);
    expect(a.probes.schedulerLagMs.p99).toBeCloseTo(0.98, 9);
    expect(a.probes.schedulerLagMs.max).toBeCloseTo(0.99, 9);
    // Recovery bracket: probes due 8390 (lag 0.39) and 8400 (lag 0.40) → 10.40; the start bracket
    // 5020 (0.02) / 5030 (0.03) → outage 20 + 0.03 + 0.40 = 20.43 → 20.5. A stall elsewhere does not widen them.
    expect(a.fault!.precisionMs).toBe(10.4);
    expect(a.fault!.outagePrecisionMs).toBe(20.5);
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

describe("VIP invariants", () => {
  it("reports two owners for 120 ms as a split brain", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] }, [
      INJECT,
      RESTORE,
      vipAdded("lb-1", 0),
      vipAdded("lb-2", 8100),
      vipRemoved("lb-1", 8220),
    ]);
    expect(a.splitBrain).toEqual([{ hosts: ["lb-1", "lb-2"], fromMs: 8100, toMs: 8220, durationMs: 120, openAtEnd: false }]);
    expect(a.fault!.vipMoveMs).toBe(3075);
    expect(a.endsOnExactlyOne).toBe(true);
  });

  it("reports a split brain still open at the end, and no single owner", () => {
    const a = drill({}, [INJECT, RESTORE, vipAdded("lb-1", 0), vipAdded("lb-2", 19_000)]);
    expect(a.splitBrain).toEqual([{ hosts: ["lb-1", "lb-2"], fromMs: 19_000, toMs: 20_000, durationMs: 1000, openAtEnd: true }]);
    expect(a.endsOnExactlyOne).toBe(false);
    expect(a.fault!.vipOwnerAtEnd).toBe("lb-1+lb-2");
    expect(a.fault!.vipOwnersAtEnd).toEqual(["lb-1", "lb-2"]);
  });

  it("takes the owner before the inject command started, so a move while it ran counts", () => {
    // node-kill: the VIP moves 40 ms into a command that returns after 100 ms.
    const f = run([...probes(RUN), injected(5000, 5100), RESTORE, vipAdded("lb-1", 0), vipRemoved("lb-1", 5020), vipAdded("lb-2", 5040)]).fault!;
    expect([f.vipOwnerBefore, f.vipMoveMs, f.vipMovedTo]).toEqual(["lb-1", -60, "lb-2"]);
  });

  it("does not end on exactly one owner when no host ever held the VIP", () => {
    expect(drill({}, [INJECT, RESTORE]).endsOnExactlyOne).toBe(false);
  });
});

describe("per-phase latency", () => {
  // Baseline: 1.000 … 1.099 ms, five of each (exact in HDR below 2.048 ms); fault 2 ms; recovered 1.5 ms; after restore 1.25 ms.
  const latencyMs = (due: number): number =>
    due < 5000 ? 1 + ((due / 10) % 100) / 1000 : due < 8400 ? 2 : due < 12_040 ? 1.5 : 1.25;
  const a = drill({ fail: [[5030, 8400, "connect-timeout"]], latencyMs });

  it("splits probes by due time at the command start, the recovery and T_r", () => {
    const counts = Object.values(a.latency).map((p) => [p.phase, p.fromMs, p.toMs, p.count, p.ok, p.failed]);
    expect(counts).toEqual([
      ["baseline", 0, 5000, 500, 500, 0],
      ["fault", 5000, 8400, 340, 3, 337],
      ["recovered", 8400, 12_040, 364, 364, 0],
      ["after-restore", 12_040, 20_000, 796, 796, 0],
    ]);
  });

  it("gives HDR percentiles of the successful probes' latency in ms", () => {
    const b = a.latency.baseline;
    expect([b.p50, b.p90, b.p99, b["p99.9"], b.max]).toEqual([1.049, 1.089, 1.098, 1.099, 1.099]);
    expect([a.latency.fault.p50, a.latency.fault.max]).toEqual([2, 2]);
    expect([a.latency.recovered.p99, a.latency["after-restore"].p99]).toEqual([1.5, 1.25]);
  });

  it("keeps each phase's histogram, encoded, for merging", () => {
    const decoded = decodeFromCompressedBase64(a.latency.baseline.histogram);
    expect(decoded.totalCount).toBe(500);
    expect(decoded.getValueAtPercentile(50)).toBe(1049);
    expect(decodeFromCompressedBase64(a.latency.fault.histogram).totalCount).toBe(3);
  });
});

describe("a run without a fault", () => {
  it("still gives probe figures and baseline latency", () => {
    const a = run([...probes({ ...RUN, fail: [[3000, 3050, "tls"]] }), vipAdded("lb-1", 0)]);
    expect(a.fault).toBeNull();
    expect([a.probes.sent, a.probes.failed, a.probes.failedByKind]).toEqual([2000, 5, { tls: 5 }]);
    expect([a.latency.baseline.fromMs, a.latency.baseline.toMs, a.latency.baseline.count, a.latency.baseline.ok]).toEqual([0, 20_000, 2000, 1995]);
    expect(a.latency.baseline.p50).toBe(2);
    expect(Object.values(a.latency).slice(1).map((p) => [p.count, p.p50])).toEqual([[0, null], [0, null], [0, null]]);
    expect([a.splitBrain, a.endsOnExactlyOne, a.healthyAfterRestore]).toEqual([[], true, true]);
    expect(a.notes).toEqual(["no fault was injected: only probe figures and baseline latency"]);
  });

  it("gives no failback figures when the fault was never restored", () => {
    const a = drill({ fail: [[5030, 8400, "connect-timeout"]] }, [INJECT, ...CLEAN_VIP]);
    const f = a.fault!;
    expect(f.failoverMs).toBe(3375);
    expect([f.restoredAtMs, f.failbackMs, f.failbackRecovered, f.vipOwnerAfter, f.vipOwnersAfter, f.vipMoveBackMs]).toEqual([null, null, null, null, null, null]);
    // Without a restore, errors after recovery run to the end.
    expect(f.errorsAfterRecovery).toBe(0);
    expect([a.latency.recovered.toMs, a.latency["after-restore"].count]).toEqual([20_000, 0]);
    expect(a.notes).toContain("the fault was never restored (no fault-restored event): no failback figures");
  });
});
