import pRetry from "p-retry";
import type { Clock } from "../common/clock.js";
import { FaultEffectError, LabError, RestoreError, UsageError, errorMessage } from "../common/errors.js";
import { HostClocks } from "../host-tools/host-clocks.js";
import type { Timeline } from "../model/timeline.js";
import type { FaultSpec } from "../model/scenario.js";
import type { Host, Topology } from "../model/host.js";
import { FAULTS } from "./catalogue.js";
import { failureOf, renderCommand, runCommand, type Command } from "../model/command.js";
import { CutOffHosts, type HostRestore, type RunCommands } from "./cut-off-hosts.js";
import { armDeadMan, deadManKind, type DeadMan, type DeadManKind } from "./dead-man.js";
import type { FaultDefinition, HostAction } from "./fault.js";

export class FaultError extends UsageError {}

/** When a fault took effect on the hosts: T_f (atMs), and the hosts whose link to us it cut. */
export interface InjectTiming {
  startMs: number;
  atMs: number;
  /** Hosts the fault cut off from vipdrill, and when (estimated until the host answers again). */
  cut: Array<{ hostId: string; atMs: number }>;
}

/**
 * One fault's life: precheck → arm dead-man timers → inject (T_f) → verify → restore (T_r) → verify
 * → disarm. `restore` is idempotent and safe to call from a signal handler's cleanup at any point.
 * A host whose link to us the fault cuts heals by its own timer at the end of the hold (CutOffHosts);
 * its inject and restore times are then the host's own stamps, converted to our clock.
 */
export class InjectedFault {
  #state: "prepared" | "injecting" | "injected" | "restoring" | "restored" = "prepared";
  #restoring: Promise<void> | undefined;
  #disarming: Promise<void> | undefined;
  readonly #deadMen: DeadMan[] = [];
  /** Per host: when its dead-man timer fires (run clock). */
  readonly #dueMs = new Map<string, number>();
  readonly #cutOff: CutOffHosts;
  #graceMs = 0;
  readonly hosts: string[];

  constructor(
    readonly id: string,
    readonly spec: FaultSpec,
    readonly actions: HostAction[],
    private readonly topology: Topology,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    hostClocks: HostClocks = new HostClocks(clock),
    /** Per self-healing host, whether its timer is a systemd one, found when the fault was prepared. */
    private readonly timerKinds: ReadonlyMap<string, DeadManKind> = new Map(),
  ) {
    this.hosts = actions.map((a) => a.host.id);
    this.#cutOff = new CutOffHosts(id, timeline, clock, hostClocks);
  }

  get state(): string {
    return this.#state;
  }

