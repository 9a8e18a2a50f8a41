import { systemctlService, type ExecTransport, type Host } from "../../src/model/host.js";

/** A Host for unit tests of logic: a load balancer on eth0 with systemd services, unless overridden. */
export function testHost(id: string, transport: ExecTransport, overrides: Partial<Omit<Host, "id" | "transport">> = {}): Host {
  return { id, address: id, roles: ["load-balancer"], labels: {}, transport, vipInterface: "eth0", service: systemctlService, ...overrides };
}
