import { describe, expect, it } from "vitest";
import { MonotonicClock, sleep, type Clock } from "../common/clock.js";
import { Timeline } from "../model/timeline.js";
import type { ExecResult, ExecStream, ExecTransport, Host } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { VipObserver } from "./vip-observer.js";

const VIP = "10.0.0.200";

/** A host whose `ip` state and monitor stream the test drives (a unit test of the observer's logic). */
class FakeHost implements ExecTransport {
  readonly kind = "docker" as const;
  hasVip = false;
  alive = true;
  /** Its ip has no monitor (BusyBox): the stream ends as soon as it starts. */
  noMonitor = false;
  streams = 0;
  emit: (line: string) => void = () => undefined;
  end: () => void = () => undefined;
  /** processMonotonicMs of the last packet from the host, where the transport knows it (SSH). */
  lastHeardMs?: () => number | undefined;
  /** A container on our kernel stamps its lines with our own wall clock. */
  constructor(readonly sharesClock = false) {}

  async exec(argv: readonly string[]): Promise<ExecResult> {
    const base = { argv, signal: null, stderr: "", durationMs: 1, timedOut: false };
    if (!this.alive) return { ...base, exitCode: 1, stdout: "", stderr: "container is not running" };
    const stdout = argv.includes("addr")
      ? `2: eth0    inet 10.0.0.21/24 scope global eth0\n${this.hasVip ? `2: eth0    inet ${VIP}/24 scope global secondary eth0\n` : ""}`
      : "2: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n";
    return { ...base, exitCode: 0, stdout };
  }

  async stream(_argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    if (!this.alive) throw new Error("container is not running");
    this.streams++;
    if (this.noMonitor) return { done: Promise.resolve(), stop: async () => undefined };
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.emit = onLine;
    this.end = finish;
    return { done, stop: async () => finish() };
  }
}

const hostOf = (id: string, transport: FakeHost): Host => testHost(id, transport);

