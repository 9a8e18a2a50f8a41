import type { Inventory, InventoryHost } from "../../inventory/types.js";
import { systemctlService, type ExecTransport, type Host, type ServiceCommands, type Topology } from "../../model/host.js";

/** A host's service commands: its inventory override, else systemctl. */
export function serviceCommands(host: InventoryHost, name: string): ServiceCommands {
  const override = host.services[name];
  if (!override) return systemctlService(name);
  const systemctl = override.stop[0] === "systemctl" || override.start[0] === "systemctl";
  return {
    stop: override.stop,
    start: override.start,
    // Without an isActive of its own: systemctl's where the override uses systemctl, else the process by name.
    isActive: override.isActive ?? (systemctl ? systemctlService(name).isActive : ["pgrep", "-x", name]),
  };
}

/**
 * The Topology of an inventory: its hosts, each reached through the transport `transportFor` gives
 * (SSH for a run; one that refuses for `plan`, which never touches a host).
 */
export function inventoryTopology(inventory: Inventory, transportFor: (hostId: string) => ExecTransport, close?: () => Promise<void>): Topology {
  const hosts: Host[] = inventory.hosts.map((h) => ({
    id: h.id,
    address: h.address,
    roles: h.roles,
    labels: h.labels,
    transport: transportFor(h.id),
    // Hosts that cannot carry the VIP need no interface; a link pull on them names one itself.
    vipInterface: h.vipInterface ?? "",
    service: (name: string) => serviceCommands(h, name),
    ...(h.haproxyServer === undefined ? {} : { haproxyServer: h.haproxyServer }),
    ...(h.nodeName === undefined ? {} : { nodeName: h.nodeName }),
    ...(h.haproxySocket === undefined ? {} : { haproxySocket: h.haproxySocket }),
    ...(h.keepalivedConf === undefined ? {} : { keepalivedConf: h.keepalivedConf }),
  }));
  const kubeVip = inventory.kubeVip;
  return {
    kind: "inventory",
    name: inventory.name,
    hosts,
    endpoint: {
      vip: inventory.endpoint.vip,
      port: inventory.endpoint.port,
      dns: inventory.endpoint.dns ?? inventory.endpoint.vip,
      ...(inventory.endpoint.caPem === undefined ? {} : { caPem: inventory.endpoint.caPem }),
    },
    haproxy: inventory.haproxy,
    vipManager: inventory.vipManager,
    ...(kubeVip && {
      kubeVip: {
        lease: kubeVip.lease,
        manifestPath: kubeVip.manifest,
        container: kubeVip.container,
        leaseAccess: kubeVip.credentials ? { kind: "api", credentials: kubeVip.credentials } : { kind: "kubectl", kubeconfig: kubeVip.hostKubeconfig },
        source: `the inventory ${inventory.file}`,
      },
    }),
    ...(close ? { close } : {}),
  };
}
