import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LabCertificates } from "./lab-certs.js";
import { renderLabFiles, renderTemplate, type LabFile } from "./lab-files.js";
import type { LabPlan } from "./lab-plan.js";

const plan: LabPlan = {
  name: "unit",
  subnet: "172.30.99.0/24",
  ipRange: "172.30.99.0/25",
  gateway: "172.30.99.1",
  vip: "172.30.99.200",
  dns: "api.cluster.local",
  port: 6443,
  interface: "eth0",
  vrrp: { routerId: 51, authPass: "5ecr3tpw", advertIntS: 1 },
  vipManager: "keepalived",
  // Out of order on purpose: the master is the first load balancer by id, not by position.
  nodes: [
    { id: "lb-2", role: "load-balancer", address: "172.30.99.22" },
    { id: "cp-1", role: "control-plane", address: "172.30.99.11" },
    { id: "cp-2", role: "control-plane", address: "172.30.99.12" },
    { id: "cp-3", role: "control-plane", address: "172.30.99.13" },
    { id: "lb-1", role: "load-balancer", address: "172.30.99.21" },
    { id: "lb-3", role: "load-balancer", address: "172.30.99.23" },
  ],
};
// Rendering only copies PEM text, so stand-ins do (lab-certs.test.ts checks real certificates).
const certs: LabCertificates = {
  caPem: "CA PEM\n",
  nodes: new Map(["cp-1", "cp-2", "cp-3"].map((id) => [id, { certPem: `${id} CERT\n`, keyPem: `${id} KEY\n` }])),
};

const file = (files: Map<string, LabFile[]>, node: string, path: string): LabFile => {
  const found = files.get(node)?.find((f) => f.path === path);
  if (!found) throw new Error(`${node} has no ${path}`);
  return found;
};
/** The value of `name value` on its own line (keepalived.conf, haproxy.cfg). */
const field = (text: string, name: string): string | undefined => new RegExp(`^\\s*${name} (.+?)\\s*$`, "m").exec(text)?.[1];

