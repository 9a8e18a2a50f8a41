import { describe, expect, it } from "vitest";
import { MonotonicClock } from "../common/clock.js";
import { TransportError, RestoreError } from "../common/errors.js";
import { Timeline, type FaultEvent } from "../model/timeline.js";
import type { FaultSpec } from "../model/scenario.js";
import { type ExecResult, type ExecTransport, type Host, type Topology } from "../model/host.js";
import { testHost } from "../../test/helpers/test-host.js";
import { exec } from "../model/command.js";
import { HostClocks } from "../host-tools/host-clocks.js";
import { InjectedFault } from "./fault-controller.js";
import type { HostAction } from "./fault.js";

const result = (argv: readonly string[], exitCode: number, stdout = "", timedOut = false): ExecResult => ({
  argv, exitCode, signal: null, stdout, stderr: "", durationMs: 1, timedOut,
});
/** A clock `aheadMs` ahead of our wall clock, as `date +%s%N` prints it. */
const nowNs = (aheadMs = 0): string => String(BigInt(Math.round((performance.timeOrigin + performance.now() + aheadMs) * 1000)) * 1000n + 1n); // +1 ns: never a whole second, which reads as a date without %N

/**
 * A host reached over a link that the fault takes down: while the link is down every command
 * fails as a lost connection would; the heal timer armed with systemd-run brings it back.
 */
class CuttableHost implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly peerAddress = "10.0.0.1";
  linkUp = true;
  files = new Map<string, string>();
  log: string[] = [];
  timers: NodeJS.Timeout[] = [];
  /** Where it has a clock of its own: how far ahead of ours it is. */
  aheadMs = 0;
  /** How far its clock steps as the link goes down (an NTP step while it is cut off). */
  stepOnCutMs = 0;
  constructor(
    private readonly healOnTimer = true,
    readonly sharesClock = true,
  ) {}

  async exec(argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    this.log.push(argv.join(" "));
    if (!this.linkUp) {
      if (argv.includes("vipdrill-inject")) return result(argv, 1);
      throw new TransportError("VIPDRILL_SSH_LOST", "lb-1", "lb-1: connection lost");
    }
    if (argv.includes("systemd-run")) {
      const ms = Number(/--on-active=(\d+)ms/.exec(argv.join(" "))![1]);
      const stampFile = /> (\S+)$/.exec(argv[argv.length - 1]!)![1]!;
      if (this.healOnTimer) this.timers.push(setTimeout(() => ((this.linkUp = true), this.files.set(stampFile, `${nowNs(this.aheadMs)} 0\n`)), ms));
      return result(argv, 0);
    }
    if (argv.includes("vipdrill-inject")) {
      // The command runs on the host, stamps its end, and takes the link with it: no reply.
      const stampFile = /> (\S+);/.exec(argv[2]!)![1]!;
      this.linkUp = false;
      this.aheadMs += this.stepOnCutMs;
      this.files.set(stampFile, `${nowNs(this.aheadMs)} 0\n`);
      await new Promise((r) => setTimeout(r, options.timeoutMs ?? 1000));
      return result(argv, null as unknown as number, "", true);
    }
    if (argv[0] === "cat") {
      const text = this.files.get(argv[1]!);
      return text === undefined ? result(argv, 1) : result(argv, 0, text);
    }
    if (argv.join(" ") === "date +%s%N") return result(argv, 0, `${nowNs(this.aheadMs)}\n`);
    if (argv[0] === "sh" && argv[2] === "vipdrill-probe") return result(argv, 0, "/usr/bin/systemd-run\n");
    return result(argv, 0);
  }
  stream(): never {
    throw new Error("not used");
  }
}

function setup(transport: CuttableHost) {
  const host: Host = testHost("lb-1", transport, { address: "10.0.0.11" });
  const topology: Topology = { kind: "inventory", name: "t", hosts: [host], endpoint: { vip: "10.0.0.200", port: 6443, dns: "api" }, haproxy: { socket: "/s", backend: "b" }, vipManager: "keepalived" };
  const action: HostAction = {
    host,
    inject: [exec(["ip", "link", "set", "dev", "eth0", "down"])],
    restore: [exec(["ip", "link", "set", "dev", "eth0", "up"])],
    selfHealing: true,
    cutsTransport: true,
    precheck: async () => undefined,
    injected: async () => undefined,
    restored: async () => (transport.linkUp ? undefined : "eth0 on lb-1 still down"),
  };
  const spec = { type: "link-down", target: "vip-owner", selector: { kind: "vip-owner" }, pick: "first" } as FaultSpec;
  const timeline = new Timeline();
  const clock = new MonotonicClock();
  const hostClocks = new HostClocks(clock);
  return { fault: new InjectedFault("f1", spec, [action], topology, timeline, clock, hostClocks), timeline, clock, host, hostClocks };
}

