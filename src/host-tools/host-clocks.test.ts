import { describe, expect, it } from "vitest";
import type { Clock } from "../common/clock.js";
import type { ClockPairing, ExecResult, ExecTransport, Host } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { HostClocks } from "./host-clocks.js";

/** Our wall clock when our monotonic clock reads 0 (a whole second). */
const EPOCH_MS = Date.UTC(2026, 10, 25, 5, 27, 27);

/** Our clocks: the monotonic one, which the test (and the fake hosts' reads) move on, and a wall clock the test can step. */
class TestClock implements Clock {
  monoMs = 0;
  wallStepMs = 0;
  readonly originNs = 0n;
  readonly originEpochMs = EPOCH_MS;
  nowMs(): number {
    return this.monoMs;
  }
  wallNowMs(): number {
    return EPOCH_MS + this.monoMs + this.wallStepMs;
  }
}

/** A host with a clock of its own, `aheadMs` ahead of ours, behind a link with a fixed round trip: each read moves our clock on by it. */
class OwnClockHost implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = false;
  aheadMs = 40;
  /** Its date has no %N. */
  wholeSeconds = false;
  /** Cut off by a fault: reads never answer. */
  cutOff = false;
  connectPairing?: ClockPairing;
  reads = 0;
  constructor(
    private readonly clock: TestClock,
    private readonly roundTripMs = 2,
  ) {}

  /** What its clock reads now. */
  hostNowMs(): number {
    return EPOCH_MS + this.clock.monoMs + this.aheadMs;
  }

  async exec(argv: readonly string[]): Promise<ExecResult> {
    if (this.cutOff) return new Promise<never>(() => undefined);
    this.reads++;
    this.clock.monoMs += this.roundTripMs / 2;
    const hostMs = this.hostNowMs();
    this.clock.monoMs += this.roundTripMs / 2;
    const stdout = this.wholeSeconds ? `${Math.floor(hostMs / 1000)}%N\n` : `${BigInt(Math.round(hostMs * 1000)) * 1000n}\n`;
    return { argv, exitCode: 0, signal: null, stdout, stderr: "", durationMs: this.roundTripMs, timedOut: false };
  }
  stream(): never {
    throw new Error("not used");
  }
}

/** A container on our kernel: its stamps are our own wall clock. */
class SharedClockHost implements ExecTransport {
  readonly kind = "docker" as const;
  readonly sharesClock = true;
  exec(): never {
    throw new Error("a host that shares our clock is never read");
  }
  stream(): never {
    throw new Error("not used");
  }
}

