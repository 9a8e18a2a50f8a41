import type { FaultSpec } from "../model/scenario.js";
import type { Topology } from "../model/host.js";
import type { FaultDefinition } from "./fault.js";

type LifecycleFault = Extract<FaultSpec, { type: "node-kill" | "node-pause" }>;

function lifecycleFault<S extends LifecycleFault>(
  type: S["type"],
  description: string,
  ops: { inject: "kill" | "pause"; restore: "start" | "unpause"; faulted: string },
): FaultDefinition<S> {
  const stateOf = async (topology: Topology, id: string): Promise<string> =>
    topology.lifecycle ? topology.lifecycle.state(id) : "unknown";
  return {
    type,
    description,
    labOnly: "it kills or pauses containers; on real hosts use service-stop or link-down",
    async prepare(_spec, targets, topology) {
      return targets.map((host) => ({
        host,
        inject: [{ kind: "lifecycle", op: ops.inject, node: host.id }],
        restore: [{ kind: "lifecycle", op: ops.restore, node: host.id }],
        // Nothing on the node can undo its own death; the lab is torn down on exit anyway.
        selfHealing: false,
        precheck: async () => {
          const state = await stateOf(topology, host.id);
          return state === "running" ? undefined : `${host.id} is ${state}, not running`;
        },
        injected: async () => {
          const state = await stateOf(topology, host.id);
          return state === ops.faulted ? undefined : `${host.id} is ${state}, not ${ops.faulted}`;
        },
        restored: async () => {
          const state = await stateOf(topology, host.id);
          return state === "running" ? undefined : `${host.id} is ${state}, not running`;
        },
      }));
    },
  };
}

/** Lab only: SIGKILL the node's container (power cut); restore starts it, systemd boots again. */
export const nodeKill = lifecycleFault<Extract<FaultSpec, { type: "node-kill" }>>("node-kill", "kill the node's container", {
  inject: "kill",
  restore: "start",
  faulted: "exited",
});

/** Lab only: freeze the node's container (a hung VM); restore thaws it. */
export const nodePause = lifecycleFault<Extract<FaultSpec, { type: "node-pause" }>>("node-pause", "pause the node's container", {
  inject: "pause",
  restore: "unpause",
  faulted: "paused",
});
