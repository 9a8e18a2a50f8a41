import { homedir } from "node:os";
import { basename, dirname, extname, join, resolve } from "node:path";
import { z } from "zod";
import { ipToInt } from "../common/ipv4.js";
import { dotted, type YamlPath } from "../common/yaml-document.js";
import { expected, strictMapping as strict, wholeNumber } from "../common/zod-input.js";
import { describeInput, durationMs } from "../common/duration.js";
import { ROLES } from "../model/host.js";
import { HOST_ID, HOST_ID_HELP } from "../model/host-id.js";
import type { Inventory, InventoryHost, JumpHost, ServiceOverride, SshSettings } from "./types.js";

const INTERFACE_PATTERN = /^[a-zA-Z0-9_.:@-]{1,15}$/;
const DNS_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

export const SSH_DEFAULTS = {
  user: "root",
  port: 22,
  knownHostsFile: "~/.ssh/known_hosts",
  agent: true,
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 15_000,
} as const;
export const HAPROXY_DEFAULTS = { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" } as const;
export const DEFAULT_API_PORT = 6443;

const port = wholeNumber("a port from 1 to 65535", 1, 65535);
const bool = z.boolean({ error: expected("true or false") });

/** A mapping whose keys match a pattern: a bad key is named as such, not as a bad mapping. */
const record = <V extends z.ZodType>(keyPattern: RegExp, key: string, value: V, what: string) =>
  z.record(z.string().regex(keyPattern), value, {
    error: (issue) => (issue.code === "invalid_key" ? `expected ${key}, got ${describeInput(issue.input)}` : expected(what)(issue)),
  });

const hostId = (what: string) => z.string({ error: expected(what) }).regex(HOST_ID, { error: expected(what) });

/** An IPv4 address, or a DNS name (not all digits: 10.0.0 is a broken address, not a name). */
function isAddress(text: string): boolean {
  return /^[\d.]+$/.test(text) ? ipToInt(text) !== undefined : DNS_NAME.test(text);
}
const ADDRESS_HELP = "an IPv4 address or a DNS name such as lb-1.example.org";
const address = z.string({ error: expected(ADDRESS_HELP) }).refine(isAddress, { error: expected(ADDRESS_HELP) });

/** `~`, `~/…`, absolute, or relative to the inventory file. `~user/…` is not expanded, so it is refused. */
const filePath = (what: string) =>
  z
    .string({ error: expected(what) })
    .min(1, { error: expected(what) })
    .refine((p) => !p.startsWith("~") || p === "~" || p.startsWith("~/"), { error: expected(`${what} (~/… for your home directory; ~user/ is not expanded)`) });

const POSITIVE_DURATION = "a duration more than 0 such as 10s";
const positiveDuration = durationMs.refine((ms) => ms > 0, { error: expected(POSITIVE_DURATION) });

const UNIT = "a service name such as kubelet, keepalived or kube-apiserver";
const ARGV = "a command as a list of arguments such as [systemctl, start, kubelet]";
const argv = z
  .array(z.string({ error: expected("a non-empty string (quote numbers)") }).min(1, { error: expected("a non-empty string") }), { error: expected(ARGV) })
  .min(1, { error: () => `expected ${ARGV}, got an empty list` });

const sshInput = strict({
  user: z
    .string({ error: expected("a user name such as root") })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, { error: expected("a user name such as root") })
    .optional()
    .describe("login user; default root"),
  port: port.optional().describe("default 22"),
  identityFile: filePath("a private key file such as ~/.ssh/id_ed25519")
    .optional()
    .describe("private key (relative to this file, or ~/…); default: the agent and the default keys that exist"),
  knownHostsFile: filePath("a known_hosts file such as ~/.ssh/known_hosts")
    .optional()
    .describe("host keys are always verified against it; default ~/.ssh/known_hosts"),
  agent: bool.optional().describe("use the SSH agent at $SSH_AUTH_SOCK when it is set; default true"),
  sudo: bool.optional().describe("run every command through sudo -n; default: true unless the user is root"),
  jump: hostId("the id of a jump host or host to connect through, such as bastion")
    .optional()
    .describe("id of a jumpHosts (or hosts) entry to connect through; set at the top, every host but that one goes through it"),
  connectTimeout: positiveDuration.optional().describe("TCP connect + handshake + authentication; default 10s"),
  commandTimeout: positiveDuration.optional().describe("default timeout of one command; default 15s"),
});
type SshInput = z.output<typeof sshInput>;

const serviceOverride = strict({
  stop: argv.describe("argv that stops the service"),
  start: argv.describe("argv that starts it again"),
  isActive: argv
    .optional()
    .describe("argv that exits 0 while it runs; default systemctl is-active --quiet NAME, or pgrep -x NAME when stop/start are not systemctl"),
});

