import type { FaultSpec, FaultType } from "../model/scenario.js";
import type { Host, Topology } from "../model/host.js";
import type { Command } from "../model/command.js";

/**
 * What one fault does to one host. The checks return undefined when the host is as expected,
 * else a short phrase saying what was seen instead.
 */
export interface HostAction {
  host: Host;
  inject: Command[];
  restore: Command[];
  /** Whether `restore` can run on the host by itself (dead-man timer); false for lab lifecycle ops. */
  selfHealing: boolean;
  /**
   * The inject cuts vipdrill's own connection to the host (a link pull on the link SSH uses): its
   * result cannot come back and no restore can be sent, so the dead-man timer is the restore, due
   * at the end of the hold, and vipdrill verifies both once the host answers again.
   */
  cutsTransport?: boolean;
  /** Before anything is done: can this fault be applied here (unit exists, interface exists…)? */
  precheck(): Promise<string | undefined>;
  /** After inject: did it take effect? */
  injected(): Promise<string | undefined>;
  /** After restore: is the host healed? */
  restored(): Promise<string | undefined>;
}

export interface FaultDefinition<S extends FaultSpec = FaultSpec> {
  readonly type: S["type"];
  readonly description: string;
  /** Why the fault works only in the docker lab (it needs container lifecycle or the stand-ins), or false. */
  readonly labOnly: false | string;
  /**
   * Build the per-host actions. With `dryRun`, nothing is read from the hosts: state captured
   * before the fault (routes) is described instead.
   */
  prepare(spec: S, targets: Host[], topology: Topology, options: { dryRun: boolean }): Promise<HostAction[]>;
}

export type FaultCatalogue = { [T in FaultType]: FaultDefinition<Extract<FaultSpec, { type: T }>> };
