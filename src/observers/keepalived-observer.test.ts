import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonotonicClock, sleep, type Clock } from "../common/clock.js";
import { Timeline, type TimelineEvent } from "../model/timeline.js";
import type { ExecResult, ExecStream, ExecTransport } from "../model/host.js";
import { LocalTransport } from "../../test/helpers/local-transport.js";
import { testHost } from "../../test/helpers/test-host.js";
import { KeepalivedObserver, logLineEpochMs } from "./keepalived-observer.js";

/** A load balancer with journald: the test writes its journal entries and can cut its stream. */
class JournaldLb implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = true;
  follows: Array<readonly string[]> = [];
  emit: (line: string) => void = () => undefined;
  cut: () => void = () => undefined;

  async exec(argv: readonly string[]): Promise<ExecResult> {
    const stdout = argv[0] === "sh" ? "journal\n" : argv.includes("--show-cursor") ? "-- cursor: s=1;i=10\n" : "";
    return { argv, exitCode: 0, signal: null, stdout, stderr: "", durationMs: 1, timedOut: false };
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    this.follows.push(argv);
    this.emit = onLine;
    let end: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (end = resolve));
    this.cut = () => {
      this.emit = () => undefined;
      end();
    };
    return { done, stop: async () => end() };
  }
}

/** An entry as `journalctl --output=json` prints it. */
const entry = (i: number, epochMs: number, message: string): string =>
  JSON.stringify({ __CURSOR: `s=1;i=${i}`, __REALTIME_TIMESTAMP: String(Math.round(epochMs * 1000) + 900), _SOURCE_REALTIME_TIMESTAMP: String(Math.round(epochMs * 1000)), MESSAGE: message });

const notes = (timeline: Timeline): string[] => timeline.events.flatMap((e) => (e.type === "note" ? [e.message] : []));
const vrrp = (timeline: Timeline): Array<Extract<TimelineEvent, { type: "vrrp-state" }>> => timeline.events.flatMap((e) => (e.type === "vrrp-state" ? [e] : []));

/** A wall-clock time on the run's clock, as a host that shares our clock is placed: paired with the wall clock now (± 1 ms). */
const onRunClock = (clock: Clock, epochMs: number): number => clock.nowMs() - (clock.wallNowMs() - epochMs);

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe("Keepalived log lines", () => {
  it("takes the host's time from an RFC 3339 syslog stamp, to the microsecond, and none from a traditional stamp", () => {
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

  it("follows the journal from its end, places entries when Keepalived logged them, and after a cut resumes after the last entry read", async () => {
    const timeline = new Timeline();
    const clock = new MonotonicClock();
    const lb = new JournaldLb();
    const observer = new KeepalivedObserver([testHost("lb-1", lb)], timeline, clock);
    await observer.start();
    expect(lb.follows).toEqual([
      [
        "journalctl",
        "--follow",
        "--output=json",
        "SYSLOG_IDENTIFIER=Keepalived_vrrp",
        "SYSLOG_IDENTIFIER=Keepalived",
        "SYSLOG_IDENTIFIER=keepalived",
        "+",
        "_SYSTEMD_UNIT=keepalived.service",
        "--after-cursor=s=1;i=10",
      ],
    ]);
    // Cut before it read anything: it resumes after the journal's end as it was at the start.
    lb.cut();
    await until(() => lb.follows.length === 2);
    expect(lb.follows[1]!.at(-1)).toBe("--after-cursor=s=1;i=10");
    const loggedEpochMs = Date.now() - 400;
    lb.emit(entry(11, loggedEpochMs, "(VI_1) Entering MASTER STATE"));
    lb.emit(entry(12, loggedEpochMs, "(VI_1) sent 0 priority"));
    // Logged 400 ms before it arrived: the event is placed when it was logged, not when it arrived.
    expect(vrrp(timeline)).toMatchObject([{ host: "lb-1", instance: "VI_1", state: "MASTER" }]);
    expect(Math.abs(vrrp(timeline)[0]!.atMs - onRunClock(clock, loggedEpochMs))).toBeLessThanOrEqual(1);

    // The connection is cut (a link pull over it); Keepalived logs FAULT meanwhile; the stream is
    // opened again after the last entry it read, so that FAULT is read, at its own time.
    lb.cut();
    await until(() => lb.follows.length === 3);
    expect(lb.follows[2]!.at(-1)).toBe("--after-cursor=s=1;i=12");
    const faultEpochMs = Date.now() - 1_000;
    lb.emit(entry(13, faultEpochMs, "(VI_1) Entering FAULT STATE"));
    lb.emit("not json");
    lb.emit(JSON.stringify({ __CURSOR: "s=1;i=14", MESSAGE: [40, 86, 73, 95, 49, 41, 32, 69, 110, 116, 101, 114, 105, 110, 103, 32, 66, 65, 67, 75, 85, 80, 32, 83, 84, 65, 84, 69] }));
    await observer.stop();
    expect(vrrp(timeline).map((e) => e.state)).toEqual(["MASTER", "FAULT", "BACKUP"]);
    expect(Math.abs(vrrp(timeline)[1]!.atMs - onRunClock(clock, faultEpochMs))).toBeLessThanOrEqual(1);
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
      expect(Math.abs(vrrp(timeline)[0]!.atMs - onRunClock(clock, loggedEpochMs))).toBeLessThanOrEqual(1);

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
