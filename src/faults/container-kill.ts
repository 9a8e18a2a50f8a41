import { DEFAULT_CONTAINER } from "../model/kube-vip.js";
import type { FaultSpec } from "../model/scenario.js";
import { exec } from "../model/command.js";
import { anchored, containerState, runningContainers, waitForContainerArgv } from "./crictl.js";
import type { FaultDefinition } from "./fault.js";

/** Grace before SIGKILL for a SIGTERM stop: the kubelet's default terminationGracePeriodSeconds. */
const GRACE_S = 30;
/** How long the restore waits for the kubelet to start the container again (its back-off reaches 40 s by the third crash). */
const RESTART_WAIT_S = 60;

/**
 * Stop a running container with `crictl stop`: with no grace (SIGKILL, crictl's default: a crash,
 * an OOM kill) or with SIGTERM first (a graceful stop). Nothing is undone: the kubelet starts the
 * container again, and the restore waits until it has (the drill measures both the failover and
 * the return).
 */
export const containerKill: FaultDefinition<Extract<FaultSpec, { type: "container-kill" }>> = {
  type: "container-kill",
  description: "stop a container with crictl; the kubelet starts it again",
  labOnly: false,
  async prepare(spec, targets, topology) {
    const name = spec.container ?? topology.kubeVip?.container ?? DEFAULT_CONTAINER;
    const timeoutS = spec.signal === "SIGKILL" ? 0 : GRACE_S;
    const stop = [
      'id=$(crictl ps --name "$1" --state running -q | head -n 1)',
      '[ -n "$id" ] || { echo "no running container matching $1" >&2; exit 1; }',
      'exec crictl stop --timeout "$2" "$id"',
    ].join("\n");
    return targets.map((host) => {
      let stopped: string | undefined;
      return {
        host,
        inject: [exec(["sh", "-c", stop, "container-kill", anchored(name), String(timeoutS)])],
        restore: [exec(waitForContainerArgv(name, RESTART_WAIT_S))],
        selfHealing: true,
        precheck: async () => {
          const running = await runningContainers(host, name);
          if ("problem" in running) return running.problem;
          stopped = running.ids[0];
          return stopped === undefined ? `no running container named ${name} on ${host.id} (crictl ps --name ${anchored(name)})` : undefined;
        },
        injected: async () => {
          if (stopped === undefined) return undefined;
          const state = await containerState(host, stopped);
          return state === "CONTAINER_RUNNING" ? `container ${stopped.slice(0, 13)} (${name}) still running on ${host.id}` : undefined;
        },
        restored: async () => {
          const running = await runningContainers(host, name);
          if ("problem" in running) return running.problem;
          return running.ids.length > 0 ? undefined : `no running ${name} container on ${host.id} yet`;
        },
      };
    });
  },
};