describe("host clocks", () => {
  it("a host with its own clock: each stamp through its latest pairing; the drift between pairings taken at phase changes widens the ±", async () => {
    const clock = new TestClock();
    const transport = new OwnClockHost(clock);
    const lb: Host = testHost("lb-1", transport);
    const clocks = new HostClocks(clock, 50);
    // Before any pairing a stamp cannot be placed: it keeps its arrival time, and the ± is unknown.
    expect(clocks.toRunMs(lb, transport.hostNowMs(), 7)).toBe(7);
    expect(clocks.uncertaintyMs([lb])).toBeNull();

    await clocks.remeasure([lb]); // the drill starts
    expect(transport.reads).toBe(5);
    expect(clocks.uncertaintyMs([lb])).toBe(1); // half the 2 ms round trip

    // The host stamps an event at 100; its line arrives at 130: the event is placed at 100.
    clock.monoMs = 100;
    const first = transport.hostNowMs();
    clock.monoMs = 130;
    expect(clocks.toRunMs(lb, first, 130)).toBe(100);

    clock.monoMs = 1_000;
    await clocks.remeasure([lb]); // baseline: no drift
    expect(clocks.uncertaintyMs([lb])).toBe(1);

    // Its clock gains 5 ms on ours before the fault phase's pairing: 5 − 1 − 1 = 3 ms beyond both ±.
    transport.aheadMs += 5;
    clock.monoMs = 2_000;
    await clocks.remeasure([lb]);
    expect(clocks.uncertaintyMs([lb])).toBe(1 + 3);
    clock.monoMs = 2_500;
    const second = transport.hostNowMs();
    clock.monoMs = 2_520;
    expect(clocks.toRunMs(lb, second, 2_520)).toBe(2_500);

    // Restore: the fault cut it off; its re-measure gives up within the budget, its pairings stand.
    transport.cutOff = true;
    const started = performance.now();
    await clocks.remeasure([lb]);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(clocks.uncertaintyMs([lb])).toBe(4);

    // Settle: back, and 1 ms slower again — within the two ±, so no more drift.
    transport.cutOff = false;
    transport.aheadMs -= 1;
    clock.monoMs = 4_000;
    await clocks.remeasure([lb]);
    expect(clocks.uncertaintyMs([lb])).toBe(4);
    // A stamp never lands after its line arrived (a host clock read ahead of its pairing).
    expect(clocks.toRunMs(lb, transport.hostNowMs() + 50, clock.monoMs)).toBe(clock.monoMs);
  });

  it("a host whose date has whole seconds is paired to ± 500 ms plus half the round trip", async () => {
    const clock = new TestClock();
    const transport = new OwnClockHost(clock);
    transport.wholeSeconds = true;
    const lb = testHost("lb-1", transport);
    const clocks = new HostClocks(clock);
    await clocks.remeasure([lb]);
    expect(clocks.uncertaintyMs([lb])).toBe(501);
    // The first read (at 1, host 27.041 s) is taken as the middle of its second: 27.500 s at 1.
    clock.monoMs = 100;
    const stamp = transport.hostNowMs(); // 27.140 s
    expect(clocks.toRunMs(lb, stamp, 130)).toBe(1 + (140 - 500));
    expect(Math.abs(clocks.toRunMs(lb, stamp, 130) - 100)).toBeLessThanOrEqual(501);
  });

  it("a host that shares our clock is paired with our wall clock as each stamp arrives: a step of ±1 h moves nothing, ± 1 ms", async () => {
    const clock = new TestClock();
    const lb = testHost("lb-1", new SharedClockHost());
    const clocks = new HostClocks(clock);
    await clocks.remeasure([lb]);
    const placed: number[] = [];
    for (const [atMs, stepMs] of [
      [100, 0],
      [1_000, 3_600_000],
      [2_000, -3_600_000],
    ] as const) {
      clock.wallStepMs = stepMs;
      clock.monoMs = atMs;
      const stamp = clock.wallNowMs();
      clock.monoMs = atMs + 30;
      placed.push(clocks.toRunMs(lb, stamp, clock.monoMs));
    }
    expect(placed).toEqual([100, 1_000, 2_000]);
    expect(clocks.uncertaintyMs([lb])).toBe(1);
  });

  it("a reconnect during the run pairs the host (its transport's connect pairing); a connection older than the run does not count", async () => {
    const clock = new TestClock();
    const transport = new OwnClockHost(clock);
    const lb = testHost("lb-1", transport);
    const clocks = new HostClocks(clock);
    // Connected a minute before the run, when its clock was a second off.
    transport.connectPairing = { hostEpochMs: EPOCH_MS - 60_000 + 1_040, runMs: -60_000, uncertaintyMs: 0.5, roundTripMs: 1 };
    expect(clocks.uncertaintyMs([lb])).toBeNull();
    // It reconnects at 3 s into the run (after a cut): that pairing places its stamps.
    transport.connectPairing = { hostEpochMs: EPOCH_MS + 3_000 + 40, runMs: 3_000, uncertaintyMs: 0.5, roundTripMs: 1 };
    clock.monoMs = 3_200;
    expect(clocks.toRunMs(lb, transport.hostNowMs(), 3_300)).toBe(3_200);
    expect(clocks.uncertaintyMs([lb])).toBe(0.5);
    expect(clocks.oneWayMs(lb)).toBe(0.5);
  });
});
