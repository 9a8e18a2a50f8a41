import { describe, expect, it } from "vitest";
import type { ExecResult } from "../model/host.js";
import { CLOCK_READ, measureClockPairing, parseClockRead } from "./clock-pairing.js";

const read = (stdout: string, exitCode = 0): ExecResult => ({ argv: CLOCK_READ, exitCode, signal: null, stdout, stderr: "", durationMs: 0, timedOut: false });

describe("reading a host's clock", () => {
  it("`date +%s%N` is ns since the epoch, kept to the µs", () => {
    expect(parseClockRead("1796028836123456789\n")).toEqual({ epochMs: 1796028836123.456, resolutionMs: 0 });
  });

  it("a date without %N gives whole seconds: the middle of that second, ± 500 ms", () => {
    for (const printed of ["1796028836%N\n", "1796028836N\n", "1796028836\n"]) {
      expect(parseClockRead(printed)).toEqual({ epochMs: 1796028836500, resolutionMs: 500 });
    }
  });

  it("anything else is no time", () => {
    for (const printed of ["", "date: invalid date '+%s%N'\n", "Wed Nov 25 05:27:27 UTC 2026\n", "12345\n"]) expect(parseClockRead(printed)).toBeUndefined();
  });
});

describe("pairing a host's clock with ours", () => {
  /** The host's clock when ours reads 0. */
  const HOST_EPOCH_MS = Date.UTC(2026, 10, 25, 5, 27, 27);
  /** Reads whose round trips are given, on a clock that only the reads move. */
  function host(roundTripsMs: number[], printed: (hostMs: number) => string = (ms) => `${BigInt(Math.round(ms * 1000)) * 1000n}\n`) {
    let nowMs = 0;
    const reads: string[] = [];
    const exec = async (argv: readonly string[]): Promise<ExecResult> => {
      reads.push(argv.join(" "));
      const roundTripMs = roundTripsMs[reads.length - 1];
      if (roundTripMs === undefined) return read("", 1);
      nowMs += roundTripMs / 2;
      const hostMs = nowMs + HOST_EPOCH_MS;
      nowMs += roundTripMs / 2;
      return read(printed(hostMs));
    };
    return { exec, now: () => nowMs, reads };
  }

  it("keeps the read with the shortest round trip: its middle, ± half of it", async () => {
    const h = host([8, 2, 6, 4, 10]);
    const pairing = await measureClockPairing(h.exec, h.now);
    expect(h.reads).toEqual(Array(5).fill("date +%s%N"));
    // The second read: sent at 8, answered at 10.
    expect(pairing).toEqual({ hostEpochMs: HOST_EPOCH_MS + 9, runMs: 9, uncertaintyMs: 1, roundTripMs: 2 });
  });

  it("a host whose date has whole seconds: ± 500 ms on top of half the round trip", async () => {
    const h = host([4, 4, 4, 4, 4], (ms) => `${Math.floor(ms / 1000)}%N\n`);
    expect(await measureClockPairing(h.exec, h.now)).toEqual({ hostEpochMs: HOST_EPOCH_MS + 500, runMs: 2, uncertaintyMs: 502, roundTripMs: 4 });
  });

  it("stops at the first read that fails, keeping what it read; none read is no pairing", async () => {
    const h = host([4, 2]);
    expect(await measureClockPairing(h.exec, h.now)).toMatchObject({ runMs: 5, uncertaintyMs: 1 });
    expect(h.reads).toHaveLength(3);
    const gone = async (): Promise<ExecResult> => {
      throw new Error("container is not running");
    };
    expect(await measureClockPairing(gone, () => 0)).toBeUndefined();
  });
});
