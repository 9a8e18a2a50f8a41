import pRetry from "p-retry";
import type { Clock } from "../common/clock.js";
import { RestoreError, UsageError, errorMessage } from "../common/errors.js";
import type { Timeline } from "../engine/timeline.js";
import type { FaultSpec } from "../scenario/types.js";
import type { Host, Topology } from "../targets/host.js";
import { FAULTS } from "./catalogue.js";
import { failureOf, renderCommand, runCommand, type Command } from "./command.js";
import { armDeadMan, type DeadMan } from "./dead-man.js";
import type { FaultDefinition, HostAction } from "./fault.js";

export class FaultError extends UsageError {}

/**
 * One fault's life: precheck → arm dead-man timers → inject (T_f) → verify → restore (T_r) → verify
 * → disarm. `restore` is idempotent and safe to call from a signal handler's cleanup at any point.
 */
export class InjectedFault {
  #state: "prepared" | "injecting" | "injected" | "restoring" | "restored" = "prepared";
  #restoring: Promise<void> | undefined;
  readonly #deadMen: DeadMan[] = [];
  readonly hosts: string[];

  constructor(
    readonly id: string,
    readonly spec: FaultSpec,
    readonly actions: HostAction[],
    private readonly topology: Topology,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
  ) {
    this.hosts = actions.map((a) => a.host.id);
  }

  get state(): string {
    return this.#state;
  }

  /** Arm dead-man timers (healing after deadManMs), run the inject commands, verify the effect. */
  async inject(deadManMs: number): Promise<{ startMs: number; atMs: number }> {
    try {
      for (const action of this.actions) {
        if (!action.selfHealing) continue;
        this.#deadMen.push(await armDeadMan(action.host, `${this.id}-${action.host.id}`, action.restore, deadManMs));
      }
    } catch (error) {
      // Nothing is faulted yet: cancel the timers already armed, so none fires later for nothing.
      await this.#disarm();
      throw new FaultError("VIPDRILL_DEAD_MAN", `${errorMessage(error)}; nothing was injected`, { cause: error });
    }
    this.#state = "injecting";
    const startMs = this.clock.nowMs();
    const results = await Promise.all(this.actions.map((a) => this.#run(a.host, a.inject)));
    const atMs = this.clock.nowMs();
    this.#state = "injected";
    this.timeline.append({ type: "fault-injected", faultId: this.id, fault: this.spec.type, hosts: this.hosts, startMs, atMs });
    const failed = results.find((r) => r !== undefined);
    if (failed) throw new FaultError("VIPDRILL_INJECT_FAILED", `injecting ${this.spec.type}: ${failed}`);
    const unverified = (await Promise.all(this.actions.map((a) => a.injected()))).filter((m) => m !== undefined);
    if (unverified.length > 0) {
      throw new FaultError("VIPDRILL_FAULT_NO_EFFECT", `${this.spec.type} did not take effect: ${unverified.join("; ")}`);
    }
    return { startMs, atMs };
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
    const runs = await Promise.all(this.actions.map((a) => this.#run(a.host, a.restore)));
    const atMs = this.clock.nowMs();
    this.timeline.append({ type: "fault-restored", faultId: this.id, fault: this.spec.type, hosts: this.hosts, startMs, atMs });
    // Some effects take a moment to show (a unit starting, a link's routes): check again for ~5 s.
    let problems: string[] = [];
    await pRetry(
      async () => {
        problems = (await Promise.all(this.actions.map((a) => a.restored().catch((e: unknown) => errorMessage(e))))).filter(
          (m): m is string => m !== undefined,
        );
        if (problems.length > 0) throw new Error(problems.join("; "));
      },
      { retries: 20, factor: 1, minTimeout: 250, maxTimeout: 250 },
    ).catch(() => undefined);
    const failedRuns = runs.filter((r): r is string => r !== undefined);
    if (problems.length > 0 || failedRuns.length > 0) {
      throw new RestoreError(
        `restoring ${this.spec.type} on ${this.hosts.join(", ")} failed: ${[...failedRuns, ...problems].join("; ")}`,
        this.manualHeal(),
      );
    }
    await this.#disarm();
    this.#state = "restored";
  }

  async #disarm(): Promise<void> {
    await Promise.all(
      this.#deadMen.map(async (deadMan) => {
        const host = this.topology.hosts.find((h) => h.id === deadMan.hostId);
        if (host) await runCommand(host, deadMan.disarm, this.topology.lifecycle);
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

  async #run(host: Host, commands: Command[]): Promise<string | undefined> {
    for (const command of commands) {
      const result = await runCommand(host, command, this.topology.lifecycle);
      if (result.exitCode !== 0) return `${host.id}: ${failureOf(result)}`;
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
  options: { dryRun?: boolean } = {},
): Promise<InjectedFault> {
  const definition = FAULTS[spec.type] as FaultDefinition;
  if (definition.needsLifecycle && !topology.lifecycle) {
    throw new FaultError(
      "VIPDRILL_FAULT_LAB_ONLY",
      `fault ${spec.type} needs the docker lab (it kills or pauses containers); it cannot run against an inventory`,
    );
  }
  const actions = await definition.prepare(spec, targets, topology, { dryRun: options.dryRun ?? false });
  if (!options.dryRun) {
    const problems = (await Promise.all(actions.map((a) => a.precheck()))).filter((m) => m !== undefined);
    if (problems.length > 0) throw new FaultError("VIPDRILL_FAULT_PRECHECK", `cannot apply ${spec.type}: ${problems.join("; ")}`);
  }
  return new InjectedFault(id, spec, actions, topology, timeline, clock);
}
