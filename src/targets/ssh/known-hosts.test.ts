import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  appendKnownHost,
  fingerprintSha256,
  keyTypeOfBlob,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
  readKnownHosts,
  verifyHostKey,
} from "./known-hosts.js";

// Real key blobs (ssh-ed25519 public keys): A is "ours", B another host's.
const KEY_A = "AAAAC3NzaC1lZDI1NTE5AAAAIHrBbtHBZZKK8jl9yGs5uES002hIFj84LAp+4RySu/ul";
const KEY_B = "AAAAC3NzaC1lZDI1NTE5AAAAIFgMyP4O9Zc8dv/EQNon98p4mybyLBZji/FGNpWbgr93";
const ED = "ssh-ed25519";

const hashed = (host: string, salt = randomBytes(20)): string =>
  `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(host).digest("base64")}`;

const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "vipdrill-kh-"));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("known_hosts parsing", () => {
  it("reads plain, comma-list, bracketed, hashed and marked lines; skips comments, blanks and junk", () => {
    const text = [
      "# a comment",
      "",
      "   ",
      `lb-1,10.0.0.1 ${ED} ${KEY_A} root@lb-1`,
      `[10.0.0.2]:2222 ${ED} ${KEY_A}`,
      `${hashed("10.0.0.3")} ${ED} ${KEY_B}`,
      `@revoked * ${ED} ${KEY_B}`,
      `@cert-authority *.lab ${ED} ${KEY_B}`,
      `@bogus * ${ED} ${KEY_B}`,
      "only-two fields",
    ].join("\n");
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => e.line)).toEqual([4, 5, 6, 7, 8]);
    expect(entries[0]!.hosts).toEqual({ kind: "patterns", patterns: ["lb-1", "10.0.0.1"] });
    expect(entries[2]!.hosts.kind).toBe("hashed");
    expect(entries[3]!.marker).toBe("revoked");
    expect(entries[4]!.marker).toBe("cert-authority");
  });

  it("names hosts as known_hosts does: bare on port 22, [host]:port elsewhere", () => {
    expect(knownHostName("10.0.0.1", 22)).toBe("10.0.0.1");
    expect(knownHostName("10.0.0.1", 2222)).toBe("[10.0.0.1]:2222");
  });
});

