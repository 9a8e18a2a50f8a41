/**
 * OpenSSH known_hosts, as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes it: host patterns (comma
 * lists, `[host]:port` for ports other than 22, `*` and `?` wildcards, `!` negation), hashed entries
 * (`|1|salt|hmac`, HMAC-SHA1 of the host string keyed with the salt), the `@revoked` marker (the key
 * is refused for the hosts that match) and `@cert-authority` (recognised, never trusted: vipdrill
 * does not do host certificates). Comments and blank lines are skipped.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { appendFile, mkdir, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";

export type KnownHostMarker = "revoked" | "cert-authority";

export interface KnownHostEntry {
  /** 1-based line in the file. */
  line: number;
  marker?: KnownHostMarker;
  /** Plain patterns (`host`, `[host]:port`, `*.lab`, `!bad`), or one hashed host. */
  hosts: { kind: "patterns"; patterns: string[] } | { kind: "hashed"; salt: Buffer; hash: Buffer };
  keyType: string;
  keyBase64: string;
}

export interface ExpectedKey {
  line: number;
  keyType: string;
  fingerprint: string;
}

export type HostKeyVerdict =
  | { status: "match"; line: number }
  /** No entry for the host; `note` says why a matching `@cert-authority` line did not help. */
  | { status: "unknown"; note?: string }
  /**
   * The host is known with other key(s). This includes a host known only with another key type:
   * stricter than OpenSSH, which would treat that as new — vipdrill offers the known key types first,
   * so an honest server never presents another type.
   */
  | { status: "changed"; expected: ExpectedKey[] }
  | { status: "revoked"; line: number };

/** The host string known_hosts names: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parse known_hosts text. Lines that are not entries (malformed, unknown marker) are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i]!, i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, line: number): KnownHostEntry | undefined {
  const text = raw.trim();
  if (text === "" || text.startsWith("#")) return undefined;
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostMarker | undefined;
  if (fields[0]?.startsWith("@")) {
    const name = fields.shift()!.slice(1);
    if (name !== "revoked" && name !== "cert-authority") return undefined;
    marker = name;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (!hostField || !keyType || !keyBase64) return undefined;
  let hosts: KnownHostEntry["hosts"];
  if (hostField.startsWith("|1|")) {
    const [, , salt, hash] = hostField.split("|");
    if (!salt || !hash) return undefined;
    hosts = { kind: "hashed", salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
    if (hosts.salt.length === 0 || hosts.hash.length !== 20) return undefined;
  } else {
    hosts = { kind: "patterns", patterns: hostField.split(",").filter((p) => p !== "") };
  }
  return marker ? { line, marker, hosts, keyType, keyBase64 } : { line, hosts, keyType, keyBase64 };
}

/** Read and parse a known_hosts file; a missing file is an empty one. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** `*` and `?` glob, case-insensitive, as OpenSSH's match_pattern. */
function globMatch(pattern: string, text: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(text.toLowerCase());
}

/** Whether an entry's host field names this host string (`host` or `[host]:port`). */
export function entryMatchesHost(entry: KnownHostEntry, hostName: string): boolean {
  if (entry.hosts.kind === "hashed") {
    const mac = createHmac("sha1", entry.hosts.salt).update(hostName).digest();
    return timingSafeEqual(mac, entry.hosts.hash);
  }
  let positive = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith("!");
    if (!globMatch(negated ? pattern.slice(1) : pattern, hostName)) continue;
    // A matching negated pattern rules the line out whatever else matches.
    if (negated) return false;
    positive = true;
  }
  return positive;
}

function sameKey(entry: KnownHostEntry, keyType: string, keyBase64: string): boolean {
  if (entry.keyType !== keyType) return false;
  const a = Buffer.from(entry.keyBase64, "base64");
  const b = Buffer.from(keyBase64, "base64");
  return a.length > 0 && a.equals(b);
}

/** What known_hosts says about the key a server presented for host:port. */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): HostKeyVerdict {
  const name = knownHostName(host, port);
  const forHost = entries.filter((e) => entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === "revoked" && sameKey(e, keyType, keyBase64));
  if (revoked) return { status: "revoked", line: revoked.line };
  const plain = forHost.filter((e) => e.marker === undefined);
  const match = plain.find((e) => sameKey(e, keyType, keyBase64));
  if (match) return { status: "match", line: match.line };
  if (plain.length > 0) {
    return {
      status: "changed",
      expected: plain.map((e) => ({ line: e.line, keyType: e.keyType, fingerprint: fingerprintOfBase64(e.keyBase64) })),
    };
  }
  if (forHost.some((e) => e.marker === "cert-authority")) {
    return {
      status: "unknown",
      note: `only a @cert-authority line matches ${name}, and vipdrill does not verify host certificates: add the host's own key`,
    };
  }
  return { status: "unknown" };
}

/** Key types known for a host (plain entries), in file order: offered first in the key exchange. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** `SHA256:…` as `ssh-keygen -lf` prints it (unpadded base64 of the SHA-256 of the key blob). */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

function fingerprintOfBase64(keyBase64: string): string {
  return fingerprintSha256(Buffer.from(keyBase64, "base64"));
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  if (length > keyBlob.length - 4 || length > 64) return "unknown";
  return keyBlob.subarray(4, 4 + length).toString("latin1");
}

/**
 * Add a key for host:port (`[host]:port` form when port ≠ 22). Creates the file 0600 and its
 * directory 0700 when missing; never rewrites existing lines.
 */
export async function appendKnownHost(file: string, host: string, port: number, keyType: string, keyBase64: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Open first (creating it 0600 if needed) to see whether the last line ends with a newline.
  const handle = await open(file, "a+", 0o600);
  let prefix = "";
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
  } finally {
    await handle.close();
  }
  await appendFile(file, `${prefix}${knownHostName(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
}

