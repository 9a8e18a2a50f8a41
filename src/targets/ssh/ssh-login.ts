/** How vipdrill logs in: an identity file (with VIPDRILL_SSH_PASSPHRASE), the SSH agent, or the default keys in ~/.ssh. */
import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import ssh2, { type AnyAuthMethod, type ParsedKey } from "ssh2";
import { TransportError, errorMessage } from "../../common/errors.js";
import { shellQuote } from "../../common/shell-quote.js";
import type { SshContext } from "./ssh-context.js";

// ssh2 is CommonJS: its `utils` is not visible as a named ESM export.
const { utils } = ssh2;

/** Tried in this order when there is no ssh.identityFile, as OpenSSH does. */
const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** One way to log in, and how error messages name it. */
export interface AuthCandidate {
  label: string;
  method: AnyAuthMethod;
}

export interface LoginSources {
  /** Environment for SSH_AUTH_SOCK, VIPDRILL_SSH_PASSPHRASE. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where the default keys live (default ~/.ssh). */
  sshDir?: string;
}

/**
 * The ways to log in, in the order they are offered: the identity file then the agent; without an
 * identity file, the agent then the default keys that can be read (the others are skipped, and
 * named only if nothing is left).
 */
export async function authCandidates(ctx: SshContext, sources: LoginSources): Promise<AuthCandidate[]> {
  const s = ctx.host.ssh;
  const { env } = sources;
  const agentSocket = s.agent ? env.SSH_AUTH_SOCK : undefined;
  const agent: AuthCandidate[] = agentSocket
    ? [{ label: `the agent at ${agentSocket}`, method: { type: "agent", username: s.user, agent: agentSocket } }]
    : [];
  if (s.identityFile) {
    const key = await loadKey(ctx, s.identityFile, env.VIPDRILL_SSH_PASSPHRASE);
    return [{ label: `identity file ${s.identityFile} (${key.type})`, method: { type: "publickey", username: s.user, key } }, ...agent];
  }
  const defaults: AuthCandidate[] = [];
  const skipped: string[] = [];
  const dir = sources.sshDir ?? join(homedir(), ".ssh");
  for (const name of DEFAULT_KEYS) {
    const file = join(dir, name);
    if (!(await access(file).then(() => true, () => false))) continue;
    try {
      const key = await loadKey(ctx, file, env.VIPDRILL_SSH_PASSPHRASE);
      defaults.push({ label: `${file} (${key.type})`, method: { type: "publickey", username: s.user, key } });
    } catch (error) {
      skipped.push(`${file}: ${error instanceof TransportError ? "unusable" : errorMessage(error)}`);
      ctx.debug(`skipping default key ${file}: ${errorMessage(error)}`);
    }
  }
  const candidates = [...agent, ...defaults];
  if (candidates.length === 0) {
    throw ctx.error(
      "VIPDRILL_SSH_AUTH",
      `no key to log in with: no ssh.identityFile, ${s.agent ? "SSH_AUTH_SOCK is not set" : "the agent is off (ssh.agent: false)"}, and no usable ${DEFAULT_KEYS.map((k) => join(dir, k)).join(", ")}${skipped.length ? ` (${skipped.join("; ")})` : ""}: set ssh.identityFile in the inventory or start an agent`,
    );
  }
  return candidates;
}

/** A private key file, decrypted with the passphrase where it needs one; errors say which file and what to do. */
async function loadKey(ctx: SshContext, file: string, passphrase: string | undefined): Promise<ParsedKey> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
    throw ctx.error("VIPDRILL_SSH_KEY_FILE", `cannot read identity file ${file} (${code}): fix ssh.identityFile or the file's permissions`, error);
  }
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw ctx.error(
        "VIPDRILL_SSH_KEY_FILE",
        `identity file ${file} is encrypted and no passphrase was given: set VIPDRILL_SSH_PASSPHRASE, or load the key into ssh-agent (ssh-add ${shellQuote(file)}) and leave ssh.identityFile unset`,
        parsed,
      );
    }
    if (/passphrase|integrity check|decrypt/i.test(parsed.message)) {
      throw ctx.error("VIPDRILL_SSH_KEY_FILE", `VIPDRILL_SSH_PASSPHRASE does not decrypt identity file ${file} (${parsed.message})`, parsed);
    }
    throw ctx.error("VIPDRILL_SSH_KEY_FILE", `identity file ${file} is not a private key vipdrill can read (${parsed.message})`, parsed);
  }
  const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key || !key.isPrivateKey()) {
    throw ctx.error("VIPDRILL_SSH_KEY_FILE", `identity file ${file} holds no private key (a .pub file?): point ssh.identityFile at the private key`);
  }
  return key;
}
