import type { FaultSpec } from "../model/scenario.js";
import { probeOnce } from "../probes/https-probe.js";
import { exec } from "../model/command.js";
import type { FaultDefinition } from "./fault.js";

const FLAG = "/run/vipdrill/apiserver-unhealthy";

/** Make the lab's stand-in apiserver answer 500 on /healthz, /livez, /readyz (it keeps running). */
export const apiserverUnhealthy: FaultDefinition<Extract<FaultSpec, { type: "apiserver-unhealthy" }>> = {
  type: "apiserver-unhealthy",
  description: "make the stand-in kube-apiserver report unhealthy",
  labOnly: "it flips a switch of the lab's stand-in apiserver; on real hosts stop the apiserver (service-stop) or drain it (backend-drain) instead",
  async prepare(_spec, targets, topology) {
    const health = async (address: string): Promise<string> =>
      (
        await probeOnce({
          address,
          port: topology.endpoint.port,
          servername: topology.endpoint.dns,
          path: "/healthz",
          caPem: topology.endpoint.caPem,
          expect: "ok",
          timeoutMs: 2000,
        })
      ).outcome;
    return targets.map((host) => ({
      host,
      inject: [exec(["mkdir", "-p", "/run/vipdrill"]), exec(["touch", FLAG])],
      restore: [exec(["rm", "-f", FLAG])],
      selfHealing: true,
      precheck: async () => {
        const outcome = await health(host.address);
        return outcome === "ok" ? undefined : `${host.id} /healthz is ${outcome} before the fault`;
      },
      injected: async () => {
        const outcome = await health(host.address);
        return outcome === "http-status" ? undefined : `${host.id} /healthz is ${outcome}, expected HTTP 500`;
      },
      restored: async () => {
        const outcome = await health(host.address);
        return outcome === "ok" ? undefined : `${host.id} /healthz is ${outcome}`;
      },
    }));
  },
};