  /** The hosts that heal themselves by their timer (their link to us is cut), and when they are due. */
  get selfHealingHosts(): Array<{ hostId: string; dueMs: number }> {
    return this.#cutOff.cut.map(({ hostId }) => ({ hostId, dueMs: this.#dueMs.get(hostId) ?? Number.NaN }));
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
        this.#deadMen.push(await armDeadMan(action.host, `${this.id}-${action.host.id}`, action.restore, afterMs, this.timerKinds.get(action.host.id)));
        this.#dueMs.set(action.host.id, this.clock.nowMs() + afterMs);
      }
    } catch (error) {
      // Nothing is faulted yet: cancel the timers already armed, so none fires later for nothing.
      await this.#disarm();
      throw new LabError("VIPDRILL_DEAD_MAN", `${errorMessage(error)}; nothing was injected`, { cause: error });
    }
    this.#state = "injecting";
    const startMs = this.clock.nowMs();
    const results = await Promise.all(this.actions.map((a) => (a.cutsTransport ? this.#cutOff.inject(a, startMs, this.#run) : this.#run(a.host, a.inject))));
    const returnedMs = this.clock.nowMs();
    this.#state = "injected";
    const cut = this.#cutOff.cut;
    const allCut = cut.length === this.actions.length;
    // Where every host answered, T_f is when the last command returned; a cut host's own stamp of its
    // inject is read when it answers again, and the event appended then.
    const atMs = allCut ? Math.max(...cut.map((c) => c.atMs)) : returnedMs;
    if (cut.length > 0) this.#cutOff.holdInject(startMs, allCut ? Number.NEGATIVE_INFINITY : returnedMs);
    else this.timeline.append({ type: "fault-injected", faultId: this.id, fault: this.spec.type, hosts: this.hosts, startMs, atMs });
    const failed = results.find((r) => r !== undefined);
    if (failed) throw new FaultEffectError("VIPDRILL_INJECT_FAILED", `injecting ${this.spec.type}: ${failed}`);
    const unverified = (
      await Promise.all(this.actions.filter((a) => !this.#cutOff.has(a.host.id)).map((a) => a.injected().catch((e: unknown) => errorMessage(e))))
    ).filter((m) => m !== undefined);
    if (unverified.length > 0) {
      throw new FaultEffectError("VIPDRILL_FAULT_NO_EFFECT", `${this.spec.type} did not take effect: ${unverified.join("; ")}`);
    }
    return { startMs, atMs, cut };
  }

  /**
   * Heal every host; idempotent. Throws RestoreError (with manual heal commands) if a host stays
   * faulted. The dead-man timers are disarmed once every host is verified healed; with `deferDisarm`
   * that goes on after this resolves (a drill's settle phase need not wait for it): await disarmed().
   */
  restore(options: { deferDisarm?: boolean } = {}): Promise<void> {
    if (this.#state === "prepared" || this.#state === "restored") return Promise.resolve();
    this.#restoring ??= this.#restore(options.deferDisarm ?? false);
    return this.#restoring;
  }

  /** Resolves once the dead-man timers are disarmed (at once where there are none, or restore() awaited it). */
  async disarmed(): Promise<void> {
    await this.#disarming;
  }

  async #restore(deferDisarm: boolean): Promise<void> {
    this.#state = "restoring";
    const startMs = this.clock.nowMs();
    const runs = await Promise.all(
      this.actions.map(async (a): Promise<HostRestore> =>
        this.#cutOff.has(a.host.id)
          ? this.#cutOff.awaitHeal(a, this.#deadMen.find((d) => d.hostId === a.host.id), this.#dueMs.get(a.host.id) ?? this.clock.nowMs(), this.#graceMs, this.#run)
          : { atMs: Number.NaN, resolutionMs: 0, problem: await this.#run(a.host, a.restore) },
      ),
    );
    const returnedMs = this.clock.nowMs();
    const injected = await this.#cutOff.stampedInject();
    if (injected) this.timeline.append({ type: "fault-injected", faultId: this.id, fault: this.spec.type, hosts: this.hosts, ...injected });
    const stamped = runs.map((r) => r.atMs).filter((t) => Number.isFinite(t));
    // T_r: when the last host healed — a command's return, or a self-healing host's own stamp.
    const atMs = stamped.length === runs.length ? Math.max(...stamped) : returnedMs;
    const uncertaintyMs = stamped.length === runs.length ? this.#cutOff.uncertaintyMs() + Math.max(...runs.map((r) => r.resolutionMs)) : undefined;
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
    this.#disarming = this.#disarm();
    if (!deferDisarm) await this.#disarming;
    this.#state = "restored";
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
  readonly #run: RunCommands = async (host: Host, commands: Command[]) => {
    for (const command of commands) {
      try {
        const result = await runCommand(host, command, this.topology.lifecycle);
        if (result.exitCode !== 0) return `${host.id}: ${failureOf(result)}`;
      } catch (error) {
        return `${host.id}: ${errorMessage(error)}`;
      }
    }
    return undefined;
  };
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
  const timerKinds = new Map<string, DeadManKind>();
  if (!options.dryRun) {
    // The prechecks and, on each host that gets a dead-man timer, which kind it can have: at once,
    // so the inject arms the timer in one round trip.
    const [problems] = await Promise.all([
      Promise.all(actions.map((a) => a.precheck())),
      // A host that cannot be asked now is asked again when the timer is armed (and fails there, in its words).
      Promise.all(
        actions
          .filter((a) => a.selfHealing)
          .map((a) => deadManKind(a.host, `${id}-${a.host.id}`).then((kind) => timerKinds.set(a.host.id, kind), () => undefined)),
      ),
    ]);
    const failed = problems.filter((m) => m !== undefined);
    if (failed.length > 0) throw new FaultError("VIPDRILL_FAULT_PRECHECK", `cannot apply ${spec.type}: ${failed.join("; ")}`);
  }
  return new InjectedFault(id, spec, actions, topology, timeline, clock, options.hostClocks, timerKinds);
}
