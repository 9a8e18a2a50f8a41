import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeCredentials } from "../model/kube-vip.js";
import { makeLabCertificates } from "../targets/docker/lab-certs.js";
import { parseLease, parseMicroTime, readLeaseFromApi, superAdminHint } from "./lease-client.js";

const LEASE = {
  kind: "Lease",
  apiVersion: "coordination.k8s.io/v1",
  metadata: { name: "plndr-cp-lock", namespace: "kube-system", resourceVersion: "4711" },
  spec: { holderIdentity: "cp-2", leaseDurationSeconds: 5, acquireTime: "2026-12-01T19:27:40.123456Z", renewTime: "2026-12-01T19:27:44.000001Z", leaseTransitions: 3 },
};
const FORBIDDEN = 'leases.coordination.k8s.io "plndr-cp-lock" is forbidden: User "kubernetes-admin" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"';

describe("reading kube-vip's Lease", () => {
  let server: Server;
  let port: number;
  let admin: KubeCredentials;
  let stranger: KubeCredentials;

  beforeAll(async () => {
    // A real TLS server on loopback that, like kube-apiserver, knows users by their client certificate.
    const certs = await makeLabCertificates({ dns: "api.cluster.local", vip: "127.0.0.2", nodes: [{ id: "cp-1", address: "127.0.0.1" }], admin: true });
    const serving = certs.nodes.get("cp-1")!;
    server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: certs.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const user = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
      res.setHeader("content-type", "application/json");
      if (user !== "kubernetes-admin") {
        res.writeHead(403).end(JSON.stringify({ kind: "Status", message: FORBIDDEN.replace("kubernetes-admin", "system:anonymous"), code: 403 }));
      } else if (req.url === "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/plndr-cp-lock") {
        res.writeHead(200).end(JSON.stringify(LEASE));
      } else {
        res.writeHead(404).end(JSON.stringify({ kind: "Status", message: 'leases.coordination.k8s.io "other" not found', code: 404 }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    const base = { file: "admin.conf", server: `https://api.cluster.local:${port}`, caPem: certs.caPem, insecure: false, userName: "kubernetes-admin" };
    admin = { ...base, clientCertPem: certs.admin!.certPem, clientKeyPem: certs.admin!.keyPem };
    stranger = { ...base, userName: "nobody" };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("GETs it from the address given, checking the certificate for the kubeconfig's server name", async () => {
    const read = await readLeaseFromApi(admin, "127.0.0.1", { namespace: "kube-system", name: "plndr-cp-lock" }, { timeoutMs: 2000 });
    expect(read).toEqual({
      ok: true,
      lease: {
        holderIdentity: "cp-2",
        leaseDurationSeconds: 5,
        acquireTimeEpochMs: Date.parse("2026-12-01T19:27:40.123Z") + 0.456,
        renewTimeEpochMs: Date.parse("2026-12-01T19:27:44.000Z") + 0.001,
        leaseTransitions: 3,
        resourceVersion: "4711",
      },
    });
  });

  it("says why it cannot: forbidden (with kube-apiserver's words), not found, unreachable", async () => {
    const ref = { namespace: "kube-system", name: "plndr-cp-lock" };
    expect(await readLeaseFromApi(stranger, "127.0.0.1", ref, { timeoutMs: 2000 })).toMatchObject({ ok: false, failure: "forbidden", message: expect.stringContaining('User "system:anonymous" cannot get resource "leases"') as string });
    expect(await readLeaseFromApi(admin, "127.0.0.1", { namespace: "kube-system", name: "other" }, { timeoutMs: 2000 })).toMatchObject({ ok: false, failure: "not-found" });
    expect(await readLeaseFromApi(admin, "127.0.0.3", ref, { timeoutMs: 500 })).toMatchObject({ ok: false });
  });

  it("names kubeadm's super-admin.conf pitfall when the Lease is forbidden", () => {
    expect(superAdminHint(FORBIDDEN)).toContain("super-admin.conf");
    expect(superAdminHint("connection refused")).toBe("connection refused");
  });

  it("parses a released Lease (empty holder) and MicroTimes to the microsecond", () => {
    expect(parseLease(JSON.stringify({ ...LEASE, spec: { ...LEASE.spec, holderIdentity: "" } }))?.holderIdentity).toBeNull();
    expect(parseLease('{"kind":"Status"}')).toBeUndefined();
    expect(parseMicroTime("2026-12-01T19:27:40Z")).toBe(Date.parse("2026-12-01T19:27:40Z"));
    expect(parseMicroTime("yesterday")).toBeNull();
  });
});
