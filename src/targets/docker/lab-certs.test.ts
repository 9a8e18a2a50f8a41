import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LabError } from "../../common/errors.js";
import { makeLabCertificates } from "./lab-certs.js";

const nodes = [
  { id: "cp-1", address: "172.30.99.11" },
  { id: "cp-2", address: "172.30.99.12" },
  { id: "cp-3", address: "172.30.99.13" },
];
const input = { dns: "api.cluster.local", vip: "172.30.99.200", nodes };

describe("makeLabCertificates", () => {
  it("signs, with the lab CA, one P-256 serving certificate per node naming the VIP, the DNS name, the node's name and address", async () => {
    const certs = await makeLabCertificates(input);
    const ca = new X509Certificate(certs.caPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe("CN=vipdrill lab CA");
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect([...certs.nodes.keys()]).toEqual(["cp-1", "cp-2", "cp-3"]);
    const serials = new Set<string>();
    for (const { id, address } of nodes) {
      const pair = certs.nodes.get(id)!;
      const cert = new X509Certificate(pair.certPem);
      expect(cert.subjectAltName!.split(", ").sort()).toEqual(
        ["DNS:api.cluster.local", `DNS:${id}`, "DNS:kubernetes", "DNS:localhost", "IP Address:172.30.99.200", `IP Address:${address}`, "IP Address:127.0.0.1"].sort(),
      );
      expect(cert.ca).toBe(false);
      expect(cert.issuer).toBe("CN=vipdrill lab CA");
      expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // extendedKeyUsage serverAuth
      expect(cert.verify(ca.publicKey)).toBe(true);
      const key = createPrivateKey(pair.keyPem);
      expect(cert.checkPrivateKey(key)).toBe(true);
      expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
      // What a probe relies on: the DNS name (SNI) and the VIP it connects to.
      expect(cert.checkHost("api.cluster.local")).toBe("api.cluster.local");
      expect(cert.checkIP("172.30.99.200")).toBe("172.30.99.200");
      serials.add(cert.serialNumber);
    }
    expect(serials.size).toBe(nodes.length); // signed in parallel, still distinct serials
  });

  it("leaves nothing behind in its work directory", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "vipdrill-certs-test-"));
    try {
      await makeLabCertificates({ ...input, nodes: nodes.slice(0, 1), workDir });
      expect(await readdir(workDir)).toEqual([]);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it("without openssl, says how to get it", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const error = await makeLabCertificates(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LabError);
      expect((error as LabError).code).toBe("VIPDRILL_OPENSSL_MISSING");
      expect((error as LabError).message).toContain("apt-get install openssl");
    } finally {
      process.env.PATH = path;
    }
  });

  it("refuses a node id that cannot be a DNS name", async () => {
    await expect(makeLabCertificates({ ...input, nodes: [{ id: "cp/1", address: "172.30.99.11" }] })).rejects.toThrow(/cannot be a DNS name/);
  });
});
