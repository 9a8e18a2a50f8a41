/** Host keys: always checked against known_hosts (known-hosts.ts reads it); unknown ones trusted only when asked. */
import { errorMessage } from "../../common/errors.js";
import { shellQuote } from "../../common/shell-quote.js";
import { appendKnownHost, fingerprintSha256, keyTypeOfBlob, knownHostName, readKnownHosts, verifyHostKey, type KnownHostEntry } from "./known-hosts.js";
import type { SshContext } from "./ssh-context.js";

/** The host's known_hosts entries, or a VIPDRILL_SSH_HOST_KEY_UNKNOWN error saying why the file cannot be read. */
export async function loadKnownHosts(ctx: SshContext): Promise<KnownHostEntry[]> {
  const file = ctx.host.ssh.knownHostsFile;
  try {
    return await readKnownHosts(file);
  } catch (error) {
    throw ctx.error("VIPDRILL_SSH_HOST_KEY_UNKNOWN", `cannot read known_hosts file ${file} (${errorMessage(error)}): fix its permissions or ssh.knownHostsFile`, error);
  }
}

/**
 * Resolves when the key the host presented is the one known_hosts holds (or, with
 * acceptNewHostKeys, an unknown one, which is then recorded); throws a TransportError saying what to
 * do when it is revoked, changed or unknown.
 */
export async function checkHostKey(ctx: SshContext, keyBlob: Buffer, entries: KnownHostEntry[], acceptNewHostKeys: boolean): Promise<void> {
  const { address } = ctx.host;
  const s = ctx.host.ssh;
  const keyType = keyTypeOfBlob(keyBlob);
  const keyBase64 = keyBlob.toString("base64");
  const fingerprint = fingerprintSha256(keyBlob);
  const verdict = verifyHostKey(entries, address, s.port, keyType, keyBase64);
  const name = knownHostName(address, s.port);
  switch (verdict.status) {
    case "match":
      ctx.debug(`host key ${keyType} ${fingerprint} matches ${s.knownHostsFile}:${verdict.line}`);
      return;
    case "revoked":
      throw ctx.error(
        "VIPDRILL_SSH_HOST_KEY_REVOKED",
        `the host presented ${keyType} ${fingerprint}, which ${s.knownHostsFile}:${verdict.line} marks @revoked: refusing it; ask the host's owner for its current key`,
      );
    case "changed": {
      const old = verdict.expected.map((e) => `line ${e.line} (${e.keyType} ${e.fingerprint})`).join(", ");
      throw ctx.error(
        "VIPDRILL_SSH_HOST_KEY_CHANGED",
        `WARNING: HOST KEY CHANGED — possible man-in-the-middle attack: ${name} presented ${keyType} ${fingerprint}, but ${s.knownHostsFile} holds another key for it at ${old}; nothing was sent. If the host was really reinstalled, confirm the new fingerprint with its owner, remove the old key (ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(s.knownHostsFile)}) and connect again`,
      );
    }
    case "unknown":
      if (acceptNewHostKeys) {
        await appendKnownHost(s.knownHostsFile, address, s.port, keyType, keyBase64);
        ctx.debug(`trusted on first use: ${keyType} ${fingerprint} added to ${s.knownHostsFile}`);
        return;
      }
      throw ctx.error(
        "VIPDRILL_SSH_HOST_KEY_UNKNOWN",
        `host key ${keyType} ${fingerprint} is not in ${s.knownHostsFile}${verdict.note ? ` (${verdict.note})` : ""}: check that fingerprint with the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-|-sha2-nistp\d+$/g, "")}_key.pub), then add it: ssh-keyscan -p ${s.port} -t ${keyType} ${address} >> ${shellQuote(s.knownHostsFile)}; or run with --accept-new-host-keys to trust it on first use`,
      );
  }
}