describe("renderLabFiles, parsed back", () => {
  it("gives configs to load balancers and the certificate, key and CA to control planes", async () => {
    const files = await renderLabFiles(plan, certs);
    expect([...files.keys()].sort()).toEqual(["cp-1", "cp-2", "cp-3", "lb-1", "lb-2", "lb-3"]);
    for (const lb of ["lb-1", "lb-2", "lb-3"]) {
      expect(files.get(lb)!.map((f) => [f.path, f.mode])).toEqual([
        ["/etc/haproxy/haproxy.cfg", 0o644],
        ["/etc/keepalived/keepalived.conf", 0o644],
        ["/etc/keepalived/check_apiserver.sh", 0o755],
      ]);
    }
    expect(files.get("cp-2")).toEqual([
      { path: "/etc/vipdrill/apiserver/tls.crt", mode: 0o644, content: "cp-2 CERT\n" },
      { path: "/etc/vipdrill/apiserver/tls.key", mode: 0o600, content: "cp-2 KEY\n" },
      { path: "/etc/vipdrill/apiserver/ca.crt", mode: 0o644, content: "CA PEM\n" },
    ]);
  });

  it("HAProxy: TLS passthrough on the API port to every control plane, /healthz checks over TLS, runtime API at admin level", async () => {
    const cfg = file(await renderLabFiles(plan, certs), "lb-2", "/etc/haproxy/haproxy.cfg").content;
    expect(cfg).not.toMatch(/\{\{|\}\}/);
    const servers = [...cfg.matchAll(/^\s+server (\S+) (\d+\.\d+\.\d+\.\d+):(\d+)\s*$/gm)].map((m) => ({ id: m[1], address: m[2], port: Number(m[3]) }));
    expect(servers).toEqual(
      plan.nodes.filter((n) => n.role === "control-plane").map((n) => ({ id: n.id, address: n.address, port: 6443 })),
    );
    expect(field(cfg, "bind")).toBe("*:6443");
    expect(field(cfg, "mode")).toBe("tcp");
    expect(field(cfg, "stats socket")).toBe("/run/haproxy/admin.sock mode 600 level admin");
    expect(cfg).toMatch(/^\s*http-check connect ssl$/m);
    expect(field(cfg, "http-check send")).toBe("meth GET uri /healthz");
    expect(field(cfg, "http-check expect")).toBe("status 200");
    expect(field(cfg, "default-server")).toBe("check check-ssl verify none inter 1s fall 3 rise 2");
    for (const [name, value] of [["connect", "5s"], ["client", "35s"], ["server", "35s"], ["check", "10s"]]) {
      expect(field(cfg, `timeout ${name}`)).toBe(value);
    }
    expect(field(cfg, "retries")).toBe("1");
    expect(cfg).toMatch(/^\s*option redispatch$/m);
  });

  it("Keepalived: exactly one MASTER (the first balancer, 101), BACKUPs at 100 and 99, one VRID and password, the VIP on the lab interface", async () => {
    const files = await renderLabFiles(plan, certs);
    // Comments dropped, as keepalived reads it.
    const conf = (id: string) => file(files, id, "/etc/keepalived/keepalived.conf").content.replace(/^\s*#.*\n/gm, "");
    const parsed = ["lb-1", "lb-2", "lb-3"].map((id) => ({
      id,
      state: field(conf(id), "state"),
      priority: field(conf(id), "priority"),
      routerId: field(conf(id), "router_id"),
      vrid: field(conf(id), "virtual_router_id"),
      authType: field(conf(id), "auth_type"),
      authPass: field(conf(id), "auth_pass"),
      advertInt: field(conf(id), "advert_int"),
      vip: /virtual_ipaddress\s*\{\s*(\S+) dev (\S+)\s*\}/.exec(conf(id))?.slice(1),
    }));
    expect(parsed.filter((p) => p.state === "MASTER").map((p) => p.id)).toEqual(["lb-1"]);
    expect(parsed.map((p) => [p.id, p.state, p.priority, p.routerId])).toEqual([
      ["lb-1", "MASTER", "101", "lb-1"],
      ["lb-2", "BACKUP", "100", "lb-2"],
      ["lb-3", "BACKUP", "99", "lb-3"],
    ]);
    for (const p of parsed) {
      expect(p).toMatchObject({ vrid: "51", authType: "PASS", authPass: "5ecr3tpw", advertInt: "1", vip: ["172.30.99.200/24", "eth0"] });
      expect(conf(p.id)).toMatch(/^\s*interface eth0$/m);
      expect(conf(p.id)).toMatch(/track_script\s*\{\s*chk_apiserver\s*\}/);
      expect(field(conf(p.id), "weight")).toBe("0");
      expect(conf(p.id)).not.toMatch(/\{\{|\}\}/);
    }
    const check = file(files, "lb-1", "/etc/keepalived/check_apiserver.sh");
    expect(check.content).toMatch(/^#!\/bin\/sh\n/);
    expect(check.content).toContain("curl -sfk --max-time 1 https://localhost:6443/healthz -o /dev/null");
  });

  it("the VIP prefix is the subnet's", async () => {
    const files = await renderLabFiles({ ...plan, subnet: "10.77.0.0/16", vip: "10.77.200.1" }, certs);
    expect(file(files, "lb-1", "/etc/keepalived/keepalived.conf").content).toMatch(/^\s*10\.77\.200\.1\/16 dev eth0$/m);
  });

  it("a control plane without a certificate is an error", async () => {
    await expect(renderLabFiles(plan, { ...certs, nodes: new Map() })).rejects.toThrow("no serving certificate for cp-1");
  });

  it("a template placeholder without a value is a clear error, naming the template and the placeholder", async () => {
    expect(() => renderTemplate("bind *:{{port}} {{nope}}", { port: 6443 }, "x.tmpl")).toThrow("x.tmpl: no value for {{nope}}");
    expect(renderTemplate("a {{x}} b {{x}}", { x: 0 })).toBe("a 0 b 0");
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-templates-"));
    try {
      await writeFile(join(dir, "haproxy.cfg.tmpl"), "bind *:{{port}}\n{{servers}}\n{{maxconn}}\n");
      await writeFile(join(dir, "keepalived.conf.tmpl"), "");
      await writeFile(join(dir, "check_apiserver.sh"), "");
      await expect(renderLabFiles(plan, certs, dir)).rejects.toThrow("haproxy.cfg.tmpl: no value for {{maxconn}}");
      await rm(join(dir, "check_apiserver.sh"));
      await expect(renderLabFiles(plan, certs, dir)).rejects.toThrow(/lab template .*check_apiserver\.sh cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
