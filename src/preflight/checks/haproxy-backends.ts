import { LabError } from "../../common/errors.js";
import { parseShowStat, runtimeCall, runtimeSocket } from "../../host-tools/haproxy-runtime.js";
import type { Host, Topology } from "../../model/host.js";
import { controlPlanes, execFailure, listing, onEveryLoadBalancer, unreachable, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

export interface BackendServer {
  server: string;
  status: string;
  /** The last health check's result (L7OK, L4CON, L7STS, …), when HAProxy reports one. */
  checkStatus: string;
}

/** The servers of `backend` in a `show stat` CSV, with each one's check status (found by its header name). */
export function backendServers(csv: string, backend: string): BackendServer[] {
  const header = csv.split("\n").find((line) => line.startsWith("#"));
  const checkColumn = header ? header.replace(/^#\s*/, "").split(",").indexOf("check_status") : -1;
  const checkStatus = new Map<string, string>();
  if (checkColumn >= 0) {
    for (const line of csv.split("\n")) {
      const cols = line.split(",");
      if (cols[0] === backend && cols[1] !== undefined) checkStatus.set(cols[1], (cols[checkColumn] ?? "").replace(/^\*\s*/, "").trim());
    }
  }
  return parseShowStat(csv)
    .filter((row) => row.backend === backend && row.server !== "BACKEND" && row.server !== "FRONTEND")
    .map((row) => ({ server: row.server, status: row.status, checkStatus: checkStatus.get(row.server) ?? "" }));
}

/** The server names the control planes go by in the backend. */
export const expectedServers = (topology: Topology): string[] => controlPlanes(topology).map((h) => h.haproxyServer ?? h.id);

/** One balancer's verdict: every server UP, and every control plane among the servers. */
export function judgeBackends(hostId: string, backend: string, servers: readonly BackendServer[], expected: readonly string[]): HostFinding {
  if (servers.length === 0) return { id: hostId, status: "fail", seen: `backend ${backend} not found or without servers` };
  const described = servers.map((s) => {
    if (s.status === "UP") return `${s.server} UP`;
    return `${s.server} ${s.status}${s.checkStatus ? ` (${s.checkStatus})` : ""}`;
  });
  const missing = expected.filter((name) => !servers.some((s) => s.server === name));
  if (missing.length > 0) described.push(`${listing(missing)} not in ${backend}`);
  const ok = servers.every((s) => s.status === "UP") && missing.length === 0;
  return { id: hostId, status: ok ? "pass" : "fail", seen: described.join(", ") };
}

async function inspect(context: CheckContext, host: Host): Promise<HostFinding> {
  const { topology } = context;
  try {
    const result = await context.on(host.id, runtimeCall(host, topology, "show stat", { timeoutMs: context.remainingMs(), signal: context.signal }));
    if (typeof result === "string") return { id: host.id, status: "fail", seen: result };
    if (result.exitCode !== 0) {
      const socket = await runtimeSocket(host, topology);
      return { id: host.id, status: "fail", seen: `runtime API ${socket.path} unavailable: ${execFailure(result)}` };
    }
    return judgeBackends(host.id, topology.haproxy.backend, backendServers(result.stdout, topology.haproxy.backend), expectedServers(topology));
  } catch (error) {
    // A socket none will do is bad input, said as such; anything else is the host out of reach.
    return { id: host.id, status: "fail", seen: error instanceof LabError && error.code === "VIPDRILL_HAPROXY_SOCKET" ? error.message.replace(`${host.id}: `, "") : unreachable(error) };
  }
}

/** The runbook: every control plane in HAProxy's rotation, UP by its health check, on every balancer. */
export const haproxyBackendsCheck: CheckDefinition = {
  id: "haproxy-backends",
  title: "every HAProxy backend server is UP on every load balancer",
  run: (context) => onEveryLoadBalancer(context, "HAProxy", (host) => inspect(context, host)),
};
