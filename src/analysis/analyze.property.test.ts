/**
 * Property tests: timelines generated from a known truth (test/helpers/generated-truth.ts), and
 * every figure vipdrill prints must lie within its declared ± of that truth. On failure fast-check
 * prints the seed and path (`fc.assert(…, { seed, path })` replays it).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS } from "../../test/helpers/synthetic-timeline.js";
import { buildTruth, type Params, type TrueWindow, type Truth } from "../../test/helpers/generated-truth.js";
import { analyzeRun } from "./analyze.js";
import type { AnalysisInput, RunAnalysis } from "./types.js";
import { Timeline } from "../model/timeline.js";

const RUNS = Number(process.env.VIPDRILL_PROPERTY_RUNS ?? 1000);
const params: fc.Arbitrary<Params> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  intervalMs: fc.constantFrom(5 as const, 10 as const, 20 as const),
  stableProbes: fc.integer({ min: 3, max: 30 }),
  lagFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  skipMax: fc.integer({ min: 0, max: 6 }),
  probeCount: fc.integer({ min: 1500, max: 4000 }),
  injectTookMs: fc.double({ min: 0, max: 1200, noNaN: true }),
  restoreTookMs: fc.double({ min: 0, max: 300, noNaN: true }),
  baselineWindows: fc.integer({ min: 0, max: 2 }),
  faultWindows: fc.integer({ min: 0, max: 3 }),
  restoreWindows: fc.integer({ min: 0, max: 2 }),
  atFirstProbe: fc.boolean(),
  crossRestore: fc.boolean(),
  neverRecovers: fc.boolean(),
  vipUnowned: fc.boolean(),
});

function analyze(truth: Truth): RunAnalysis {
  return analyzeRun(inputOf(truth));
}

function inputOf(truth: Truth): AnalysisInput {
  const p = truth.params;
  return {
    events: truth.events,
    stream: "fresh",
    intervalMs: p.intervalMs,
    stableMs: p.stableProbes * p.intervalMs,
    endMs: truth.endMs,
    budgets: DEFAULT_BUDGETS,
    vipTimePrecisionMs: 1,
    // As the report passes it: a handover overlap (the new owner adds before the old one drops) is not split brain.
    splitBrainGraceMs: 100,
  };
}

/** |measured − truth| ≤ ± (with float slack), saying which figure when not. */
function within(what: string, measured: number | null, truth: number | null, precisionMs: number | null): void {
  if (truth === null || measured === null) {
    expect(measured, `${what}: measured ${measured}, truth ${truth}`).toBe(truth);
    return;
  }
  expect(precisionMs, `${what}: no ± declared`).not.toBeNull();
  expect(Math.abs(measured - truth), `${what}: measured ${measured} ± ${precisionMs}, truth ${truth}`).toBeLessThanOrEqual(precisionMs! + 1e-6);
}

const longest = (windows: readonly TrueWindow[]): number | null =>
  windows.some((w) => w.endMs === null) ? null : Math.max(0, ...windows.map((w) => w.endMs! - (w.startMs ?? 0)));

