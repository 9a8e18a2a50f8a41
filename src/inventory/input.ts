/**
 * What an inventory file may hold: the zod schema of the YAML, key by key, with a default where a key
 * may be left out. The checks across keys are in cross-check.ts, the Inventory it becomes in normalise.ts;
 * inventories/inventory.schema.json is generated from this shape.
 */
import { z } from "zod";
import { ipToInt } from "../common/ipv4.js";
import { describeInput, durationMs } from "../common/duration.js";
import { expected, strictMapping as strict, wholeNumber } from "../common/zod-input.js";
import { ROLES } from "../model/host.js";
import { HOST_ID, HOST_ID_HELP } from "../model/host-id.js";
import { crossCheck } from "./cross-check.js";

const INTERFACE_PATTERN = /^[a-zA-Z0-9_.:@-]{1,15}$/;
const DNS_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

export const HAPROXY_DEFAULTS = { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" } as const;
const DEFAULT_API_PORT = 6443;

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
export type SshInput = z.output<typeof sshInput>;

const serviceOverride = strict({
  stop: argv.describe("argv that stops the service"),
  start: argv.describe("argv that starts it again"),
  isActive: argv
    .optional()
    .describe("argv that exits 0 while it runs; default systemctl is-active --quiet NAME, or pgrep -x NAME when stop/start are not systemctl"),
});

/** An absolute path on a host (no NUL). */
const absolutePath = (what: string) => z.string({ error: expected(what) }).regex(/^\/[^\0]*$/, { error: expected(what) });

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
  haproxySocket: absolutePath("an absolute path on this load balancer such as /var/lib/haproxy/stats")
    .optional()
    .describe("load balancers: HAProxy's runtime API socket here (admin level); default: the admin-level stats socket of the configuration the running HAProxy reads"),
  keepalivedConf: absolutePath("an absolute path on this load balancer such as /etc/keepalived/keepalived.conf")
    .optional()
    .describe("load balancers: the keepalived.conf read here; default: the running Keepalived's -f, else /etc/keepalived/keepalived.conf"),
  nodeName: z
    .string({ error: expected("a Kubernetes node name such as master-1.example.org") })
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, { error: expected("a Kubernetes node name such as master-1.example.org") })
    .optional()
    .describe("kube-vip: the host's Kubernetes node name (the Lease's holderIdentity); default its id"),
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

const ABSOLUTE = (what: string) =>
  z
    .string({ error: expected(what) })
    .regex(/^\/[^\0]*$/, { error: expected(what) });

const kubeVipInput = strict({
  kubeconfig: filePath("a kubeconfig file whose user may get leases in kube-system")
    .optional()
    .describe("a kubeconfig on this machine: vipdrill reads the Lease through each control plane's apiserver with it (relative to this file, or ~/…); without it, with kubectl on the control planes"),
  hostKubeconfig: ABSOLUTE("an absolute path on the control planes such as /etc/kubernetes/admin.conf")
    .prefault("/etc/kubernetes/admin.conf")
    .describe("without kubeconfig: the kubeconfig kubectl uses on the control planes"),
  manifest: ABSOLUTE("an absolute path such as /etc/kubernetes/manifests/kube-vip.yaml")
    .prefault("/etc/kubernetes/manifests/kube-vip.yaml")
    .describe("kube-vip's static-pod manifest on each control plane"),
  container: z
    .string({ error: expected("a container name such as kube-vip") })
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: expected("a container name such as kube-vip") })
    .prefault("kube-vip")
    .describe("kube-vip's container name (crictl ps --name)"),
  leaseNamespace: z.string({ error: expected("a namespace such as kube-system") }).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: expected("a namespace such as kube-system") }).prefault("kube-system").describe("the Lease's namespace (kube-vip's cp_namespace)"),
  leaseName: z.string({ error: expected("a Lease name such as plndr-cp-lock") }).regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, { error: expected("a Lease name such as plndr-cp-lock") }).prefault("plndr-cp-lock").describe("the Lease's name (kube-vip's vip_leasename)"),
});

/** What users write. Everything but endpoint and hosts has a default. */
export const inventoryInput = strict({
  name: z
    .string({ error: expected("a name of letters, digits, '.', '_' and '-'") })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: expected("a name of letters, digits, '.', '_' and '-'") })
    .optional()
    .describe("names the inventory in reports; default the file name without extension"),
  topology: z
    .enum(["haproxy-keepalived", "kube-vip"])
    .optional()
    .describe("what holds the VIP: haproxy-keepalived (load balancers, Option B) or kube-vip (the control planes, Option A); default: kube-vip when no host is a load balancer"),
  kubeVip: kubeVipInput.optional().describe("kube-vip: how to read its Lease, where its manifest and container are; only with topology kube-vip"),
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
    socket: absolutePath("an absolute path on the load balancers such as /run/haproxy/admin.sock")
      .optional()
      .describe(`HAProxy's runtime API socket on every load balancer (a host's haproxySocket overrides it); default: each one's admin-level stats socket from the configuration its running HAProxy reads, else ${HAPROXY_DEFAULTS.socket}`),
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
  // Even when fields have errors, so that a file shows all its problems at once.
  .superRefine((value, ctx) => crossCheck(value, (path, message) => ctx.addIssue({ code: "custom", path: [...path], message })), {
    when: () => true,
  });

export type InventoryInput = z.input<typeof inventoryInput>;
