import { describe, expect, it } from "vitest";
import { MonotonicClock } from "../common/clock.js";
import { Timeline } from "../engine/timeline.js";
import type { ExecResult, ExecStream, ExecTransport } from "../targets/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { KeepalivedObserver } from "./keepalived-observer.js";

/** A load balancer with or without journald, whose journal lines the test writes. */
class FakeLb implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = true;
  streams = 0;
  emit: (line: string) => void = () => undefined;
  constructor(readonly journald: boolean) {}

  async exec(argv: readonly string[]): Promise<ExecResult> {
    return { argv, exitCode: this.journald ? 0 : 1, signal: null, stdout: "", stderr: "", durationMs: 1, timedOut: false };
  }

  async stream(_argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    this.streams++;
    this.emit = onLine;
    return { done: new Promise<void>(() => undefined), stop: async () => undefined };
  }

  async close(): Promise<void> {}
}

describe("Keepalived observer", () => {
  it("follows the journal where there is one (host-stamped transitions); where there is none it says so once, in the timeline", async () => {
    const timeline = new Timeline();
    const clock = new MonotonicClock();
    const withJournal = new FakeLb(true);
    const without = new FakeLb(false);
    const observer = new KeepalivedObserver([testHost("lb-1", withJournal), testHost("lb-2", without)], timeline, clock);
    await observer.start();
    const epochS = (Date.now() / 1000).toFixed(6);
    withJournal.emit(`${epochS} lb-1 Keepalived_vrrp[42]: (VI_1) Entering MASTER STATE`);
    withJournal.emit(`${epochS} lb-1 Keepalived_vrrp[42]: (VI_1) sent 0 priority`);
    await observer.stop();

    expect(without.streams).toBe(0);
    const vrrp = timeline.events.filter((e) => e.type === "vrrp-state");
    expect(vrrp).toMatchObject([{ host: "lb-1", instance: "VI_1", state: "MASTER" }]);
    const notes = timeline.events.filter((e) => e.type === "note").map((e) => (e as { message: string }).message);
    expect(notes).toEqual([expect.stringMatching(/^lb-2: no journald, so Keepalived's state changes are not observed there/)]);
  });
});
