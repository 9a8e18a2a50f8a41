import { dirname, basename, posix } from "node:path";
import { DEFAULT_CONTAINER, DEFAULT_MANIFEST } from "../model/kube-vip.js";
import type { FaultSpec } from "../model/scenario.js";
import { exec, failureOf } from "../model/command.js";
import { runningContainers } from "./crictl.js";
import type { FaultDefinition } from "./fault.js";

/**
 * Stop a static pod the way an operator does: move its manifest out of the kubelet's manifests
 * directory (the kubelet stops the pod gracefully — kube-vip releases its Lease) and back (the
 * kubelet starts it again). The manifest waits beside the directory, not in it: the kubelet would
 * read any file left there.
 */
export const staticPodStop: FaultDefinition<Extract<FaultSpec, { type: "static-pod-stop" }>> = {
  type: "static-pod-stop",
  description: "move a static pod's manifest out of the manifests directory, and back",
  labOnly: false,
  async prepare(spec, targets, topology) {
    const manifest = spec.manifest ?? topology.kubeVip?.manifestPath ?? DEFAULT_MANIFEST;
    const container = topology.kubeVip?.container ?? DEFAULT_CONTAINER;
    const parked = posix.join(dirname(dirname(manifest)), `${basename(manifest)}.vipdrill-stopped`);
    return targets.map((host) => {
      const exists = async (path: string): Promise<boolean> => (await host.transport.exec(["test", "-e", path], { timeoutMs: 10_000 })).exitCode === 0;
      return {
        host,
        inject: [exec(["mv", "--", manifest, parked])],
        // Idempotent: the dead-man timer and vipdrill may both run it.
        restore: [exec(["sh", "-c", 'if [ -e "$2" ]; then mv -- "$2" "$1"; fi', "static-pod-restore", manifest, parked])],
        selfHealing: true,
        precheck: async () => {
          const found = await host.transport.exec(["test", "-f", manifest], { timeoutMs: 10_000 });
          if (found.exitCode !== 0) return `no static-pod manifest ${manifest} on ${host.id} (${failureOf(found)}): set kubeVip.manifest in the inventory, or fault.manifest`;
          if (await exists(parked)) return `${parked} already exists on ${host.id}: an earlier drill left it; move it back to ${manifest} first`;
          return undefined;
        },
        injected: async () => ((await exists(manifest)) ? `${manifest} is still in place on ${host.id}` : undefined),
        restored: async () => {
          if (!(await exists(manifest))) return `${manifest} is not back on ${host.id}`;
          const running = await runningContainers(host, container);
          if ("problem" in running) return undefined; // no crictl: the manifest is what we put back
          return running.ids.length > 0 ? undefined : `the kubelet has not started ${container} again on ${host.id}`;
        },
      };
    });
  },
};
