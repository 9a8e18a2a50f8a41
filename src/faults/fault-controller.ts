import pRetry from "p-retry";
import { sleep, type Clock } from "../common/clock.js";
import { RestoreError, TransportError, UsageError, errorMessage } from "../common/errors.js";
import { HostClocks } from "../host-tools/host-clocks.js";
import type { Timeline } from "../model/timeline.js";
import type { FaultSpec } from "../model/scenario.js";
import type { Host, Topology } from "../model/host.js";
import { FAULTS } from "./catalogue.js";
import { failureOf, renderCommand, runCommand, type Command } from "../model/command.js";
import { armDeadMan, readStamp, stampShell, type DeadMan } from "./dead-man.js";
import type { FaultDefinition, HostAction } from "./fault.js";

export class FaultError extends UsageError {}

/** When a fault took effect on the hosts: T_f (atMs), and the hosts whose link to us it cut. */
export interface InjectTiming {
  startMs: number;
  atMs: number;
  /** Hosts the fault cut off from vipdrill, and when (estimated until the host answers again). */
  cut: Array<{ hostId: string; atMs: number }>;
}

/** How long a command whose result cannot come back (it cuts the link it came over) is waited for. */
const CUTTING_INJECT_TIMEOUT_MS = 1_000;

/**
 * One fault's life: precheck → arm dead-man timers → inject (T_f) → verify → restore (T_r) → verify
 * → disarm. `restore` is idempotent and safe to call from a signal handler's cleanup at any point.
 * A host whose link to us the fault cuts heals by its own timer at the end of the hold; its inject
 * and restore times are then the host's own stamps, converted to our clock.
 */
export class InjectedFault {
  #state: "prepared" | "injecting" | "injected" | "restoring" | "restored" = "prepared";
  #restoring: Promise<void> | undefined;
  readonly #deadMen: DeadMan[] = [];
  /** Per host: when its dead-man timer fires (run clock). */
  readonly #dueMs = new Map<string, number>();
  /** Hosts cut off by the inject, with the estimated time. */
  readonly #cut = new Map<string, number>();
  #graceMs = 0;
  /** The inject event, held back while a cut host's own stamp of it is still to be read. */
  #pendingInject: { startMs: number; returnedMs: number } | undefined;
  readonly hosts: string[];

  constructor(
    readonly id: string,
    readonly spec: FaultSpec,
    readonly actions: HostAction[],
    private readonly topology: Topology,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    private readonly hostClocks: HostClocks = new HostClocks(clock),
  ) {
    this.hosts = actions.map((a) => a.host.id);
  }

  get state(): string {
    return this.#state;
  }