const hostInput = strict({
  id: hostId(HOST_ID_HELP).describe("how scenarios and reports name the host (cp-1, lb-1, …)"),
  address: address.describe("where to reach it over SSH: IPv4 address or DNS name"),
  roles: z
    .array(z.enum(ROLES), { error: expected("a list of roles: control-plane, load-balancer") })
    .min(1, { error: () => "expected at least one role: control-plane, load-balancer, got an empty list" })
    .describe("control-plane and/or load-balancer"),
  labels: record(
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/,
    "a label name of letters, digits, '.', '_', '/' and '-'",
    z.string({ error: expected("a string (quote numbers and true/false)") }),
    "a mapping of label names to strings",
  )
    .prefault({})
    .describe("free-form name: value pairs, shown in reports"),
  vipInterface: z
    .string({ error: expected("an interface name such as eth0") })
    .regex(INTERFACE_PATTERN, { error: expected("an interface name such as eth0") })
    .optional()
    .describe("the interface that carries the VIP (and the link a link pull takes down); required on load balancers, or on control planes when there are none (kube-vip)"),
  haproxyServer: z
    .string({ error: expected("an HAProxy server name such as master-1") })
    .regex(/^[A-Za-z0-9_.:-]+$/, { error: expected("an HAProxy server name such as master-1") })
    .optional()
    .describe("control planes: this host's server name in the HAProxy backend; default its id"),
  ssh: sshInput.optional().describe("per-host SSH settings, merged over the top-level ssh"),
  services: record(/^[A-Za-z0-9@._-]+$/, UNIT, serviceOverride, `a mapping of service names to stop/start commands`)
    .prefault({})
    .describe("how to stop/start services where there is no systemd, or the units have other names"),
});

const jumpHostInput = strict({
  id: hostId(HOST_ID_HELP).describe("how hosts' ssh.jump names it"),
  address: address.describe("IPv4 address or DNS name"),
  ssh: sshInput.optional().describe("its SSH settings, merged over the top-level ssh"),
});

const DNS_HELP = "a DNS name such as api.cluster.local";

/** What users write. Everything but endpoint and hosts has a default. */
export const inventoryInput = strict({
  name: z
    .string({ error: expected("a name of letters, digits, '.', '_' and '-'") })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: expected("a name of letters, digits, '.', '_' and '-'") })
    .optional()
    .describe("names the inventory in reports; default the file name without extension"),
  endpoint: strict({
    vip: z
      .string({ error: expected("the VIP, an IPv4 address such as 192.0.2.10") })
      .refine((vip) => ipToInt(vip) !== undefined, { error: expected("the VIP, an IPv4 address such as 192.0.2.10") })
      .describe("the virtual IP the API is reached at"),
    port: port.prefault(DEFAULT_API_PORT).describe("the API port on the VIP; default 6443"),
    dns: z
      .string({ error: expected(DNS_HELP) })
      .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, { error: expected(DNS_HELP) })
      .optional()
      .describe("the API's DNS name, sent as SNI and Host; default: the VIP"),
    caFile: filePath("a PEM file with the CA certificate").optional().describe("CA that signed the apiserver's serving certificates (relative to this file, or ~/…)"),
    insecure: bool.prefault(false).describe("probe without verifying the certificate; exactly one of caFile and insecure: true"),
  }).describe("the API endpoint the drill probes"),
  ssh: sshInput.prefault({}).describe("SSH settings for every host; hosts and jump hosts override them in their own ssh"),
  haproxy: strict({
    socket: z
      .string({ error: expected("an absolute path on the load balancers such as /run/haproxy/admin.sock") })
      .regex(/^\//, { error: expected("an absolute path on the load balancers such as /run/haproxy/admin.sock") })
      .prefault(HAPROXY_DEFAULTS.socket)
      .describe("HAProxy's runtime API socket on the load balancers"),
    backend: z
      .string({ error: expected("an HAProxy backend name such as kube-apiservers") })
      .regex(/^[A-Za-z0-9_.:-]+$/, { error: expected("an HAProxy backend name such as kube-apiservers") })
      .prefault(HAPROXY_DEFAULTS.backend)
      .describe("the backend whose servers are the control planes"),
  })
    .prefault({})
    .describe("HAProxy runtime API on the load balancers"),
  jumpHosts: z
    .array(jumpHostInput, { error: expected("a list of jump hosts") })
    .prefault([])
    .describe("hosts used only to reach others (bastions): never drilled, never probed"),
  hosts: z
    .array(hostInput, { error: expected("a list of hosts with id, address and roles") })
    .min(1, { error: () => "expected at least one host, got an empty list" })
    .describe("the load balancers and control planes"),
})
  // Every cross-field check runs even when fields have errors, so a file shows all its problems at once;
  // the value may then hold anything, hence the guards.
  .superRefine((value, ctx) => crossCheck(value, (path, message) => ctx.addIssue({ code: "custom", path: [...path], message })), {
    when: () => true,
  });

export type InventoryInput = z.input<typeof inventoryInput>;

type Report = (path: YamlPath, message: string) => void;
type Loose = Record<string, unknown>;

