import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LabError, errorMessage } from "../../common/errors.js";
import { ipToInt } from "../../common/ipv4.js";

const run = promisify(execFile);

export interface LabCertificates {
  caPem: string;
  /** Node id → its serving certificate and key (EC P-256, PEM). */
  nodes: Map<string, { certPem: string; keyPem: string }>;
  /** A client certificate for kubeadm's kubernetes-admin (the kube-vip lab's admin.conf), when asked for. */
  admin?: { certPem: string; keyPem: string };
}

export interface LabCertificatesInput {
  /** The endpoint's DNS name (the SNI and Host a probe sends). */
  dns: string;
  vip: string;
  /** Control planes: id (a DNS label, the container's hostname) and address. */
  nodes: Array<{ id: string; address: string }>;
  /** Where the temporary directory is made; the OS temp directory by default. */
  workDir?: string;
  /** Also sign a client certificate for kubernetes-admin (CN) in kubeadm:cluster-admins (O). */
  admin?: boolean;
}

// Our own config, so the result does not depend on the machine's openssl.cnf (or its absence).
const OPENSSL_CNF = `[req]
distinguished_name = dn
prompt = no
[dn]
[lab_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd, env: { ...process.env, OPENSSL_CONF: join(cwd, "openssl.cnf") } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new LabError("VIPDRILL_OPENSSL_MISSING", "openssl not found: install it (apt-get install openssl) or run lab/setup-engine.sh");
    }
    const stderr = (error as { stderr?: string | Buffer }).stderr?.toString().trim().split("\n")[0] ?? "";
    throw new LabError("VIPDRILL_CERTS", `openssl ${args[0]} failed: ${stderr || errorMessage(error)}`, { cause: error });
  }
}

/** A random positive 127-bit serial: nodes are signed in parallel, so no shared serial file. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return `0x${bytes.toString("hex")}`;
}

/** A client certificate (clientAuth) for the subject, signed by the CA in dir. */
async function signClient(dir: string, base: string, subject: string): Promise<{ certPem: string; keyPem: string }> {
  await writeFile(join(dir, `${base}.ext`), ["extendedKeyUsage = clientAuth", "keyUsage = critical,digitalSignature", "basicConstraints = critical,CA:FALSE", ""].join("\n"));
  await openssl(["req", "-config", "openssl.cnf", "-new", ...EC_KEY, "-subj", subject, "-keyout", `${base}.key`, "-out", `${base}.csr`], dir);
  await openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", serial(), "-days", "825", "-sha256", "-extfile", `${base}.ext`, "-out", `${base}.crt`], dir);
  const [certPem, keyPem] = await Promise.all([readFile(join(dir, `${base}.crt`), "utf8"), readFile(join(dir, `${base}.key`), "utf8")]);
  return { certPem, keyPem };
}

/**
 * A lab CA and, per control plane, a serving certificate whose SANs hold what the runbook requires:
 * the VIP, the DNS name and the node's own name and address (plus localhost and 127.0.0.1, for
 * checks made on the node itself). EC P-256 throughout: cheap handshakes for fresh-connection probes.
 */
export async function makeLabCertificates(input: LabCertificatesInput): Promise<LabCertificates> {
  for (const name of [input.dns, ...input.nodes.map((n) => n.id)]) {
    if (!HOSTNAME.test(name)) throw new LabError("VIPDRILL_CERTS", `"${name}" cannot be a DNS name in a certificate`);
  }
  for (const ip of [input.vip, ...input.nodes.map((n) => n.address)]) {
    if (ipToInt(ip) === undefined) throw new LabError("VIPDRILL_CERTS", `"${ip}" is not an IPv4 address`);
  }
  const dir = await mkdtemp(join(input.workDir ?? tmpdir(), "vipdrill-certs-"));
  try {
    await writeFile(join(dir, "openssl.cnf"), OPENSSL_CNF);
    await openssl(
      ["req", "-config", "openssl.cnf", "-x509", ...EC_KEY, "-days", "3650", "-subj", "/CN=vipdrill lab CA",
        "-extensions", "lab_ca", "-keyout", "ca.key", "-out", "ca.crt"],
      dir,
    );
    // Files are named by position, not by id: an id never becomes part of a path.
    const pairs = await Promise.all(
      input.nodes.map(async (node, index) => {
        const base = `node-${index}`;
        // kubernetes: the name kube-vip checks when it reaches its node's apiserver through the static
        // pod's hostAliases (kubeadm's serving certificates carry it too).
        const sans = [`DNS:${input.dns}`, `DNS:${node.id}`, "DNS:kubernetes", "DNS:localhost", `IP:${input.vip}`, `IP:${node.address}`, "IP:127.0.0.1"];
        await writeFile(
          join(dir, `${base}.ext`),
          [
            `subjectAltName = ${sans.join(",")}`,
            "extendedKeyUsage = serverAuth",
            "keyUsage = critical,digitalSignature",
            "basicConstraints = critical,CA:FALSE",
            "subjectKeyIdentifier = hash",
            "authorityKeyIdentifier = keyid",
            "",
          ].join("\n"),
        );
        await openssl(["req", "-config", "openssl.cnf", "-new", ...EC_KEY, "-subj", `/CN=${node.id}`,
          "-keyout", `${base}.key`, "-out", `${base}.csr`], dir);
        await openssl(["x509", "-req", "-in", `${base}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", serial(),
          "-days", "825", "-sha256", "-extfile", `${base}.ext`, "-out", `${base}.crt`], dir);
        const [certPem, keyPem] = await Promise.all([readFile(join(dir, `${base}.crt`), "utf8"), readFile(join(dir, `${base}.key`), "utf8")]);
        return [node.id, { certPem, keyPem }] as const;
      }),
    );
    const certs: LabCertificates = { caPem: await readFile(join(dir, "ca.crt"), "utf8"), nodes: new Map(pairs) };
    if (input.admin) certs.admin = await signClient(dir, "admin", "/O=kubeadm:cluster-admins/CN=kubernetes-admin");
    return certs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
