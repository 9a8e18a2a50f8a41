import { sleep, type Clock } from "../common/clock.js";
import { TransportError } from "../common/errors.js";
import type { HostClocks } from "../host-tools/host-clocks.js";
import { failureOf, type Command } from "../model/command.js";
import type { Host } from "../model/host.js";
import type { Timeline } from "../model/timeline.js";
import { readStamp, stampShell, type DeadMan } from "./dead-man.js";
import type { HostAction } from "./fault.js";

/** How long a command whose result cannot come back (it cuts the link it came over) is waited for. */
const CUTTING_INJECT_TIMEOUT_MS = 1_000;
/** How long a stamp read may take on a host that may not answer yet. */
const STAMP_READ_TIMEOUT_MS = 2_000;
/** How often a self-healing host is asked whether its heal has run. */
const HEAL_POLL_MS = 250;

/** Run commands on a host in order; the first failure (or an unreachable host) as a one-line message. */
export type RunCommands = (host: Host, commands: Command[]) => Promise<string | undefined>;

/** A host's restore: when it took effect where the host stamped it (NaN where it is a command's return), and what went wrong. */
export interface HostRestore {
  atMs: number;
  /** How coarse the host's stamp is (500 ms where its date has whole seconds). */
  resolutionMs: number;
  problem: string | undefined;
}

/** A fault event's times where they are cut hosts' own stamps: ± their clock pairings, drift and stamp resolution. */
export interface StampedTimes {
  startMs: number;
  atMs: number;
  uncertaintyMs?: number;
}

/**
 * The hosts a fault cuts off from vipdrill (a link pull on the link SSH uses). Their inject is sent
 * and not waited for, each heals by its own dead-man timer at the end of the hold, and the inject's
 * and the heal's times are the host's own stamps, read once it answers again and placed on our
 * clock through a pairing taken right then.
 */
export class CutOffHosts {
  /** Per host id: the host, and when the cut happened (an estimate until its own stamp is read). */
  readonly #cut = new Map<string, { host: Host; atMs: number }>();
  /** The inject event, held back while a cut host's own stamp of it is still to be read. */
  #pendingInject: { startMs: number; returnedMs: number } | undefined;

  constructor(
    private readonly faultId: string,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    private readonly hostClocks: HostClocks,
  ) {}

  has(hostId: string): boolean {
    return this.#cut.has(hostId);
  }

