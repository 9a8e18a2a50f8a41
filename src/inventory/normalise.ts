/**
 * An inventory as vipdrill uses it, from what the file holds (input.ts): defaults filled in, SSH
 * settings merged, durations in ms, paths absolute.
 */
import { homedir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { HAPROXY_DEFAULTS, inventoryInput, type SshInput } from "./input.js";
import type { Inventory, InventoryHost, JumpHost, ServiceOverride, SshSettings } from "./types.js";

const SSH_DEFAULTS = {
  user: "root",
  port: 22,
  knownHostsFile: "~/.ssh/known_hosts",
  agent: true,
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 15_000,
} as const;

/** `~` and `~/…` under the home directory; anything else relative to the inventory file's directory. */
function resolveInventoryPath(path: string, dir: string, homeDir: string): string {
  if (path === "~") return homeDir;
  if (path.startsWith("~/")) return join(homeDir, path.slice(2));
  return resolve(dir, path);
}

/**
 * YAML in, the Inventory out: defaults filled in, SSH settings merged (defaults, then the top-level
 * `ssh`, then the host's own), durations in ms, paths absolute. `file` names the inventory and anchors
 * relative paths; the CA file is not read here.
 */
export function inventorySchema(file: string, homeDir: string = homedir()) {
  const dir = dirname(resolve(file));
  const path = (p: string): string => resolveInventoryPath(p, dir, homeDir);
  return inventoryInput.transform((input): Inventory => {
    const sshFor = (id: string, own: SshInput | undefined): SshSettings => mergeSsh(id, input.ssh, own ?? {}, path);
    const hosts = input.hosts.map(
      (h): InventoryHost => ({
        id: h.id,
        address: h.address,
        roles: h.roles,
        labels: h.labels,
        ...(h.vipInterface !== undefined && { vipInterface: h.vipInterface }),
        ssh: sshFor(h.id, h.ssh),
        services: Object.fromEntries(
          Object.entries(h.services).map(([name, s]): [string, ServiceOverride] => [
            name,
            { stop: s.stop, start: s.start, ...(s.isActive !== undefined && { isActive: s.isActive }) },
          ]),
        ),
        ...((h.haproxyServer !== undefined || h.roles.includes("control-plane")) && { haproxyServer: h.haproxyServer ?? h.id }),
        ...(h.nodeName !== undefined && { nodeName: h.nodeName }),
        ...(h.haproxySocket !== undefined && { haproxySocket: h.haproxySocket }),
        ...(h.keepalivedConf !== undefined && { keepalivedConf: h.keepalivedConf }),
      }),
    );
    const jumpHosts = input.jumpHosts.map((j): JumpHost => ({ id: j.id, address: j.address, ssh: sshFor(j.id, j.ssh) }));
    const { endpoint, kubeVip } = input;
    // The VIP lives on the load balancers, or on the control planes where there are none.
    const vipManager = input.topology === undefined ? (input.hosts.some((h) => h.roles.includes("load-balancer")) ? "keepalived" : "kube-vip") : input.topology === "kube-vip" ? "kube-vip" : "keepalived";
    return {
      file: resolve(file),
      name: input.name ?? basename(file, extname(file)),
      endpoint: {
        vip: endpoint.vip,
        port: endpoint.port,
        ...(endpoint.dns !== undefined && { dns: endpoint.dns }),
        ...(endpoint.caFile !== undefined && { caFile: path(endpoint.caFile) }),
        insecure: endpoint.insecure,
      },
      haproxy: { socket: input.haproxy.socket ?? HAPROXY_DEFAULTS.socket, backend: input.haproxy.backend, ...(input.haproxy.socket !== undefined && { socketGiven: "inventory" as const }) },
      vipManager,
      ...(vipManager === "kube-vip" && {
        kubeVip: {
          ...(kubeVip?.kubeconfig !== undefined && { kubeconfig: path(kubeVip.kubeconfig) }),
          hostKubeconfig: kubeVip?.hostKubeconfig ?? "/etc/kubernetes/admin.conf",
          manifest: kubeVip?.manifest ?? "/etc/kubernetes/manifests/kube-vip.yaml",
          container: kubeVip?.container ?? "kube-vip",
          lease: { namespace: kubeVip?.leaseNamespace ?? "kube-system", name: kubeVip?.leaseName ?? "plndr-cp-lock" },
        },
      }),
      hosts,
      jumpHosts,
    };
  });
}

function mergeSsh(id: string, top: SshInput, own: SshInput, path: (p: string) => string): SshSettings {
  const user = own.user ?? top.user ?? SSH_DEFAULTS.user;
  const identityFile = own.identityFile ?? top.identityFile;
  // A top-level jump is how every host is reached, except the jump host itself.
  const jump = own.jump ?? (top.jump === id ? undefined : top.jump);
  return {
    user,
    port: own.port ?? top.port ?? SSH_DEFAULTS.port,
    ...(identityFile !== undefined && { identityFile: path(identityFile) }),
    knownHostsFile: path(own.knownHostsFile ?? top.knownHostsFile ?? SSH_DEFAULTS.knownHostsFile),
    agent: own.agent ?? top.agent ?? SSH_DEFAULTS.agent,
    ...(jump !== undefined && { jump }),
    sudo: own.sudo ?? top.sudo ?? user !== "root",
    connectTimeoutMs: own.connectTimeout ?? top.connectTimeout ?? SSH_DEFAULTS.connectTimeoutMs,
    commandTimeoutMs: own.commandTimeout ?? top.commandTimeout ?? SSH_DEFAULTS.commandTimeoutMs,
  };
}