const isMapping = (v: unknown): v is Loose => v !== null && typeof v === "object" && !Array.isArray(v);
const items = (v: unknown): Loose[] => (Array.isArray(v) ? v.map((x) => (isMapping(x) ? x : {})) : []);
const sshOf = (v: Loose): Loose => (isMapping(v.ssh) ? v.ssh : {});

function crossCheck(value: unknown, report: Report): void {
  if (!isMapping(value)) return;
  const endpoint = value.endpoint;
  if (isMapping(endpoint) && (endpoint.insecure === undefined || typeof endpoint.insecure === "boolean")) {
    if (endpoint.caFile !== undefined && endpoint.insecure === true) {
      report(["endpoint", "insecure"], "expected false when endpoint.caFile is set (verify against the CA, or drop caFile), got true");
    } else if (endpoint.caFile === undefined && endpoint.insecure !== true) {
      report(["endpoint", "caFile"], "expected the CA certificate that signed the apiserver's serving certificates (or insecure: true), got nothing");
    }
  }

  const hosts = items(value.hosts);
  const jumpHosts = items(value.jumpHosts);
  const nodes = [
    ...hosts.map((node, i) => ({ node, path: ["hosts", i] as YamlPath })),
    ...jumpHosts.map((node, i) => ({ node, path: ["jumpHosts", i] as YamlPath })),
  ].filter(({ node }) => typeof node.id === "string");

  // Ids: unique across hosts and jump hosts; the later ones are the duplicates.
  const firstWith = new Map<string, YamlPath>();
  for (const { node, path } of nodes) {
    const id = node.id as string;
    const first = firstWith.get(id);
    if (first) report([...path, "id"], `expected an id no other host has, got ${JSON.stringify(id)} (${dotted(first)} has it)`);
    else firstWith.set(id, path);
  }

  // The VIP lives on the load balancers, or on the control planes where there are none (kube-vip).
  const roles = (h: Loose): unknown[] => (Array.isArray(h.roles) ? (h.roles as unknown[]) : []);
  const hasLoadBalancer = hosts.some((h) => roles(h).includes("load-balancer"));
  const carrier = hasLoadBalancer ? "load-balancer" : "control-plane";
  hosts.forEach((h, i) => {
    if (roles(h).includes(carrier) && h.vipInterface === undefined) {
      const where = hasLoadBalancer ? "on a load balancer" : "on a control plane when there is no load balancer (kube-vip)";
      report(["hosts", i, "vipInterface"], `expected the interface that carries the VIP (e.g. eth0) ${where}, got nothing`);
    }
    roles(h).forEach((role, j) => {
      if (roles(h).indexOf(role) < j) report(["hosts", i, "roles", j], `expected each role once, got ${describeInput(role)} again`);
    });
    if (h.haproxyServer !== undefined && roles(h).length > 0 && !roles(h).includes("control-plane")) {
      report(["hosts", i, "haproxyServer"], `expected no haproxyServer on a host that is not a control plane, got ${describeInput(h.haproxyServer)}`);
    }
  });

  // Jumps: to a host that exists, not to itself, and no cycles. A top-level jump is every host's but its target's.
  const topJump = sshOf(value).jump;
  const jumps = new Map<string, { to: string; path: YamlPath }>();
  for (const { node, path } of nodes) {
    const id = node.id as string;
    const own = sshOf(node).jump;
    const jump = own !== undefined ? { to: own, path: [...path, "ssh", "jump"] } : topJump !== id ? { to: topJump, path: ["ssh", "jump"] } : undefined;
    if (jump === undefined || typeof jump.to !== "string") continue;
    if (jump.to === id) {
      report(jump.path, `expected another host to connect through, got ${JSON.stringify(id)} (the host itself)`);
    } else if (!firstWith.has(jump.to)) {
      const known = [...firstWith.keys()].join(", ");
      report(jump.path, `expected the id of a jump host or host (${known}), got ${JSON.stringify(jump.to)}`);
    } else if (!jumps.has(id)) {
      jumps.set(id, { to: jump.to, path: jump.path });
    }
  }
  const reported = new Set<string>();
  for (const [start, { path }] of jumps) {
    const chain = [start];
    let next = jumps.get(start)?.to;
    while (next !== undefined && next !== start && !chain.includes(next)) {
      chain.push(next);
      next = jumps.get(next)?.to;
    }
    if (next !== start) continue;
    const key = [...chain].sort().join(" ");
    if (reported.has(key)) continue;
    reported.add(key);
    report(path, `expected jumps that end at a host reached directly, got a cycle: ${[...chain, start].join(" → ")}`);
  }
}

/** `~` and `~/…` under the home directory; anything else relative to the inventory file's directory. */
export function resolveInventoryPath(path: string, dir: string, homeDir: string): string {
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
      }),
    );
    const jumpHosts = input.jumpHosts.map((j): JumpHost => ({ id: j.id, address: j.address, ssh: sshFor(j.id, j.ssh) }));
    const { endpoint } = input;
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
      haproxy: { socket: input.haproxy.socket, backend: input.haproxy.backend },
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
