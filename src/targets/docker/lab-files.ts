import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "../../common/package-root.js";
import { parseCidr } from "../../common/ipv4.js";
import type { LabCertificates } from "./lab-certs.js";
import type { LabPlan } from "./lab-plan.js";

export interface LabFile {
  path: string;
  content: string;
  mode: number;
}

/** `{{name}}` substitution; a placeholder without a value is an error, never an empty string. */
export function renderTemplate(text: string, vars: Record<string, string | number>, name = "template"): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`${name}: no value for {{${key}}}`);
    return String(value);
  });
}

/** The files each node gets before its first boot: configs on load balancers, certificates on control planes. */
export async function renderLabFiles(
  plan: LabPlan,
  certs: LabCertificates,
  templatesDir = join(packageRoot(), "lab", "templates"),
): Promise<Map<string, LabFile[]>> {
  const read = (name: string): Promise<string> => readFile(join(templatesDir, name), "utf8");
  const [haproxy, keepalived, check] = await Promise.all([read("haproxy.cfg.tmpl"), read("keepalived.conf.tmpl"), read("check_apiserver.sh")]);
  const controlPlanes = plan.nodes.filter((n) => n.role === "control-plane");
  const loadBalancers = plan.nodes.filter((n) => n.role === "load-balancer").sort((a, b) => a.id.localeCompare(b.id));
  const servers = controlPlanes.map((cp) => `    server ${cp.id} ${cp.address}:${plan.port}`).join("\n");
  const vipPrefix = parseCidr(plan.subnet)?.prefix ?? 24;
  const files = new Map<string, LabFile[]>();
  loadBalancers.forEach((lb, index) => {
    files.set(lb.id, [
      { path: "/etc/haproxy/haproxy.cfg", mode: 0o644, content: renderTemplate(haproxy, { port: plan.port, servers }, "haproxy.cfg.tmpl") },
      {
        path: "/etc/keepalived/keepalived.conf",
        mode: 0o644,
        content: renderTemplate(
          keepalived,
          {
            nodeId: lb.id,
            port: plan.port,
            // The first balancer is the intended master (101); the others back it up (100, 99, …).
            state: index === 0 ? "MASTER" : "BACKUP",
            priority: 101 - index,
            interface: plan.interface,
            routerId: plan.vrrp.routerId,
            advertInt: plan.vrrp.advertIntS,
            authPass: plan.vrrp.authPass,
            vip: plan.vip,
            vipPrefix,
          },
          "keepalived.conf.tmpl",
        ),
      },
      { path: "/etc/keepalived/check_apiserver.sh", mode: 0o755, content: renderTemplate(check, { port: plan.port }, "check_apiserver.sh") },
    ]);
  });
  for (const cp of controlPlanes) {
    const pair = certs.nodes.get(cp.id);
    if (!pair) throw new Error(`no serving certificate for ${cp.id}`);
    files.set(cp.id, [
      { path: "/etc/vipdrill/apiserver/tls.crt", mode: 0o644, content: pair.certPem },
      { path: "/etc/vipdrill/apiserver/tls.key", mode: 0o600, content: pair.keyPem },
      { path: "/etc/vipdrill/apiserver/ca.crt", mode: 0o644, content: certs.caPem },
    ]);
  }
  return files;
}
