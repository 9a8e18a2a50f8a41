import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LabError, UsageError, errorMessage } from "../../common/errors.js";
import { parseCidr } from "../../common/ipv4.js";
import { packageRoot } from "../../common/package-root.js";
import type { LabCertificates } from "./lab-certs.js";
import type { LabPlan } from "./lab-plan.js";

/** A file copied into a lab container after it is created and before it first boots. */
export interface LabFile {
  path: string;
  content: string;
  mode: number;
}

export const HAPROXY_CFG = "/etc/haproxy/haproxy.cfg";
export const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";
export const KEEPALIVED_CHECK = "/etc/keepalived/check_apiserver.sh";
export const APISERVER_DIR = "/etc/vipdrill/apiserver";
export const LAB_ADMIN_CONF = "/etc/kubernetes/admin.conf";
export const KUBE_VIP_MANIFEST = "/etc/kubernetes/manifests/kube-vip.yaml";
const ETCD_ENV = "/etc/vipdrill/etcd/etcd.env";
/** Its presence switches the stand-in apiserver's Lease API on, stored in the node's own etcd member. */
const ETCD_SERVERS = `${APISERVER_DIR}/etcd-servers`;

/** `{{name}}` substitution; a placeholder without a value is an error, never an empty string. */
export function renderTemplate(text: string, vars: Readonly<Record<string, string | number>>, name = "template"): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new LabError("VIPDRILL_LAB_TEMPLATE", `${name}: no value for {{${key}}}`);
    return String(value);
  });
}

