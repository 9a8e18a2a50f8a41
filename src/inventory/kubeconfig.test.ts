import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { parseKubeconfig } from "./kubeconfig.js";

const PEM = (what: string): string => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
const b64 = (text: string): string => Buffer.from(text).toString("base64");
const noFiles = (path: string): Promise<string> => Promise.reject(new Error(`ENOENT: ${path}`));

/** kubeadm's admin.conf shape. */
const ADMIN_CONF = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(PEM("CERTIFICATE"))}
    server: https://api.cluster.local:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
users:
- name: kubernetes-admin
  user:
    client-certificate-data: ${b64(PEM("CERTIFICATE"))}
    client-key-data: ${b64(PEM("EC PRIVATE KEY"))}
`;

async function refused(text: string, files: (path: string) => Promise<string> = noFiles): Promise<string> {
  try {
    await parseKubeconfig(text, "admin.conf", files);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected the kubeconfig to be refused");
}

describe("a kubeconfig", () => {
  it("gives the current context's server, CA and client certificate", async () => {
    const credentials = await parseKubeconfig(ADMIN_CONF, "admin.conf", noFiles);
    expect(credentials).toEqual({
      file: "admin.conf",
      server: "https://api.cluster.local:6443",
      caPem: PEM("CERTIFICATE"),
      insecure: false,
      userName: "kubernetes-admin",
      clientCertPem: PEM("CERTIFICATE"),
      clientKeyPem: PEM("EC PRIVATE KEY"),
    });
  });

  it("reads file references relative to it, and takes a token instead of a certificate", async () => {
    const text = ADMIN_CONF.replace(/certificate-authority-data: \S+/, "certificate-authority: pki/ca.crt").replace(/client-certificate-data: [\s\S]*$/, "token: abc.def\n");
    const credentials = await parseKubeconfig(text, "admin.conf", async (path) => (path === "pki/ca.crt" ? PEM("CERTIFICATE") : noFiles(path)));
    expect([credentials.caPem, credentials.token, credentials.clientCertPem]).toEqual([PEM("CERTIFICATE"), "abc.def", undefined]);
  });

  it("refuses in one line, with file, line and path, what vipdrill cannot use", async () => {
    expect(await refused("current-context: nope\nclusters: []\nusers: []\ncontexts: []\n")).toBe('admin.conf:4: contexts: expected an entry named "nope"');
    expect(await refused(ADMIN_CONF.replace("server: https://api.cluster.local:6443", "server: http://api:6443"))).toBe(
      "admin.conf:3: clusters[0].cluster.server: expected an https:// URL",
    );
    expect(await refused(ADMIN_CONF.replace(/client-certificate-data: [\s\S]*$/, "exec:\n      command: aws\n"))).toMatch(
      /^admin\.conf:\d+: users\[0\]\.user\.exec: expected no exec plugin \(vipdrill reads Leases with a client certificate or a token/,
    );
    expect(await refused(ADMIN_CONF.replace(/certificate-authority-data: \S+/, "certificate-authority-data: bm90IGEgcGVt"))).toBe(
      "admin.conf:3: clusters[0].cluster.certificate-authority-data: expected base64 of a PEM block",
    );
    expect(await refused("clusters: [\n")).toMatch(/^admin\.conf:\d+: \(document\): expected YAML/);
  });
});
