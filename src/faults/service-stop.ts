import type { FaultSpec } from "../model/scenario.js";
import { exec, failureOf } from "../model/command.js";
import type { FaultDefinition } from "./fault.js";

/** `systemctl stop UNIT` (or the host's own stop command); restore starts it again. */
export const serviceStop: FaultDefinition<Extract<FaultSpec, { type: "service-stop" }>> = {
  type: "service-stop",
  description: "stop a service on the target hosts",
  labOnly: false,
  async prepare(spec, targets) {
    return targets.map((host) => {
      const commands = host.service(spec.service);
      const isActive = async (): Promise<boolean> =>
        (await host.transport.exec(commands.isActive, { timeoutMs: 10_000 })).exitCode === 0;
      return {
        host,
        inject: [exec(commands.stop)],
        restore: [exec(commands.start)],
        selfHealing: true,
        precheck: async () => {
          const result = await host.transport.exec(commands.isActive, { timeoutMs: 10_000 });
          if (result.exitCode === 0) return undefined;
          const why = `service ${spec.service} is not running on ${host.id} (${failureOf(result)})`;
          // On a real host the usual cause is a unit by another name, or no systemd: say where that goes.
          if (host.transport.kind !== "ssh") return why;
          return `${why}; where its unit has another name or the host has no systemd, give ${host.id} its own commands in the inventory: services: { ${spec.service}: { stop: [...], start: [...], isActive: [...] } }`;
        },
        injected: async () => ((await isActive()) ? `${spec.service} still running on ${host.id}` : undefined),
        restored: async () => ((await isActive()) ? undefined : `${spec.service} not running again on ${host.id}`),
      };
    });
  },
};
