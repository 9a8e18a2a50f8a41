import type { FaultSpec } from "../model/scenario.js";
import { hostsWithRole, type Host } from "../model/host.js";
import { exec } from "../model/command.js";
import type { FaultDefinition, HostAction } from "./fault.js";
import { runtimeClient, runtimeClientArgv, runtimeSocket, serversState } from "../host-tools/haproxy-runtime.js";

const FORCED_MAINT = 0x01;
const FORCED_DRAIN = 0x08;

/**
 * Take control planes out of HAProxy rotation on every load balancer, through the runtime API
 * (`set server BE/SRV state drain|maint`); restore sets `state ready`. The targets name the servers;
 * the actions run on the load balancers.
 */
export const backendDrain: FaultDefinition<Extract<FaultSpec, { type: "backend-drain" }>> = {
  type: "backend-drain",
  description: "take control planes out of HAProxy rotation on every load balancer",
  labOnly: false,
  async prepare(spec, targets, topology) {
    const lbs = hostsWithRole(topology.hosts, "load-balancer");
    const backend = topology.haproxy.backend;
    const bit = spec.state === "maint" ? FORCED_MAINT : FORCED_DRAIN;
    const servers = targets.map((t) => t.haproxyServer ?? t.id);
    const check = async (lb: Host, wantSet: boolean): Promise<string | undefined> => {
      const states = await serversState(lb, topology);
      if (typeof states === "string") return states;
      for (const server of servers) {
        const state = states.find((s) => s.server === server);
        if (!state) return `no server ${backend}/${server} on ${lb.id}`;
        if (Boolean(state.adminState & bit) !== wantSet) {
          return `${backend}/${server} on ${lb.id} is ${wantSet ? "not" : "still"} in ${spec.state} (admin state ${state.adminState})`;
        }
      }
      return undefined;
    };
    return Promise.all(
      lbs.map(async (lb): Promise<HostAction> => {
        // The client this balancer has. Where it cannot be asked (a plan touches no host) or has none,
        // socat stands in: the precheck, which asks again, then refuses the fault with the reason.
        const client = (await runtimeClient(lb).catch(() => undefined)) ?? "socat";
        // Its own socket; a plan, which asks no host, shows the one the inventory gives.
        const socket = (await runtimeSocket(lb, topology).catch(() => undefined))?.path ?? lb.haproxySocket ?? topology.haproxy.socket;
        const send = (line: string) => exec(runtimeClientArgv(client, socket), `${line}\n`);
        return {
          host: lb,
          inject: servers.map((s) => send(`set server ${backend}/${s} state ${spec.state}`)),
          restore: servers.map((s) => send(`set server ${backend}/${s} state ready`)),
          selfHealing: true,
          precheck: async () => {
            const states = await serversState(lb, topology);
            if (typeof states === "string") return states;
            const missing = servers.filter((s) => !states.some((st) => st.server === s));
            return missing.length === 0
              ? undefined
              : `${lb.id} has no server ${missing.map((s) => `${backend}/${s}`).join(", ")} (it has: ${states.map((s) => s.server).join(", ")})`;
          },
          injected: () => check(lb, true),
          restored: () => check(lb, false),
        };
      }),
    );
  },
};