describe("VIP observer", () => {
  it("turns monitor lines into vip-added / vip-removed, and a downed link into not holding", async () => {
    const a = new FakeHost();
    a.hasVip = true;
    const b = new FakeHost();
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", a), hostOf("lb-2", b)], VIP, timeline, new MonotonicClock());
    await observer.start();
    expect(observer.holders()).toEqual(["lb-1"]);
    a.emit("2: eth0@if9: <BROADCAST,MULTICAST> mtu 1500 state DOWN");
    b.emit(`2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    expect(observer.holders()).toEqual(["lb-2"]);
    b.emit(`Deleted 2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    expect(observer.holders()).toEqual([]);
    expect(timeline.events.map((e) => (e.type === "vip-added" || e.type === "vip-removed" ? `${e.type} ${e.host}` : e.type))).toEqual([
      "vip-added lb-1",
      "vip-removed lb-1",
      "vip-added lb-2",
      "vip-removed lb-2",
    ]);
    await observer.stop();
  });

  it("a VIP on a link that is up but has lost its carrier (a pulled cable, a disconnected virtual NIC) is not held", async () => {
    const a = new FakeHost();
    a.hasVip = true;
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", a)], VIP, timeline, new MonotonicClock());
    await observer.start();
    a.emit("2: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc mq state DOWN");
    expect(observer.holders()).toEqual([]);
    a.emit("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP");
    expect(observer.holders()).toEqual(["lb-1"]);
    expect(timeline.events.map((e) => e.type)).toEqual(["vip-added", "vip-removed", "vip-added"]);
    await observer.stop();
  });

  it("a host whose stream ends (killed) holds nothing, and is watched again when it is back", async () => {
    const a = new FakeHost();
    a.hasVip = true;
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", a)], VIP, timeline, new MonotonicClock());
    await observer.start();
    a.alive = false;
    a.end();
    await sleep(10);
    expect(observer.holders()).toEqual([]);
    a.alive = true; // restarted, and Keepalived took the VIP back
    await sleep(600);
    expect(observer.holders()).toEqual(["lb-1"]);
    a.emit(`Deleted 2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    expect(observer.holders()).toEqual([]);
    await observer.stop();
  });

  it("a host cut off (a link pull over the SSH link) holds nothing from the last it sent, not from when the keepalives gave up", async () => {
    const clock = new MonotonicClock();
    const a = new FakeHost();
    a.hasVip = true;
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", a)], VIP, timeline, clock);
    await observer.start();
    await sleep(50);
    const lastHeardRunMs = clock.nowMs();
    a.lastHeardMs = () => lastHeardRunMs + Number(clock.originNs) / 1e6;
    await sleep(300); // the keepalives' wait, shortened
    a.alive = false;
    a.end();
    await sleep(10);
    a.alive = true;
    a.hasVip = false; // it went to FAULT while we could not see it
    await sleep(600);
    await observer.stop();
    const removed = timeline.events.find((e) => e.type === "vip-removed");
    expect(removed && "atMs" in removed ? removed.atMs : undefined).toBeCloseTo(lastHeardRunMs, 3);
    const notes = timeline.events.flatMap((e) => (e.type === "note" ? [e.message] : []));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^lb-1: out of sight from T\+[\d.]+ ms \(the last it sent\), noticed at T\+[\d.]+ ms: it counts as holding no VIP until it answers again$/);
    expect(notes[1]).toMatch(/^lb-1: in sight again at T\+[\d.]+ ms, not holding the VIP; what it did in the [\d.]+ ms before is not known from here$/);
  });

  it("a host whose ip cannot monitor (the stream ends at once) is tried 3 times, then left alone with a note, not reopened all run", async () => {
    const a = new FakeHost();
    a.hasVip = true;
    a.noMonitor = true;
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", a)], VIP, timeline, new MonotonicClock());
    await observer.start();
    await sleep(1_500);
    expect(a.streams).toBe(3);
    expect(observer.holders()).toEqual([]);
    const notes = timeline.events.flatMap((e) => (e.type === "note" ? [e.message] : []));
    expect(notes).toEqual(["lb-1: `env TZ=UTC ip -ts -o monitor address link` ended as soon as it started, 3 times in a row, so the VIP on lb-1 is not observed from here on (BusyBox's ip has no monitor: install iproute2)"]);
    await observer.stop();
  });

  it("a step of the wall clock mid-run, an hour either way, moves no VIP time (a host that shares our clock stamps its lines with it)", async () => {
    const epochMs = Date.UTC(2026, 10, 25, 5, 27, 27);
    const clock = { monoMs: 0, wallStepMs: 0, originNs: 0n, originEpochMs: epochMs } as Clock & { monoMs: number; wallStepMs: number };
    clock.nowMs = () => clock.monoMs;
    clock.wallNowMs = () => epochMs + clock.monoMs + clock.wallStepMs;
    const lb = new FakeHost(true);
    const timeline = new Timeline();
    const observer = new VipObserver([hostOf("lb-1", lb)], VIP, timeline, clock);
    await observer.start();
    /** `ip -ts -o monitor` as the host prints it at our monotonic atMs, the line reaching us 40 ms later. */
    const emitAt = (atMs: number, line: string): void => {
      clock.monoMs = atMs;
      const stamp = new Date(clock.wallNowMs()).toISOString().replace(/Z$/, "000");
      clock.monoMs = atMs + 40;
      lb.emit(`[${stamp}] ${line}`);
    };
    emitAt(1_000, `2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    clock.wallStepMs = 3_600_000; // NTP steps the wall clock an hour ahead
    emitAt(2_000, `Deleted 2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    clock.wallStepMs = -3_600_000; // and two hours back
    emitAt(3_000, `2: eth0    inet ${VIP}/24 scope global secondary eth0`);
    await observer.stop();
    expect(timeline.events.flatMap((e) => (e.type === "vip-added" || e.type === "vip-removed" ? [[e.type, e.atMs]] : []))).toEqual([
      ["vip-added", 1_000],
      ["vip-removed", 2_000],
      ["vip-added", 3_000],
    ]);
    expect(observer.precisionMs(null)).toBe(1);
  });
});
