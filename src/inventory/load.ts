import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { UsageError, errorMessage } from "../common/errors.js";
import type { KubeCredentials } from "../model/kube-vip.js";
import { loadKubeconfig } from "./kubeconfig.js";
import { display, parseYamlDocument, type YamlDocument, type YamlDocumentOptions, type YamlPath, type YamlProblem } from "../common/yaml-document.js";
import { inventorySchema } from "./normalise.js";
import type { Inventory } from "./types.js";

const DOCUMENT: YamlDocumentOptions = {
  what: "an inventory mapping (name, endpoint, ssh, haproxy, jumpHosts, hosts)",
  kind: "an inventory",
  code: "VIPDRILL_INVENTORY_INVALID",
};

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export interface InventoryOptions {
  /** What `~` expands to. Default: os.homedir(). */
  homeDir?: string;
}

/**
 * Read and validate an inventory file, then the files it names: the CA certificate (into
 * endpoint.caPem) and each identityFile a host uses (readable; not parsed). Every problem is one
 * line, `file:line: path: …`, thrown together as a UsageError (VIPDRILL_INVENTORY_INVALID).
 */
export async function loadInventory(file: string, options: InventoryOptions = {}): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UsageError("VIPDRILL_INVENTORY_NOT_FOUND", `${display(file)}: no such file (an inventory lists the hosts to drill; see inventories/example.yaml)`, {
        cause: error,
      });
    }
    const why = code === "EISDIR" ? "is a directory, not an inventory file" : `cannot be read (${code ?? String(error)})`;
    throw new UsageError("VIPDRILL_INVENTORY_UNREADABLE", `${display(file)}: ${why}`, { cause: error });
  }
  const { doc, inventory } = parse(text, file, options);
  const problems: YamlProblem[] = [];
  let caPem: string | undefined;
  const checks: Array<Promise<void>> = [];
  if (inventory.endpoint.caFile !== undefined) {
    const caFile = inventory.endpoint.caFile;
    checks.push(
      readFile(caFile, "utf8").then(
        (pem) => {
          if (PEM_CERTIFICATE.test(pem)) caPem = pem;
          else problems.push({ path: ["endpoint", "caFile"], text: `expected a PEM certificate (-----BEGIN CERTIFICATE-----), got ${caFile}, which has none` });
        },
        (error: unknown) => {
          problems.push({ path: ["endpoint", "caFile"], text: `cannot read ${caFile} (${errnoOf(error)})` });
        },
      ),
    );
  }
  for (const { path, file: keyFile } of identityFiles(doc, inventory)) {
    checks.push(
      checkReadableFile(keyFile).then((why) => {
        if (why !== undefined) problems.push({ path, text: `cannot read ${keyFile} (${why})` });
      }),
    );
  }
  let credentials: KubeCredentials | undefined;
  const kubeconfig = inventory.kubeVip?.kubeconfig;
  if (kubeconfig !== undefined) {
    checks.push(
      loadKubeconfig(kubeconfig).then(
        (c) => void (credentials = c),
        (error: unknown) => void problems.push({ path: ["kubeVip", "kubeconfig"], text: `expected a kubeconfig vipdrill can use: ${errorMessage(error)}` }),
      ),
    );
  }
  await Promise.all(checks);
  if (problems.length > 0) doc.fail(problems);
  const withCa = caPem === undefined ? inventory : { ...inventory, endpoint: { ...inventory.endpoint, caPem } };
  return credentials === undefined || !withCa.kubeVip ? withCa : { ...withCa, kubeVip: { ...withCa.kubeVip, credentials } };
}

/**
 * Validate inventory text (pure: the files it names are not read). Every problem is one line,
 * `file:line: path: expected …, got …`, sorted by line, thrown together as a UsageError
 * (VIPDRILL_INVENTORY_INVALID).
 */
export function parseInventory(text: string, file: string, options: InventoryOptions = {}): Inventory {
  return parse(text, file, options).inventory;
}

function parse(text: string, file: string, options: InventoryOptions): { doc: YamlDocument; inventory: Inventory } {
  const doc = parseYamlDocument(text, file, DOCUMENT);
  return { doc, inventory: doc.validate(inventorySchema(file, options.homeDir ?? homedir())) };
}

/** The key files hosts use, each once, at the line that set it (the host's own ssh, or the top-level one). */
function identityFiles(doc: YamlDocument, inventory: Inventory): Array<{ path: YamlPath; file: string }> {
  const found = new Map<string, { path: YamlPath; file: string }>();
  const visit = (list: "hosts" | "jumpHosts", nodes: ReadonlyArray<{ ssh: { identityFile?: string } }>): void => {
    const raw = Array.isArray(doc.data[list]) ? (doc.data[list] as unknown[]) : [];
    nodes.forEach((node, i) => {
      const file = node.ssh.identityFile;
      if (file === undefined) return;
      const own = raw[i] as { ssh?: { identityFile?: unknown } } | undefined;
      const path: YamlPath = own?.ssh?.identityFile !== undefined ? [list, i, "ssh", "identityFile"] : ["ssh", "identityFile"];
      found.set(path.join("."), { path, file });
    });
  };
  visit("hosts", inventory.hosts);
  visit("jumpHosts", inventory.jumpHosts);
  return [...found.values()];
}

/** Why a file cannot be read (an errno code, "a directory"), or undefined when it can. */
async function checkReadableFile(file: string): Promise<string | undefined> {
  try {
    if (!(await stat(file)).isFile()) return "not a regular file";
    await access(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return errnoOf(error);
  }
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