describe("a fault that cuts vipdrill's connection to its host (link pull over the SSH link)", () => {
  it("arms the heal timer for the hold alone, does not wait for a reply, and takes T_f and T_r from the host's own stamps", async () => {
    const transport = new CuttableHost();
    const { fault, timeline, clock } = setup(transport);
    const before = clock.nowMs();
    const injected = await fault.inject(1_500, 3_000);
    expect(transport.log.find((l) => l.includes("systemd-run --quiet"))).toMatch(/--on-active=1500ms/);
    expect(injected.cut.map((c) => c.hostId)).toEqual(["lb-1"]);
    // Restoring early (Ctrl-C in the hold) still waits for the host's timer: nothing else can reach it.
    await fault.restore();
    const inject = timeline.events.find((e): e is FaultEvent => e.type === "fault-injected")!;
    const restore = timeline.events.find((e): e is FaultEvent => e.type === "fault-restored")!;
    expect(inject.atMs - before).toBeLessThan(100);
    expect(restore.atMs - inject.atMs).toBeGreaterThan(1_450);
    expect(restore.atMs - inject.atMs).toBeLessThan(1_700);
    expect(timeline.events.some((e) => e.type === "note" && /heals itself by its timer/.test(e.message))).toBe(true);
    expect(transport.linkUp).toBe(true);
    transport.timers.forEach(clearTimeout);
  });

  it("a cut host with a clock of its own: T_f and T_r from its stamps, placed through a pairing taken once it answers again; its clock stepping while cut widens their ±", async () => {
    const transport = new CuttableHost(true, false);
    transport.aheadMs = 60_000;
    transport.stepOnCutMs = 30;
    const { fault, timeline, clock, host, hostClocks } = setup(transport);
    await hostClocks.remeasure([host]); // the fault phase's pairing
    const before = clock.nowMs();
    await fault.inject(1_500, 3_000);
    await fault.restore();
    const inject = timeline.events.find((e): e is FaultEvent => e.type === "fault-injected")!;
    const restore = timeline.events.find((e): e is FaultEvent => e.type === "fault-restored")!;
    // A minute ahead and 30 ms more after the step: both stamps still land where they happened.
    expect(inject.atMs - before).toBeGreaterThanOrEqual(0);
    expect(inject.atMs - before).toBeLessThan(100);
    expect(restore.atMs - inject.atMs).toBeGreaterThan(1_450);
    expect(restore.atMs - inject.atMs).toBeLessThan(1_700);
    // The step shows up as drift between the two pairings: ± 30 ms (less the pairings' own ±, plus the larger of them).
    for (const event of [inject, restore]) {
      expect(event.uncertaintyMs).toBeGreaterThan(29);
      expect(event.uncertaintyMs).toBeLessThan(31);
    }
    transport.timers.forEach(clearTimeout);
  });

  it("a host that never answers again is a failed restore, with the commands to heal it by hand", async () => {
    const transport = new CuttableHost(false);
    const { fault } = setup(transport);
    await fault.inject(100, 300);
    const error = await fault.restore().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreError);
    expect((error as RestoreError).message).toMatch(/lb-1 has not answered since the fault cut it off/);
    expect((error as RestoreError).manualHeal).toEqual([
      { hostId: "lb-1", commands: ["ip link set dev eth0 up", "systemctl stop vipdrill-heal-f1-lb-1.timer"] },
    ]);
  }, 15_000);
});

describe("a fault on a host that stays reachable", () => {
  it("with deferDisarm the restore resolves once the host is verified healed; disarmed() waits for the timer's cancel", async () => {
    let releaseDisarm = (): void => undefined;
    const disarmHeld = new Promise<void>((r) => (releaseDisarm = r));
    const transport = new CuttableHost();
    const exec0 = transport.exec.bind(transport);
    transport.exec = async (argv, options) => {
      if (argv[0] !== "systemctl" || argv[1] !== "stop") return exec0(argv, options);
      transport.log.push(argv.join(" "));
      await disarmHeld;
      return result(argv, 0);
    };
    const { fault } = setup(transport);
    // The same host, its link not carried by vipdrill's connection: restored by vipdrill, not by its timer.
    (fault.actions[0] as { cutsTransport: boolean }).cutsTransport = false;
    await fault.inject(60_000, 15_000);
    await fault.restore({ deferDisarm: true });
    let disarmed = false;
    const waiting = fault.disarmed().then(() => (disarmed = true));
    expect(fault.state).toBe("restored");
    expect(transport.log.some((l) => l.startsWith("systemctl stop vipdrill-heal-f1-lb-1.timer"))).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(disarmed).toBe(false);
    releaseDisarm();
    await waiting;
    await fault.disarmed();
    expect(disarmed).toBe(true);
    transport.timers.forEach(clearTimeout);
  });
});