async function readTemplate(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), "utf8");
  } catch (error) {
    throw new LabError("VIPDRILL_LAB_TEMPLATE", `lab template ${join(dir, name)} cannot be read: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * The files of `files` with those of `replacing` in their place (same path) or added: a proposed
 * configuration's files instead of the templates'.
 */
export function withFilesReplaced(files: Map<string, LabFile[]>, replacing: ReadonlyMap<string, readonly LabFile[]> | undefined): Map<string, LabFile[]> {
  if (!replacing) return files;
  const out = new Map(files);
  for (const [node, extra] of replacing) {
    const paths = new Set(extra.map((f) => f.path));
    out.set(node, [...(out.get(node) ?? []).filter((f) => !paths.has(f.path)), ...extra]);
  }
  return out;
}

/** The lab's VRRP priorities: the first balancer by id is the intended master (101), the others back it up (100, 99, …). */
export const labVrrpPriority = (index: number): number => Math.max(1, 101 - index);

// lb-2 before lb-10.
export const byId = (a: { id: string }, b: { id: string }): number => a.id.localeCompare(b.id, "en", { numeric: true });

/**
 * The load balancers' files from the templates (node id → files): haproxy.cfg, keepalived.conf and
 * the check script; also what a proposed configuration leaves to the templates.
 */
export async function renderBalancerFiles(plan: LabPlan, templatesDir: string = join(packageRoot(), "lab", "templates")): Promise<Map<string, LabFile[]>> {
  const [haproxy, keepalived, check] = await Promise.all(
    ["haproxy.cfg.tmpl", "keepalived.conf.tmpl", "check_apiserver.sh"].map((name) => readTemplate(templatesDir, name)),
  ) as [string, string, string];
  const subnet = parseCidr(plan.subnet);
  if (!subnet) throw new UsageError("VIPDRILL_LAB_SUBNET", `lab subnet ${plan.subnet} is not an IPv4 CIDR`);
  const controlPlanes = plan.nodes.filter((n) => n.role === "control-plane").sort(byId);
  const loadBalancers = plan.nodes.filter((n) => n.role === "load-balancer").sort(byId);
  const servers = controlPlanes.map((cp) => `    server ${cp.id} ${cp.address}:${plan.port}`).join("\n");

  const files = new Map<string, LabFile[]>();
  loadBalancers.forEach((lb, index) => {
    const keepalivedVars = {
      nodeId: lb.id,
      port: plan.port,
      state: index === 0 ? "MASTER" : "BACKUP",
      priority: labVrrpPriority(index),
      interface: plan.interface,
      routerId: plan.vrrp.routerId,
      advertInt: plan.vrrp.advertIntS,
      vrrpVersion: plan.vrrp.version ?? 2,
      authPass: plan.vrrp.authPass,
      vip: plan.vip,
      // The subnet's own prefix: the VIP is an ordinary address on the lab network.
      vipPrefix: subnet.prefix,
    };
    files.set(lb.id, [
      { path: HAPROXY_CFG, mode: 0o644, content: renderTemplate(haproxy, { port: plan.port, servers }, "haproxy.cfg.tmpl") },
      { path: KEEPALIVED_CONF, mode: 0o644, content: renderTemplate(keepalived, keepalivedVars, "keepalived.conf.tmpl") },
      // Root-owned and not group/world-writable, or enable_script_security refuses to run it.
      { path: KEEPALIVED_CHECK, mode: 0o755, content: renderTemplate(check, { port: plan.port }, "check_apiserver.sh") },
    ]);
  });
  return files;
}

/**
 * The files each node gets before its first boot (node id → files): HAProxy and Keepalived configs
 * on load balancers, the serving certificate, key and CA on control planes. The image's units start
 * only where their files exist, so these decide each node's role.
 */
export async function renderLabFiles(
  plan: LabPlan,
  certs: LabCertificates,
  templatesDir: string = join(packageRoot(), "lab", "templates"),
): Promise<Map<string, LabFile[]>> {
  const files = await renderBalancerFiles(plan, templatesDir);
  const controlPlanes = plan.nodes.filter((n) => n.role === "control-plane").sort(byId);
  const kubeVip = plan.vipManager === "kube-vip" ? await kubeVipTemplates(templatesDir) : undefined;
  for (const cp of controlPlanes) {
    const pair = certs.nodes.get(cp.id);
    if (!pair) throw new LabError("VIPDRILL_CERTS", `no serving certificate for ${cp.id}`);
    files.set(cp.id, [
      { path: `${APISERVER_DIR}/tls.crt`, mode: 0o644, content: pair.certPem },
      { path: `${APISERVER_DIR}/tls.key`, mode: 0o600, content: pair.keyPem },
      { path: `${APISERVER_DIR}/ca.crt`, mode: 0o644, content: certs.caPem },
      ...(kubeVip ? kubeVipFiles(plan, cp, controlPlanes, certs, kubeVip) : []),
    ]);
  }
  return files;
}

async function kubeVipTemplates(dir: string): Promise<{ etcd: string; adminConf: string; manifest: string }> {
  const [etcd, adminConf, manifest] = await Promise.all(["etcd.env.tmpl", "admin.conf.tmpl", "kube-vip.yaml.tmpl"].map((name) => readTemplate(dir, name)));
  return { etcd: etcd!, adminConf: adminConf!, manifest: manifest! };
}

/**
 * kube-vip on a control plane (the runbook's Option A): its etcd member, the stand-in apiserver's
 * Lease API over it, an admin kubeconfig and the static pod's manifest with the scenario's timings.
 */
function kubeVipFiles(
  plan: LabPlan,
  cp: LabPlan["nodes"][number],
  controlPlanes: ReadonlyArray<LabPlan["nodes"][number]>,
  certs: LabCertificates,
  templates: { etcd: string; adminConf: string; manifest: string },
): LabFile[] {
  const timings = plan.kubeVip;
  if (!timings || !certs.admin) throw new LabError("VIPDRILL_LAB_TEMPLATE", "a kube-vip lab needs its lease timings and an admin certificate");
  const b64 = (text: string): string => Buffer.from(text).toString("base64");
  const seconds = (ms: number): number => Math.round(ms / 1000);
  const etcd = {
    name: cp.id,
    address: cp.address,
    initialCluster: controlPlanes.map((n) => `${n.id}=http://${n.address}:2380`).join(","),
    clusterToken: `vipdrill-${plan.name}`,
  };
  const admin = { caData: b64(certs.caPem), clientCertData: b64(certs.admin.certPem), clientKeyData: b64(certs.admin.keyPem), server: `https://${plan.dns}:${plan.port}` };
  const manifest = {
    port: plan.port,
    interface: plan.interface,
    vip: plan.vip,
    leaseDuration: seconds(timings.leaseDurationMs),
    renewDeadline: seconds(timings.renewDeadlineMs),
    retryPeriod: seconds(timings.retryPeriodMs),
    // kube-vip's own default (3000 ms) needs no env line, as its generator writes none.
    arpRateEnv: timings.arpRateMs === 3000 ? "" : `    - name: vip_arpRate\n      value: "${timings.arpRateMs}"`,
  };
  return [
    { path: ETCD_SERVERS, mode: 0o644, content: "http://127.0.0.1:2379\n" },
    { path: ETCD_ENV, mode: 0o644, content: renderTemplate(templates.etcd, etcd, "etcd.env.tmpl") },
    { path: LAB_ADMIN_CONF, mode: 0o600, content: renderTemplate(templates.adminConf, admin, "admin.conf.tmpl") },
    { path: KUBE_VIP_MANIFEST, mode: 0o600, content: renderTemplate(templates.manifest, manifest, "kube-vip.yaml.tmpl") },
  ];
}
