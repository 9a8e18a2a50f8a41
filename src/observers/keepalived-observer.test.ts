import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonotonicClock, sleep } from "../common/clock.js";
import { Timeline, type TimelineEvent } from "../engine/timeline.js";
import type { ExecResult, ExecStream, ExecTransport } from "../targets/host.js";
import { LocalTransport } from "../../test/helpers/local-transport.js";
import { testHost } from "../../test/helpers/test-host.js";
import { KeepalivedObserver, logLineEpochMs } from "./keepalived-observer.js";

/** A load balancer with journald, whose journal lines the test writes. */
class JournaldLb implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = true;
  followed: readonly string[] = [];
  emit: (line: string) => void = () => undefined;

  async exec(argv: readonly string[]): Promise<ExecResult> {
    return { argv, exitCode: 0, signal: null, stdout: "journal\n", stderr: "", durationMs: 1, timedOut: false };
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    this.followed = argv;
    this.emit = onLine;
    return { done: new Promise<void>(() => undefined), stop: async () => undefined };
  }
}

const notes = (timeline: Timeline): string[] => timeline.events.flatMap((e) => (e.type === "note" ? [e.message] : []));
const vrrp = (timeline: Timeline): Array<Extract<TimelineEvent, { type: "vrrp-state" }>> => timeline.events.flatMap((e) => (e.type === "vrrp-state" ? [e] : []));

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe("Keepalived log lines", () => {
  it("takes the host's time from journal and RFC 3339 syslog stamps, to the microsecond, and none from a traditional stamp", () => {
    expect(logLineEpochMs("1796028836.123456 lb-1 Keepalived_vrrp[42]: x")).toBeCloseTo(1796028836123.456, 3);
    expect(logLineEpochMs("2026-11-30T08:53:56.123456+00:00 lb-1 Keepalived_vrrp[42]: x")).toBeCloseTo(1796028836123.456, 3);
    expect(logLineEpochMs("2026-11-30T09:53:56.5+01:00 lb-1 Keepalived_vrrp[42]: x")).toBe(1796028836500);
    expect(logLineEpochMs("2026-11-30T08:53:56Z lb-1 Keepalived_vrrp[42]: x")).toBe(1796028836000);
    // No zone, no year, whole seconds: the arrival time is better than a guess.
    expect(logLineEpochMs("Nov 30 08:53:56 lb-1 Keepalived_vrrp[42]: x")).toBeUndefined();
  });
});

describe("Keepalived observer", () => {
  let dir: string;
  let bin: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vipdrill-keepalived-"));
    // A host without journald: a PATH that has the shell tools the observer uses, and no journalctl.
    bin = join(dir, "bin");
    await mkdir(bin);
    for (const tool of ["sh", "tail", "grep"]) await symlink(`/usr/bin/${tool}`, join(bin, tool)).catch(() => symlink(`/bin/${tool}`, join(bin, tool)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("follows the journal where there is one, with the journal's own timestamps", async () => {
    const timeline = new Timeline();
    const clock = new MonotonicClock();
    const lb = new JournaldLb();
    const observer = new KeepalivedObserver([testHost("lb-1", lb)], timeline, clock);
    await observer.start();
    const loggedEpochMs = Date.now() - 400;
    lb.emit(`${(loggedEpochMs / 1000).toFixed(6)} lb-1 Keepalived_vrrp[42]: (VI_1) Entering MASTER STATE`);
    lb.emit(`${(loggedEpochMs / 1000).toFixed(6)} lb-1 Keepalived_vrrp[42]: (VI_1) sent 0 priority`);
    await observer.stop();

    expect(lb.followed).toContain("journalctl");
    expect(vrrp(timeline)).toMatchObject([{ host: "lb-1", instance: "VI_1", state: "MASTER" }]);
    // Logged 400 ms before it arrived: the event is placed when it was logged, not when it arrived.
    expect(vrrp(timeline)[0]!.atMs).toBeCloseTo(loggedEpochMs - clock.originEpochMs, 0);
    expect(notes(timeline)).toEqual([]);
  });

  it("without journald, follows the syslog file Keepalived writes to (from the drill on, across a rotation) and says which", async () => {
    const syslog = join(dir, "syslog");
    const messages = join(dir, "messages");
    await writeFile(syslog, "2026-11-30T08:00:00.000000+00:00 lb-1 cron[7]: (root) CMD (true)\n");
    await writeFile(messages, "Nov 30 08:00:00 lb-1 daemon.info Keepalived_vrrp[42]: (VI_1) Entering BACKUP STATE\n");
    const timeline = new Timeline();
    const clock = new MonotonicClock();
    const transport = new LocalTransport({ PATH: bin });
    const observer = new KeepalivedObserver([testHost("lb-1", transport)], timeline, clock, [join(dir, "keepalived.log"), syslog, messages]);
    try {
      await observer.start();
      expect(notes(timeline)).toEqual([`lb-1: no journald; Keepalived's state changes are read from ${messages} (host-stamped where its lines carry RFC 3339 times, else at arrival)`]);
      await sleep(300); // let tail reach the end of the file first

      const loggedEpochMs = Date.now() - 250;
      const stamp = new Date(loggedEpochMs).toISOString().replace("Z", "+00:00");
      await appendFile(messages, `${stamp} lb-1 Keepalived_vrrp[42]: (VI_1) Entering MASTER STATE\n`);
      await until(() => vrrp(timeline).length === 1);
      // The line that was there before the drill is not read; the new one is placed when it was logged.
      expect(vrrp(timeline)[0]).toMatchObject({ host: "lb-1", instance: "VI_1", state: "MASTER" });
      expect(vrrp(timeline)[0]!.atMs).toBeCloseTo(loggedEpochMs - clock.originEpochMs, 0);

      // logrotate moves the file away and the syslog daemon starts a new one.
      await rm(messages);
      await writeFile(messages, "");
      await sleep(1_500); // tail -F looks for the new file about once a second
      await appendFile(messages, "Nov 30 08:00:05 lb-1 daemon.info Keepalived_vrrp[42]: (VI_1) Entering FAULT STATE\n");
      await until(() => vrrp(timeline).length === 2);
      expect(vrrp(timeline)[1]).toMatchObject({ state: "FAULT" });
    } finally {
      await observer.stop();
      await transport.close();
    }
  });

  it("where there is neither journald nor a readable log, watches nothing and says so once", async () => {
    const timeline = new Timeline();
    const transport = new LocalTransport({ PATH: bin });
    const observer = new KeepalivedObserver([testHost("lb-2", transport)], timeline, new MonotonicClock(), [join(dir, "absent.log")]);
    await observer.start();
    await observer.stop();
    expect(notes(timeline)).toEqual([expect.stringMatching(/^lb-2: no journald and none of .*absent\.log readable, so Keepalived's state changes are not observed there/)]);
    expect(vrrp(timeline)).toEqual([]);
  });
});
