import { LabError } from "../../common/errors.js";
import { balancerConfig, describeFound } from "../../host-tools/balancer-config.js";
import { runtimeCall } from "../../host-tools/haproxy-runtime.js";
import type { Host } from "../../model/host.js";
import { execFailure, onEveryLoadBalancer, unreachable, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

/** HAProxy answers `show cli level` (2.0 and later) with the socket's level; an older one does not know the command. */
async function socketLevelProblem(context: CheckContext, host: Host): Promise<string | undefined> {
  const result = await context.on(host.id, runtimeCall(host, context.topology, "show cli level", { timeoutMs: context.remainingMs(), signal: context.signal }));
  if (typeof result === "string") return result;
  if (result.exitCode !== 0) return `its runtime API does not answer: ${execFailure(result)}`;
  const level = result.stdout.trim();
  return ["admin", ""].includes(level) || /unknown command/i.test(level) ? undefined : `the socket is level ${level}, not admin: add \`level admin\` to its stats socket line`;
}

async function inspect(context: CheckContext, host: Host): Promise<HostFinding> {
  try {
    const config = await context.on(host.id, balancerConfig(host, context.topology));
    const problems: string[] = [];
    const conf = config.keepalivedConf;
    if ("error" in config.keepalived) problems.push(config.keepalived.error);
    if ("error" in config.socket) problems.push(config.socket.error);
    else {
      const level = await socketLevelProblem(context, host).catch((error: unknown) => {
        if (error instanceof LabError && error.code === "VIPDRILL_HAPROXY_SOCKET") return error.message.replace(`${host.id}: `, "");
        throw error;
      });
      if (level !== undefined) problems.push(level);
    }
    const seen = `keepalived.conf ${describeFound(conf)}; HAProxy socket ${describeFound(config.socket)}`;
    return problems.length === 0 ? { id: host.id, status: "pass", seen } : { id: host.id, status: "fail", seen: problems.join("; ") };
  } catch (error) {
    return { id: host.id, status: "fail", seen: unreachable(error) };
  }
}

/**
 * Where each balancer's daemons really read their configuration (README "Real hosts"): the
 * keepalived.conf its Keepalived reads, readable; HAProxy's runtime socket, reachable at admin
 * level — each with how it was found (the inventory, the running process, a default).
 */
export const daemonConfigCheck: CheckDefinition = {
  id: "daemon-config",
  title: "each balancer's keepalived.conf is found and readable, and its HAProxy runtime socket answers at admin level",
  run: (context) => onEveryLoadBalancer(context, "Keepalived or HAProxy", (host) => inspect(context, host)),
};