  /** The hosts that heal themselves by their timer (their link to us is cut), and when they are due. */
  get selfHealingHosts(): Array<{ hostId: string; dueMs: number }> {
    return [...this.#cut.keys()].map((hostId) => ({ hostId, dueMs: this.#dueMs.get(hostId) ?? Number.NaN }));
  }

  /**
   * Arm dead-man timers, run the inject commands, verify the effect. A timer heals its host after
   * holdMs + graceMs, or after holdMs where the inject cuts our connection to the host (there the
   * timer is the planned restore).
   */
  async inject(holdMs: number, graceMs: number): Promise<InjectTiming> {
    this.#graceMs = graceMs;
    try {
      for (const action of this.actions) {
        if (!action.selfHealing) continue;
        const afterMs = action.cutsTransport ? holdMs : holdMs + graceMs;
        this.#deadMen.push(await armDeadMan(action.host, `${this.id}-${action.host.id}`, action.restore, afterMs));
        this.#dueMs.set(action.host.id, this.clock.nowMs() + afterMs);
      }
    } catch (error) {
      // Nothing is faulted yet: cancel the timers already armed, so none fires later for nothing.
      await this.#disarm();
      throw new FaultError("VIPDRILL_DEAD_MAN", `${errorMessage(error)}; nothing was injected`, { cause: error });
    }
    this.#state = "injecting";
    const startMs = this.clock.nowMs();
    const results = await Promise.all(this.actions.map((a) => (a.cutsTransport ? this.#injectCutting(a, startMs) : this.#run(a.host, a.inject))));
    const returnedMs = this.clock.nowMs();
    this.#state = "injected";
    const cut = [...this.#cut].map(([hostId, atMs]) => ({ hostId, atMs }));
    // Where every host answered, T_f is when the last command returned; a cut host's own stamp of its
    // inject is read when it answers again, and the event appended then.
    const atMs = cut.length === this.actions.length ? Math.max(...cut.map((c) => c.atMs)) : returnedMs;
    if (cut.length > 0) this.#pendingInject = { startMs, returnedMs: cut.length === this.actions.length ? Number.NEGATIVE_INFINITY : returnedMs };
    else this.timeline.append({ type: "fault-injected", faultId: this.id, fault: this.spec.type, hosts: this.hosts, startMs, atMs });
    const failed = results.find((r) => r !== undefined);
    if (failed) throw new FaultError("VIPDRILL_INJECT_FAILED", `injecting ${this.spec.type}: ${failed}`);
    const unverified = (
      await Promise.all(this.actions.filter((a) => !this.#cut.has(a.host.id)).map((a) => a.injected().catch((e: unknown) => errorMessage(e))))
    ).filter((m) => m !== undefined);
    if (unverified.length > 0) {
      throw new FaultError("VIPDRILL_FAULT_NO_EFFECT", `${this.spec.type} did not take effect: ${unverified.join("; ")}`);
    }
    return { startMs, atMs, cut };
  }

  /**
   * The inject on a host it cuts off: the commands stamp their own end on the host, and their
   * result is not waited for. A host that answers after all was not cut.
   */
  async #injectCutting(action: HostAction, startMs: number): Promise<string | undefined> {
    const stampFile = this.#injectStampFile(action.host.id);
    for (const command of action.inject) {
      if (command.kind !== "exec") return this.#run(action.host, [command]);
      const argv = ["sh", "-c", `"$@"; s=$?; ${stampShell(stampFile, "$s")}; exit $s`, "vipdrill-inject", ...command.argv];
      try {
        const result = await action.host.transport.exec(argv, { timeoutMs: CUTTING_INJECT_TIMEOUT_MS });
        if (!result.timedOut) {
          if (result.exitCode !== 0) return `${action.host.id}: ${failureOf(result)}`;
          continue;
        }
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
      }
      // No answer: the link is gone. It went when the command reached the host, about half a round trip in.
      this.#cut.set(action.host.id, startMs + this.hostClocks.oneWayMs(action.host));
      return undefined;
    }
    return undefined;
  }

  #injectStampFile(hostId: string): string {
    return `/tmp/vipdrill-inject-${this.id}-${hostId}.done`;
  }

  /** Heal every host; idempotent. Throws RestoreError (with manual heal commands) if a host stays faulted. */
  restore(): Promise<void> {
    if (this.#state === "prepared" || this.#state === "restored") return Promise.resolve();
    this.#restoring ??= this.#restore();
    return this.#restoring;
  }

  async #restore(): Promise<void> {
    this.#state = "restoring";
    const startMs = this.clock.nowMs();
    const runs = await Promise.all(
      this.actions.map(async (a) =>
        this.#cut.has(a.host.id) ? this.#awaitSelfHeal(a) : { atMs: Number.NaN, resolutionMs: 0, problem: await this.#run(a.host, a.restore) },
      ),
    );
    const returnedMs = this.clock.nowMs();
    await this.#appendPendingInject();
    const stamped = runs.map((r) => r.atMs).filter((t) => Number.isFinite(t));
    // T_r: when the last host healed — a command's return, or a self-healing host's own stamp.
    const atMs = stamped.length === runs.length ? Math.max(...stamped) : returnedMs;
    const uncertaintyMs = stamped.length === runs.length ? this.#cutUncertaintyMs() + Math.max(...runs.map((r) => r.resolutionMs)) : undefined;
    this.timeline.append({
      type: "fault-restored",
      faultId: this.id,
      fault: this.spec.type,
      hosts: this.hosts,
      startMs: Math.min(startMs, atMs),
      atMs,
      ...(uncertaintyMs === undefined ? {} : { uncertaintyMs }),
    });
    // Some effects take a moment to show (a unit starting, a link's routes): check again for ~5 s.
    // Hosts whose restore already failed (unreachable ones among them) are not asked again.
    const verify = this.actions.filter((_, i) => runs[i]!.problem === undefined);
    let problems: string[] = [];
    await pRetry(
      async () => {
        problems = (await Promise.all(verify.map((a) => a.restored().catch((e: unknown) => errorMessage(e))))).filter(
          (m): m is string => m !== undefined,
        );
        if (problems.length > 0) throw new Error(problems.join("; "));
      },
      { retries: 20, factor: 1, minTimeout: 250, maxTimeout: 250 },
    ).catch(() => undefined);
    const failedRuns = runs.map((r) => r.problem).filter((r): r is string => r !== undefined);
    if (problems.length > 0 || failedRuns.length > 0) {
      throw new RestoreError(
        `restoring ${this.spec.type} on ${this.hosts.join(", ")} failed: ${[...failedRuns, ...problems].join("; ")}`,
        this.manualHeal(),
      );
    }
    await this.#disarm();
    this.#state = "restored";
  }

  /**
   * A host cut off by the fault heals by its own timer. Wait until it is due, then until the host
   * answers and its stamp shows the heal ran (within the grace); a host that answers without a stamp
   * gets the restore commands from us.
   */
  async #awaitSelfHeal(action: HostAction): Promise<{ atMs: number; resolutionMs: number; problem: string | undefined }> {
    const host = action.host;
    const deadMan = this.#deadMen.find((d) => d.hostId === host.id);
    const dueMs = this.#dueMs.get(host.id) ?? this.clock.nowMs();
    const deadlineMs = dueMs + this.#graceMs;
    if (!deadMan) return { atMs: Number.NaN, resolutionMs: 0, problem: await this.#run(host, action.restore) };
    const waitMs = dueMs - this.clock.nowMs();
    this.timeline.append({
      type: "note",
      atMs: this.clock.nowMs(),
      message: `${host.id} was cut off by the fault (the link it carries vipdrill's SSH connection on): it heals itself by its timer, due ${waitMs > 0 ? `in ${(waitMs / 1000).toFixed(1)} s` : "now"}`,
    });
    if (waitMs > 0) await sleep(waitMs);
    for (;;) {
      const stamp = await readStamp(host, deadMan.stampFile, 2_000);
      if (stamp) {
        // It answers again: pair its clock now, so its stamps go through a pairing taken after the cut.
        await this.hostClocks.remeasure([host]);
        const atMs = this.hostClocks.toRunMs(host, stamp.epochMs, this.clock.nowMs());
        const problem = stamp.status === 0 ? undefined : `${host.id}: its heal script ran, but a command in it exited ${stamp.status}`;
        return { atMs, resolutionMs: stamp.resolutionMs, problem };
      }
      if (this.clock.nowMs() > deadlineMs) {
        const reachable = await host.transport.exec(["true"], { timeoutMs: 2_000 }).then((r) => r.exitCode === 0, () => false);
        if (reachable) return { atMs: Number.NaN, resolutionMs: 0, problem: await this.#run(host, action.restore) };
        return { atMs: Number.NaN, resolutionMs: 0, problem: `${host.id} has not answered since the fault cut it off; its dead-man timer was due ${((this.clock.nowMs() - dueMs) / 1000).toFixed(1)} s ago` };
      }
      await sleep(250);
    }
  }

  /** The inject event of a fault that cut hosts off: T_f from their own stamps where they can be read. */
  async #appendPendingInject(): Promise<void> {
    const pending = this.#pendingInject;
    if (!pending) return;
    this.#pendingInject = undefined;
    const times = [pending.returnedMs];
    let resolutionMs = 0;
    for (const [hostId, estimateMs] of this.#cut) {
      const host = this.topology.hosts.find((h) => h.id === hostId)!;
      const stamp = await readStamp(host, this.#injectStampFile(hostId), 2_000);
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
    const uncertaintyMs = atMs === pending.returnedMs ? undefined : this.#cutUncertaintyMs() + resolutionMs;
    this.timeline.append({
      type: "fault-injected",
      faultId: this.id,
      fault: this.spec.type,
      hosts: this.hosts,
      startMs: pending.startMs,
      atMs,
      ...(uncertaintyMs === undefined ? {} : { uncertaintyMs }),
    });
  }

  /** The ± of times the cut hosts stamped: their worst clock pairing's, plus the drift seen between pairings. */
  #cutUncertaintyMs(): number {
    const hosts = [...this.#cut.keys()].map((id) => this.topology.hosts.find((h) => h.id === id)!);
    return this.hostClocks.uncertaintyMs(hosts) ?? 0;
  }

  async #disarm(): Promise<void> {
    await Promise.all(
      this.#deadMen.map(async (deadMan) => {
        const host = this.topology.hosts.find((h) => h.id === deadMan.hostId);
        // A timer that already fired (a cut host healed by it) is gone: stopping it is a no-op.
        if (host) await runCommand(host, deadMan.disarm, this.topology.lifecycle).catch(() => undefined);
      }),
    );
    this.#deadMen.length = 0;
  }

  /** Per host, the commands that heal it by hand. */
  manualHeal(): Array<{ hostId: string; commands: string[] }> {
    return this.actions.map((a) => {
      const deadMan = this.#deadMen.find((d) => d.hostId === a.host.id);
      return {
        hostId: a.host.id,
        commands: [...a.restore.map(renderCommand), ...(deadMan ? [renderCommand(deadMan.disarm)] : [])],
      };
    });
  }

  /** Run commands in order; the first failure (or an unreachable host) as a one-line message. */
  async #run(host: Host, commands: Command[]): Promise<string | undefined> {
    for (const command of commands) {
      try {
        const result = await runCommand(host, command, this.topology.lifecycle);
        if (result.exitCode !== 0) return `${host.id}: ${failureOf(result)}`;
      } catch (error) {
        return `${host.id}: ${errorMessage(error)}`;
      }
    }
    return undefined;
  }
}

/** Build and precheck a fault against resolved targets; nothing is changed on any host. */
export async function prepareFault(
  id: string,
  spec: FaultSpec,
  targets: Host[],
  topology: Topology,
  timeline: Timeline,
  clock: Clock,
  /** hostClocks: the run's, so cut hosts' stamps share its pairings (default: one of the fault's own). */
  options: { dryRun?: boolean; hostClocks?: HostClocks } = {},
): Promise<InjectedFault> {
  const definition = FAULTS[spec.type] as FaultDefinition;
  if (definition.labOnly && topology.kind !== "lab") {
    throw new FaultError(
      "VIPDRILL_FAULT_LAB_ONLY",
      `fault ${spec.type} runs only in the docker lab: ${definition.labOnly}. It cannot run against ${topology.kind} "${topology.name}"`,
    );
  }
  const actions = await definition.prepare(spec, targets, topology, { dryRun: options.dryRun ?? false });
  if (!options.dryRun) {
    const problems = (await Promise.all(actions.map((a) => a.precheck()))).filter((m) => m !== undefined);
    if (problems.length > 0) throw new FaultError("VIPDRILL_FAULT_PRECHECK", `cannot apply ${spec.type}: ${problems.join("; ")}`);
  }
  return new InjectedFault(id, spec, actions, topology, timeline, clock, options.hostClocks);
}