describe("every figure lies within its declared ± of a generated truth", () => {
  // About 10 ms a case: the timeout leaves room for a slow CI machine.
  it(`holds on ${RUNS} random timelines`, { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(params, (p) => {
        const truth = buildTruth(p);
        const a = analyze(truth);
        const f = a.fault!;
        const sf = truth.injectStartMs;
        const sr = truth.restoreStartMs;

        // The windows: as many as the truth has, each start, end and duration within its ±.
        expect(a.outages.length, "windows").toBe(truth.windows.length);
        truth.windows.forEach((w, i) => {
          const o = a.outages[i]!;
          expect(o.startsAtFirstProbe, `window ${i} starts at the first probe`).toBe(w.startMs === null);
          if (w.startMs !== null) within(`window ${i} start`, o.startMs, w.startMs, o.startPrecisionMs);
          within(`window ${i} end`, o.endMs, w.endMs, o.endPrecisionMs);
          if (w.startMs !== null) within(`window ${i} duration`, o.durationMs, w.endMs === null ? null : w.endMs - w.startMs, o.precisionMs);
          else if (o.durationMs !== null) expect(o.durationMs - o.precisionMs!, `window ${i} lower bound`).toBeLessThanOrEqual(w.endMs! - 0 + 1e-6);
        });

        // Which windows are the fault's: first down in [S_f, S_r), or still down at S_f.
        const faultWindows = truth.windows.filter((w) => {
          const start = w.startMs ?? Number.NEGATIVE_INFINITY;
          return (start >= sf && start < sr) || (start < sf && (w.endMs === null || w.endMs > sf));
        });
        const restoreWindows = truth.windows.filter((w) => (w.startMs ?? Number.NEGATIVE_INFINITY) >= sr);
        expect(f.outages.length, "fault windows").toBe(faultWindows.length);
        expect(f.failbackOutages.length, "failback windows").toBe(f.failbackRecovered === null ? 0 : restoreWindows.length);

        // Failover: clients back for good (the end of the last fault window) − T_f.
        const lastEnd = faultWindows.length === 0 ? undefined : faultWindows.at(-1)!.endMs;
        const unrecovered = lastEnd === undefined ? null : lastEnd === null ? "never" : lastEnd >= sr ? "after-restore" : null;
        expect(f.unrecovered, "unrecovered").toBe(unrecovered);
        const failover = lastEnd === undefined ? 0 : unrecovered !== null ? null : Math.max(0, lastEnd! - truth.injectedAtMs);
        within("failover", f.failoverMs, failover, f.precisionMs);
        const faultLongest = faultWindows.length === 0 ? 0 : longest(faultWindows);
        if (faultWindows.every((w) => w.startMs !== null)) within("outage", f.outageMs, faultLongest, f.outagePrecisionMs);

        // Errors after recovery: none exactly when one window (or none) held the fault; flaps at least one per later window.
        if (f.errorsAfterRecovery !== null) {
          expect(f.errorsAfterRecovery === 0, "errors after recovery").toBe(faultWindows.length <= 1);
          expect(f.flaps!, "flaps").toBeGreaterThanOrEqual(Math.max(0, faultWindows.length - 1));
          expect(f.flaps!, "flaps").toBeLessThanOrEqual(faultWindows.slice(1).reduce((n, w) => n + w.intervals.length, 0));
        } else {
          expect(faultWindows.length > 0 && (faultWindows[0]!.endMs === null || faultWindows[0]!.endMs >= sr), "errors after recovery unmeasured").toBe(true);
        }

        // Failback: the longest window after the restore, and when clients were back for good.
        if (f.failbackRecovered !== null) {
          within("failback", f.failbackMs, restoreWindows.length === 0 ? 0 : longest(restoreWindows), f.failbackPrecisionMs);
          const lastRestoreEnd = restoreWindows.at(-1)?.endMs;
          within(
            "failback recovery",
            f.failbackRecoveryMs,
            lastRestoreEnd === undefined ? 0 : lastRestoreEnd === null ? null : Math.max(0, lastRestoreEnd - truth.restoredAtMs),
            f.failbackRecoveryPrecisionMs,
          );
        }

        // The VIP: moves are the observer's stamps, ± its 1 ms; none is measured when nobody held it.
        within("VIP move", f.vipMoveMs, truth.vipMoveAtMs === null ? null : truth.vipMoveAtMs - truth.injectedAtMs, f.vipMovePrecisionMs);
        within("VIP move back", f.vipMoveBackMs, truth.vipBackAtMs - truth.restoredAtMs, f.vipMoveBackPrecisionMs);
        expect(a.splitBrain, "no split brain").toEqual([]);

        // Healthy at the end exactly when the last window ended (the tail holds N+2 sent successes).
        expect(a.healthyAfterRestore, "healthy at the end").toBe(truth.windows.at(-1)?.endMs !== null);

        // The timeline keeps probes in columns, not events: every figure comes out the same.
        const timeline = new Timeline();
        timeline.declareStream("fresh", { firstDueMs: 0, intervalMs: p.intervalMs });
        for (const e of truth.events) timeline.append(e);
        const columns = timeline.probeColumns("fresh")!;
        const fromColumns = analyzeRun({ ...inputOf(truth), events: timeline.events, probes: columns.table(inputOf(truth).endMs) });
        expect(fromColumns, "the same analysis from the columns").toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });
});