  /** The hosts cut off so far, and when. */
  get cut(): Array<{ hostId: string; atMs: number }> {
    return [...this.#cut].map(([hostId, { atMs }]) => ({ hostId, atMs }));
  }

  /**
   * The inject on a host it may cut off: the commands stamp their own end on the host, and their
   * result is not waited for. A host that answers after all was not cut.
   */
  async inject(action: HostAction, startMs: number, run: RunCommands): Promise<string | undefined> {
    const host = action.host;
    for (const command of action.inject) {
      if (command.kind !== "exec") return run(host, [command]);
      const argv = ["sh", "-c", `"$@"; s=$?; ${stampShell(this.#injectStampFile(host.id), "$s")}; exit $s`, "vipdrill-inject", ...command.argv];
      try {
        const result = await host.transport.exec(argv, { timeoutMs: CUTTING_INJECT_TIMEOUT_MS });
        if (!result.timedOut) {
          if (result.exitCode !== 0) return `${host.id}: ${failureOf(result)}`;
          continue;
        }
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
      }
      // No answer: the link is gone. It went when the command reached the host, about half a round trip in.
      this.#cut.set(host.id, { host, atMs: startMs + this.hostClocks.oneWayMs(host) });
      return undefined;
    }
    return undefined;
  }

  /** The inject event waits for the cut hosts' own stamps; returnedMs is when the other hosts' commands returned (−∞ if none). */
  holdInject(startMs: number, returnedMs: number): void {
    this.#pendingInject = { startMs, returnedMs };
  }

  /**
   * A host cut off by the fault heals by its own timer. Wait until it is due, then until the host
   * answers and its stamp shows the heal ran (within the grace); a host that answers without a stamp
   * gets the restore commands from us.
   */
  async awaitHeal(action: HostAction, deadMan: DeadMan | undefined, dueMs: number, graceMs: number, run: RunCommands): Promise<HostRestore> {
    const host = action.host;
    const byUs = async (): Promise<HostRestore> => ({ atMs: Number.NaN, resolutionMs: 0, problem: await run(host, action.restore) });
    if (!deadMan) return byUs();
    const waitMs = dueMs - this.clock.nowMs();
    this.timeline.append({
      type: "note",
      atMs: this.clock.nowMs(),
      message: `${host.id} was cut off by the fault (the link it carries vipdrill's SSH connection on): it heals itself by its timer, due ${waitMs > 0 ? `in ${(waitMs / 1000).toFixed(1)} s` : "now"}`,
    });
    if (waitMs > 0) await sleep(waitMs);
    for (;;) {
      const stamp = await readStamp(host, deadMan.stampFile, STAMP_READ_TIMEOUT_MS);
      if (stamp) {
        // It answers again: pair its clock now, so its stamps go through a pairing taken after the cut.
        await this.hostClocks.remeasure([host]);
        const atMs = this.hostClocks.toRunMs(host, stamp.epochMs, this.clock.nowMs());
        const problem = stamp.status === 0 ? undefined : `${host.id}: its heal script ran, but a command in it exited ${stamp.status}`;
        return { atMs, resolutionMs: stamp.resolutionMs, problem };
      }
      if (this.clock.nowMs() > dueMs + graceMs) {
        const reachable = await host.transport.exec(["true"], { timeoutMs: STAMP_READ_TIMEOUT_MS }).then((r) => r.exitCode === 0, () => false);
        if (reachable) return byUs();
        return { atMs: Number.NaN, resolutionMs: 0, problem: `${host.id} has not answered since the fault cut it off; its dead-man timer was due ${((this.clock.nowMs() - dueMs) / 1000).toFixed(1)} s ago` };
      }
      await sleep(HEAL_POLL_MS);
    }
  }

  /**
   * The held-back inject's times (once; undefined if none was held): T_f from the cut hosts' own
   * stamps where they can be read, else from when the command was sent plus half a round trip.
   */
  async stampedInject(): Promise<StampedTimes | undefined> {
    const pending = this.#pendingInject;
    if (!pending) return undefined;
    this.#pendingInject = undefined;
    const times = [pending.returnedMs];
    let resolutionMs = 0;
    for (const [hostId, { host, atMs: estimateMs }] of this.#cut) {
      const stamp = await readStamp(host, this.#injectStampFile(hostId), STAMP_READ_TIMEOUT_MS);
      if (stamp) {
        times.push(this.hostClocks.toRunMs(host, stamp.epochMs, this.clock.nowMs()));
        resolutionMs = Math.max(resolutionMs, stamp.resolutionMs);
      } else {
        times.push(estimateMs);
        this.timeline.append({ type: "note", atMs: estimateMs, message: `${hostId}: the inject's own stamp could not be read; T_f is when the command was sent, plus half a round trip` });
      }
    }
    const atMs = Math.max(...times);
    // Where T_f is a host's stamp, it is as good as that host's clock pairing; where it is our own
    // send time plus half a round trip, as good as that half; a host date without %N adds half a second.
    return { startMs: pending.startMs, atMs, ...(atMs === pending.returnedMs ? {} : { uncertaintyMs: this.uncertaintyMs() + resolutionMs }) };
  }

  /** The ± of times the cut hosts stamped: their worst clock pairing's, plus the drift seen between pairings. */
  uncertaintyMs(): number {
    return this.hostClocks.uncertaintyMs([...this.#cut.values()].map((c) => c.host)) ?? 0;
  }

  #injectStampFile(hostId: string): string {
    return `/tmp/vipdrill-inject-${this.faultId}-${hostId}.done`;
  }
}
