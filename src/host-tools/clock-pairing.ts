import type { ClockPairing, ExecOptions, ExecResult } from "../model/host.js";

/** The host's realtime clock in ns since the epoch: argv, so any transport can run it. */
export const CLOCK_READ = ["date", "+%s%N"] as const;
/** Reads per measurement; the one with the shortest round trip is kept. */
const CLOCK_SAMPLES = 5;
/** A read that takes longer than this ends the measurement (the host is cut off or gone). */
const CLOCK_READ_TIMEOUT_MS = 1_000;

/**
 * What `date +%s%N` printed, as ms since the epoch and the clock's resolution: 0 for ns; a date
 * without %N (BusyBox builds) prints the seconds and `%N`, `N` or nothing after them, so the read
 * fell somewhere in that second: its middle, ± 500 ms.
 */
export function parseClockRead(stdout: string): { epochMs: number; resolutionMs: number } | undefined {
  const text = stdout.trim();
  if (/^\d{15,}$/.test(text)) return { epochMs: Number(BigInt(text) / 1000n) / 1000, resolutionMs: 0 };
  const seconds = /^(\d{9,12})%?N?$/.exec(text);
  if (seconds) return { epochMs: Number(seconds[1]) * 1000 + 500, resolutionMs: 500 };
  return undefined;
}

/** Runs argv on the host: a transport's exec, or a transport's own raw channel while it connects. */
export type ClockReadExec = (argv: readonly string[], options: ExecOptions) => Promise<Pick<ExecResult, "exitCode" | "stdout" | "timedOut">>;

/**
 * Pair the host's clock with ours: a few reads, each between two readings of nowMs; the host read
 * its clock somewhere in that round trip, so the pairing is its middle ± half of it (plus the
 * clock's resolution). The shortest round trip wins. Undefined where no read succeeded: a host
 * that cannot be reached now, or whose `date` prints something else, is not waited for.
 */
export async function measureClockPairing(
  exec: ClockReadExec,
  nowMs: () => number,
  { samples = CLOCK_SAMPLES, timeoutMs = CLOCK_READ_TIMEOUT_MS } = {},
): Promise<ClockPairing | undefined> {
  let best: ClockPairing | undefined;
  for (let i = 0; i < samples; i++) {
    const sentMs = nowMs();
    // Any failure (a lost connection, a stopped container) means no read now, whatever the transport.
    const result = await exec(CLOCK_READ, { timeoutMs }).catch(() => undefined);
    const receivedMs = nowMs();
    const read = result?.exitCode === 0 && !result.timedOut ? parseClockRead(result.stdout) : undefined;
    if (!read) break;
    const roundTripMs = receivedMs - sentMs;
    const pairing = { hostEpochMs: read.epochMs, runMs: sentMs + roundTripMs / 2, uncertaintyMs: roundTripMs / 2 + read.resolutionMs, roundTripMs };
    if (!best || pairing.uncertaintyMs < best.uncertaintyMs) best = pairing;
  }
  return best;
}