describe("verifyHostKey", () => {
  it("matches plain patterns and comma lists, and only on the right port", () => {
    const entries = parseKnownHosts(`lb-1,10.0.0.1 ${ED} ${KEY_A}\n[10.0.0.2]:2222 ${ED} ${KEY_A}\n`);
    expect(verifyHostKey(entries, "10.0.0.1", 22, ED, KEY_A)).toEqual({ status: "match", line: 1 });
    expect(verifyHostKey(entries, "LB-1", 22, ED, KEY_A).status).toBe("match");
    expect(verifyHostKey(entries, "10.0.0.1", 2222, ED, KEY_A).status).toBe("unknown");
    expect(verifyHostKey(entries, "10.0.0.2", 2222, ED, KEY_A)).toEqual({ status: "match", line: 2 });
    expect(verifyHostKey(entries, "10.0.0.2", 22, ED, KEY_A).status).toBe("unknown");
    expect(verifyHostKey(entries, "10.0.0.9", 22, ED, KEY_A).status).toBe("unknown");
  });

  it("reports a changed key with the lines and fingerprints of the keys on record", () => {
    const entries = parseKnownHosts(`# x\n10.0.0.1 ${ED} ${KEY_B}\n`);
    const verdict = verifyHostKey(entries, "10.0.0.1", 22, ED, KEY_A);
    expect(verdict).toEqual({
      status: "changed",
      expected: [{ line: 2, keyType: ED, fingerprint: fingerprintSha256(Buffer.from(KEY_B, "base64")) }],
    });
  });

  it("treats a host known only with another key type as changed (stricter than OpenSSH)", () => {
    const entries = parseKnownHosts(`10.0.0.1 ecdsa-sha2-nistp256 ${KEY_B}\n`);
    expect(verifyHostKey(entries, "10.0.0.1", 22, ED, KEY_A).status).toBe("changed");
    expect(knownKeyTypes(entries, "10.0.0.1", 22)).toEqual(["ecdsa-sha2-nistp256"]);
  });

  it("matches hashed entries (HMAC-SHA1 of host or [host]:port)", () => {
    const entries = parseKnownHosts(`${hashed("10.0.0.3")} ${ED} ${KEY_A}\n${hashed("[10.0.0.3]:2200")} ${ED} ${KEY_B}\n`);
    expect(verifyHostKey(entries, "10.0.0.3", 22, ED, KEY_A)).toEqual({ status: "match", line: 1 });
    expect(verifyHostKey(entries, "10.0.0.3", 2200, ED, KEY_B)).toEqual({ status: "match", line: 2 });
    expect(verifyHostKey(entries, "10.0.0.3", 2200, ED, KEY_A).status).toBe("changed");
    expect(verifyHostKey(entries, "10.0.0.4", 22, ED, KEY_A).status).toBe("unknown");
  });

  it.runIf(existsSync("/usr/bin/ssh-keygen"))("matches entries hashed by ssh-keygen -H", async () => {
    const dir = await tempDir();
    const file = join(dir, "known_hosts");
    await writeFile(file, `10.1.2.3 ${ED} ${KEY_A}\n[10.1.2.3]:2022 ${ED} ${KEY_B}\n`);
    execFileSync("/usr/bin/ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("10.1.2.3");
    const entries = parseKnownHosts(text);
    expect(entries.every((e) => e.hosts.kind === "hashed")).toBe(true);
    expect(verifyHostKey(entries, "10.1.2.3", 22, ED, KEY_A).status).toBe("match");
    expect(verifyHostKey(entries, "10.1.2.3", 2022, ED, KEY_B).status).toBe("match");
    expect(verifyHostKey(entries, "10.1.2.4", 22, ED, KEY_A).status).toBe("unknown");
  });

  it("handles wildcards and negation", () => {
    const entries = parseKnownHosts(`10.0.0.*,!10.0.0.66 ${ED} ${KEY_A}\nnode-? ${ED} ${KEY_B}\n`);
    expect(verifyHostKey(entries, "10.0.0.5", 22, ED, KEY_A).status).toBe("match");
    expect(verifyHostKey(entries, "10.0.0.66", 22, ED, KEY_A).status).toBe("unknown");
    expect(verifyHostKey(entries, "node-1", 22, ED, KEY_B).status).toBe("match");
    expect(verifyHostKey(entries, "node-10", 22, ED, KEY_B).status).toBe("unknown");
    // A pattern's dots are literal, not regex wildcards.
    expect(verifyHostKey(entries, "10x0.0.5", 22, ED, KEY_A).status).toBe("unknown");
  });

  it("refuses a revoked key even when a plain line accepts it", () => {
    const entries = parseKnownHosts(`10.0.0.1 ${ED} ${KEY_A}\n@revoked * ${ED} ${KEY_A}\n`);
    expect(verifyHostKey(entries, "10.0.0.1", 22, ED, KEY_A)).toEqual({ status: "revoked", line: 2 });
    // Revocation is of that key only.
    expect(verifyHostKey(parseKnownHosts(`@revoked * ${ED} ${KEY_B}\n10.0.0.1 ${ED} ${KEY_A}\n`), "10.0.0.1", 22, ED, KEY_A).status).toBe(
      "match",
    );
  });

  it("ignores @cert-authority and says so when it is the only match", () => {
    const verdict = verifyHostKey(parseKnownHosts(`@cert-authority * ${ED} ${KEY_B}\n`), "10.0.0.1", 22, ED, KEY_A);
    expect(verdict.status).toBe("unknown");
    expect(verdict.status === "unknown" && verdict.note).toMatch(/cert-authority/);
  });
});

describe("fingerprints and key blobs", () => {
  it.runIf(existsSync("/usr/bin/ssh-keygen"))("prints SHA256 fingerprints as ssh-keygen -l does", async () => {
    const dir = await tempDir();
    const file = join(dir, "k.pub");
    await writeFile(file, `${ED} ${KEY_A} x\n`);
    const printed = execFileSync("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", file], { encoding: "utf8" }).split(" ")[1];
    expect(fingerprintSha256(Buffer.from(KEY_A, "base64"))).toBe(printed);
  });

  it("reads the key type from a blob", () => {
    expect(keyTypeOfBlob(Buffer.from(KEY_A, "base64"))).toBe(ED);
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBe("unknown");
  });
});

describe("appendKnownHost", () => {
  it("creates the directory 0700 and the file 0600, and writes [host]:port off port 22", async () => {
    const dir = join(await tempDir(), "nested", ".ssh");
    const file = join(dir, "known_hosts");
    await appendKnownHost(file, "10.0.0.1", 22, ED, KEY_A);
    await appendKnownHost(file, "10.0.0.2", 2222, ED, KEY_B);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe(`10.0.0.1 ${ED} ${KEY_A}\n[10.0.0.2]:2222 ${ED} ${KEY_B}\n`);
    const entries = await readKnownHosts(file);
    expect(verifyHostKey(entries, "10.0.0.2", 2222, ED, KEY_B).status).toBe("match");
  });

  it("adds a newline when the file's last line has none, and leaves existing lines alone", async () => {
    const file = join(await tempDir(), "known_hosts");
    await writeFile(file, `# mine\nhost-x ${ED} ${KEY_B}`);
    await appendKnownHost(file, "10.0.0.1", 22, ED, KEY_A);
    expect(await readFile(file, "utf8")).toBe(`# mine\nhost-x ${ED} ${KEY_B}\n10.0.0.1 ${ED} ${KEY_A}\n`);
  });

  it("reads a missing file as empty", async () => {
    expect(await readKnownHosts(join(await tempDir(), "none"))).toEqual([]);
  });
});
