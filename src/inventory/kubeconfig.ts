/**
 * A kubeconfig, read the way kubectl reads it: the current context's cluster (server, CA) and user
 * (client certificate and key, or a bearer token). What vipdrill cannot use (exec and auth-provider
 * plugins) is refused in one line that says so, as is anything malformed: file, path, what was
 * expected.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseDocument, isMap, isSeq, type Node } from "yaml";
import { UsageError, errorMessage } from "../common/errors.js";
import type { KubeCredentials } from "../model/kube-vip.js";

const fail = (file: string, line: number | undefined, path: string, expected: string): never => {
  throw new UsageError("VIPDRILL_KUBECONFIG_INVALID", `${file}${line === undefined ? "" : `:${line}`}: ${path}: expected ${expected}`);
};

/** Read and resolve a kubeconfig file (relative certificate paths are relative to it). */
export async function loadKubeconfig(file: string): Promise<KubeCredentials> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError("VIPDRILL_KUBECONFIG_INVALID", `${file}: cannot read the kubeconfig: ${errorMessage(error)}`, { cause: error });
  }
  return parseKubeconfig(text, file, (path) => readFile(resolve(dirname(file), path), "utf8"));
}

export async function parseKubeconfig(text: string, file: string, readRelative: (path: string) => Promise<string>): Promise<KubeCredentials> {
  const lineOf = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : text.slice(0, offset).split("\n").length);
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    fail(file, lineOf(error.pos[0]), "(document)", `YAML (${error.message.split("\n")[0]})`);
  }
  const root: unknown = doc.toJS();
  const lineAt = (path: Array<string | number>): number | undefined => lineOf((doc.getIn(path, true) as Node | undefined)?.range?.[0]);
  if (typeof root !== "object" || root === null || !isMap(doc.contents)) return fail(file, 1, "(document)", "a kubeconfig (a mapping with clusters, users, contexts)");
  const config = root as Record<string, unknown>;
  const named = (key: "clusters" | "users" | "contexts", name: string, field: "cluster" | "user" | "context"): { value: Record<string, unknown>; index: number } => {
    const list = config[key];
    if (!Array.isArray(list) || !isSeq(doc.get(key, true))) return fail(file, lineAt([key]), key, "a list");
    const index = list.findIndex((entry: unknown) => typeof entry === "object" && entry !== null && (entry as { name?: unknown }).name === name);
    if (index < 0) return fail(file, lineAt([key]), key, `an entry named "${name}"`);
    const value = (list[index] as Record<string, unknown>)[field];
    if (typeof value !== "object" || value === null) return fail(file, lineAt([key, index]), `${key}[${index}].${field}`, "a mapping");
    return { value: value as Record<string, unknown>, index };
  };
  const contextName = config["current-context"];
  if (typeof contextName !== "string" || contextName === "") return fail(file, lineAt(["current-context"]), "current-context", "the name of a context");
  const context = named("contexts", contextName, "context").value;
  const clusterName = context.cluster;
  const userName = context.user;
  if (typeof clusterName !== "string" || typeof userName !== "string") return fail(file, lineAt(["current-context"]), `context "${contextName}"`, "a cluster and a user");
  const cluster = named("clusters", clusterName, "cluster");
  const user = named("users", userName, "user");

  const at = (section: "clusters" | "users", index: number, field: string): string => `${section}[${index}].${section === "clusters" ? "cluster" : "user"}.${field}`;
  const text64 = (section: "clusters" | "users", index: number, field: string, value: unknown): string => {
    if (typeof value !== "string") return fail(file, lineAt([section, index]), at(section, index, field), "base64 text");
    const decoded = Buffer.from(value, "base64").toString("utf8");
    if (!decoded.includes("-----BEGIN")) return fail(file, lineAt([section, index]), at(section, index, field), "base64 of a PEM block");
    return decoded;
  };
  const fromFile = async (section: "clusters" | "users", index: number, field: string, value: unknown): Promise<string> => {
    if (typeof value !== "string") return fail(file, lineAt([section, index]), at(section, index, field), "a file path");
    try {
      return await readRelative(value);
    } catch (error) {
      return fail(file, lineAt([section, index]), at(section, index, field), `a readable file (${errorMessage(error)})`);
    }
  };
  const pem = async (section: "clusters" | "users", index: number, record: Record<string, unknown>, dataKey: string, fileKey: string): Promise<string | undefined> => {
    if (record[dataKey] !== undefined) return text64(section, index, dataKey, record[dataKey]);
    if (record[fileKey] !== undefined) return fromFile(section, index, fileKey, record[fileKey]);
    return undefined;
  };

  const server = cluster.value.server;
  if (typeof server !== "string" || !/^https:\/\/[^/]+/.test(server)) return fail(file, lineAt(["clusters", cluster.index]), at("clusters", cluster.index, "server"), "an https:// URL");
  const insecure = cluster.value["insecure-skip-tls-verify"] === true;
  const caPem = await pem("clusters", cluster.index, cluster.value, "certificate-authority-data", "certificate-authority");
  for (const plugin of ["exec", "auth-provider"]) {
    if (user.value[plugin] !== undefined) {
      fail(file, lineAt(["users", user.index]), at("users", user.index, plugin), `no ${plugin} plugin (vipdrill reads Leases with a client certificate or a token: give it a kubeconfig with client-certificate-data or token)`);
    }
  }
  const credentials: KubeCredentials = { file, server: server.replace(/\/+$/, ""), caPem, insecure, userName };
  const clientCertPem = await pem("users", user.index, user.value, "client-certificate-data", "client-certificate");
  const clientKeyPem = await pem("users", user.index, user.value, "client-key-data", "client-key");
  if (clientCertPem !== undefined && clientKeyPem !== undefined) Object.assign(credentials, { clientCertPem, clientKeyPem });
  else if (typeof user.value.token === "string") credentials.token = user.value.token;
  else if (user.value.tokenFile !== undefined) credentials.token = (await fromFile("users", user.index, "tokenFile", user.value.tokenFile)).trim();
  else fail(file, lineAt(["users", user.index]), at("users", user.index, "client-certificate-data"), "a client certificate and key, or a token");
  return credentials;
}
