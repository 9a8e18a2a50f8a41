import { X509Certificate, createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeLabCertificates } from "./lab-certs.js";
import { renderLabFiles, renderTemplate } from "./lab-files.js";
import { planLab } from "./docker-lab.js";

const plan = planLab(
  { topology: "haproxy-keepalived", subnet: "172.30.99.0/24", vip: "172.30.99.200", advertIntS: 1, controlPlanes: 3, loadBalancers: 2 },
  "api.cluster.local",
  "unit",
);

let certs: Awaited<ReturnType<typeof makeLabCertificates>>;
beforeAll(async () => {
  certs = await makeLabCertificates({ dns: plan.dns, vip: plan.vip, nodes: plan.nodes.filter((n) => n.role === "control-plane") });
});

describe("lab certificates", () => {
  it("each serving certificate holds the VIP, the DNS name, the node name and address, and is signed by the lab CA", () => {
    const ca = new X509Certificate(certs.caPem);
    expect(ca.ca).toBe(true);
    expect([...certs.nodes.keys()].sort()).toEqual(["cp-1", "cp-2", "cp-3"]);
    for (const [id, pair] of certs.nodes) {
      const cert = new X509Certificate(pair.certPem);
      const address = plan.nodes.find((n) => n.id === id)!.address;
      const sans = cert.subjectAltName!.split(", ");
      expect(sans).toEqual(expect.arrayContaining(["DNS:api.cluster.local", `DNS:${id}`, "IP Address:172.30.99.200", `IP Address:${address}`]));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(pair.keyPem))).toBe(true);
      expect(cert.checkHost("api.cluster.local")).toBe("api.cluster.local");
      expect(cert.checkIP("172.30.99.200")).toBe("172.30.99.200");
    }
  });
});

describe("rendered lab configs, parsed back", () => {
  it("HAProxy: TLS passthrough to every control plane with /healthz checks, runtime API at admin level", async () => {
    const files = await renderLabFiles(plan, certs);
    const cfg = files.get("lb-1")!.find((f) => f.path === "/etc/haproxy/haproxy.cfg")!.content;
    const servers = [...cfg.matchAll(/^\s*server (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(servers).toEqual(["cp-1 172.30.99.11:6443", "cp-2 172.30.99.12:6443", "cp-3 172.30.99.13:6443"]);
    expect(cfg).toMatch(/^\s*mode tcp$/m);
    expect(cfg).toMatch(/^\s*bind \*:6443$/m);
    expect(cfg).toMatch(/^\s*http-check send meth GET uri \/healthz$/m);
    expect(cfg).toMatch(/^\s*default-server check check-ssl verify none/m);
    expect(cfg).toMatch(/^\s*stats socket \/run\/haproxy\/admin\.sock .*level admin$/m);
  });

  it("Keepalived: one MASTER at 101, a BACKUP at 100, authentication, the VIP on the lab interface", async () => {
    const files = await renderLabFiles(plan, certs);
    const conf = (id: string) => files.get(id)!.find((f) => f.path === "/etc/keepalived/keepalived.conf")!.content;
    const field = (text: string, name: string) => new RegExp(`^\\s*${name} (\\S+)$`, "m").exec(text)?.[1];
    expect([field(conf("lb-1"), "state"), field(conf("lb-1"), "priority")]).toEqual(["MASTER", "101"]);
    expect([field(conf("lb-2"), "state"), field(conf("lb-2"), "priority")]).toEqual(["BACKUP", "100"]);
    for (const id of ["lb-1", "lb-2"]) {
      expect(field(conf(id), "auth_type")).toBe("PASS");
      expect(field(conf(id), "auth_pass")).toBe(plan.vrrp.authPass);
      expect(conf(id)).toMatch(/^\s*172\.30\.99\.200\/24 dev eth0$/m);
      expect(field(conf(id), "advert_int")).toBe("1");
    }
    const check = files.get("lb-1")!.find((f) => f.path === "/etc/keepalived/check_apiserver.sh")!;
    expect(check.mode).toBe(0o755);
    expect(check.content).toContain("https://localhost:6443/healthz");
    expect(files.get("cp-1")!.map((f) => f.path)).toEqual(["/etc/vipdrill/apiserver/tls.crt", "/etc/vipdrill/apiserver/tls.key", "/etc/vipdrill/apiserver/ca.crt"]);
  });

  it("a placeholder without a value is an error, never an empty string", () => {
    expect(() => renderTemplate("bind *:{{port}} {{nope}}", { port: 6443 }, "x.tmpl")).toThrow("x.tmpl: no value for {{nope}}");
  });
});
