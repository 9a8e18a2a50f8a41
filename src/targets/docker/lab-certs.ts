import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LabError, errorMessage } from "../../common/errors.js";

const run = promisify(execFile);

export interface LabCertificates {
  caPem: string;
  /** Node id → its serving certificate and key (EC P-256, PEM). */
  nodes: Map<string, { certPem: string; keyPem: string }>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new LabError("VIPDRILL_OPENSSL_MISSING", "openssl not found: install it (apt-get install openssl) or run lab/setup-engine.sh");
    }
    throw new LabError("VIPDRILL_CERTS", `openssl ${args[0]} failed: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * A lab CA and, per control plane, a serving certificate whose SANs hold what the runbook requires:
 * the VIP, the DNS name and the node's own name and address (plus localhost for on-node checks).
 */
export async function makeLabCertificates(input: {
  dns: string;
  vip: string;
  nodes: Array<{ id: string; address: string }>;
}): Promise<LabCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "vipdrill-certs-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(["req", "-x509", ...ec, "-days", "3650", "-subj", "/CN=vipdrill lab CA", "-keyout", "ca.key", "-out", "ca.crt",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
    const nodes = new Map<string, { certPem: string; keyPem: string }>();
    await Promise.all(
      input.nodes.map(async (node) => {
        const sans = [`DNS:${input.dns}`, `DNS:${node.id}`, "DNS:localhost", `IP:${input.vip}`, `IP:${node.address}`, "IP:127.0.0.1"];
        await writeFile(
          join(dir, `${node.id}.ext`),
          `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n`,
        );
        await openssl(["req", "-new", ...ec, "-subj", `/CN=${node.id}`, "-keyout", `${node.id}.key`, "-out", `${node.id}.csr`], dir);
        await openssl(["x509", "-req", "-in", `${node.id}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "825", "-extfile", `${node.id}.ext`, "-out", `${node.id}.crt`], dir);
        nodes.set(node.id, {
          certPem: await readFile(join(dir, `${node.id}.crt`), "utf8"),
          keyPem: await readFile(join(dir, `${node.id}.key`), "utf8"),
        });
      }),
    );
    return { caPem: await readFile(join(dir, "ca.crt"), "utf8"), nodes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
