/**
 * One SSH connection to one host: TCP (or a channel forwarded by a jump host), the handshake with
 * the host key checked, and the login — all within ssh.connectTimeoutMs, every failure a
 * TransportError that says what to check. Keepalives notice a connection that has gone.
 */
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import ssh2, { type AnyAuthMethod, type Client as SshClient, type ConnectConfig } from "ssh2";
import { processMonotonicMs } from "../../common/clock.js";
import { TransportError, errorMessage } from "../../common/errors.js";
import { checkHostKey } from "./host-key-check.js";
import { knownKeyTypes, type KnownHostEntry } from "./known-hosts.js";
import { seconds, type SshContext } from "./ssh-context.js";
import type { AuthCandidate } from "./ssh-login.js";

// ssh2 is CommonJS: its `Client` is not visible as a named ESM export.
const { Client } = ssh2;

const KEEPALIVE_INTERVAL_MS = 1_000;
const KEEPALIVE_COUNT_MAX = 3;

/** A logged-in connection, and how it ends. */
export interface Link {
  readonly client: SshClient;
  alive: boolean;
  /** Why the connection ended (keepalive timeout, reset, closed by the server). */
  lostReason?: string;
  /** processMonotonicMs of the last bytes from the host (keepalive replies too): when it was last in reach. */
  lastHeardMs?: number;
  readonly lost: Promise<void>;
}

/** The host that forwards our connection when the inventory names a jump host (its own transport). */
export interface JumpConnection {
  readonly hostId: string;
  connect(): Promise<void>;
  forwardOut(address: string, port: number): Promise<Duplex>;
}

export interface LinkInputs {
  auth: AuthCandidate[];
  knownHosts: KnownHostEntry[];
  /** Trust on first use: an unknown host key is recorded and accepted (a changed one never). */
  acceptNewHostKeys: boolean;
  jump?: JumpConnection;
  /** performance.now() when connecting began: connectTimeoutMs counts from there (from the jump host's connection where there is one). */
  startedMs: number;
}

/** Connect and log in; the Link is alive until `lost` resolves. */
export async function openLink(ctx: SshContext, inputs: LinkInputs): Promise<Link> {
  const s = ctx.host.ssh;
  let sock: Duplex | undefined;
  // connectTimeoutMs bounds this host's own TCP + handshake + login (a jump host's connect has its own).
  let budgetStart = inputs.startedMs;
  const jump = inputs.jump;
  if (jump) {
    try {
      // The jump host's own connection first, under its own timeout and with its own errors.
      await jump.connect();
      budgetStart = performance.now();
      sock = await withTimeout(jump.forwardOut(ctx.host.address, s.port), s.connectTimeoutMs, (late) => late.destroy());
    } catch (error) {
      if (error instanceof TransportError) {
        throw new TransportError(error.code, ctx.host.id, `${ctx.host.id} (${ctx.destination}): through jump host ${error.message}`, {
          cause: error,
        });
      }
      const reason = error instanceof TimedOut ? `no answer within ${seconds(s.connectTimeoutMs)}` : errorMessage(error);
      throw ctx.error(
        "VIPDRILL_SSH_UNREACHABLE",
        `jump host ${jump.hostId} could not open a connection to ${ctx.host.address}:${s.port} (${reason}): check that ${jump.hostId} reaches it and that AllowTcpForwarding is on there`,
        error,
      );
    }
  }
  const remainingMs = Math.max(1, s.connectTimeoutMs - (performance.now() - budgetStart));
  return handshake(ctx, sock, inputs, remainingMs);
}

/** The SSH handshake (over sock, or a new TCP connection) and the login, within timeoutMs. */
async function handshake(ctx: SshContext, sock: Duplex | undefined, inputs: LinkInputs, timeoutMs: number): Promise<Link> {
  const { knownHosts: entries, auth } = inputs;
  const s = ctx.host.ssh;
  const client = new Client();
  let hostKeyError: TransportError | undefined;
  const tried: string[] = [];
  const notes: string[] = [];
  let phase: "tcp" | "handshake" | "auth" = sock ? "handshake" : "tcp";
  const remaining = [...auth];
  const preferred = knownKeyTypes(entries, ctx.host.address, s.port)
    .flatMap(hostKeyAlgorithms)
    .filter((a) => HOST_KEY_ALGORITHMS.includes(a));

  const hostVerifier = (keyBlob: Buffer, verify: (valid: boolean) => void): void => {
    checkHostKey(ctx, keyBlob, entries, inputs.acceptNewHostKeys).then(
      () => verify(true),
      (error: unknown) => {
        hostKeyError = error instanceof TransportError ? error : ctx.error("VIPDRILL_SSH_HOST_KEY_UNKNOWN", errorMessage(error), error);
        verify(false);
      },
    );
  };
  const authHandler = (_left: unknown, _partial: unknown, next: (method: AnyAuthMethod | false) => void): void => {
    const candidate = remaining.shift();
    if (!candidate) return next(false);
    tried.push(candidate.label);
    next(candidate.method);
  };

  let resolveLost!: () => void;
  const lost = new Promise<void>((resolve) => (resolveLost = resolve));
  const link: Link = { client, alive: false, lost };

  return new Promise<Link>((resolve, reject) => {
    let settled = false;
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      const what =
        phase === "tcp"
          ? "the TCP connection was not established"
          : phase === "handshake"
            ? "TCP connected but the SSH handshake did not complete"
            : "the login did not complete";
      fail(
        ctx.error(
          "VIPDRILL_SSH_UNREACHABLE",
          `no SSH connection within ${seconds(timeoutMs)} (${what}): check that the host is up and reachable from here (address, routes, firewall) and that sshd listens on port ${s.port}`,
        ),
      );
    }, timeoutMs);

    client.on("connect", () => {
      if (phase === "tcp") phase = "handshake";
    });
    client.on("handshake", () => {
      phase = "auth";
    });
    client.on("error", (error: Error & { level?: string; code?: string }) => {
      if (settled) {
        // After login: remember why the connection is going away (keepalive timeout, reset).
        link.lostReason ??= describeLoss(error);
        ctx.debug(`connection error: ${error.message}`);
        return;
      }
      if (error.level === "agent") {
        notes.push(`agent: ${error.message}`);
        return;
      }
      if (error.level === "client-authentication" && !/All configured authentication methods failed/.test(error.message)) {
        notes.push(error.message);
        return;
      }
      if (hostKeyError) return fail(hostKeyError);
      if (error.level === "client-authentication") {
        const what = tried.length ? tried.join(", ") : "nothing";
        return fail(
          ctx.error(
            "VIPDRILL_SSH_AUTH",
            `login as ${s.user} refused: tried ${what}${notes.length ? ` (${notes.join("; ")})` : ""}: add the public key to ~${s.user}/.ssh/authorized_keys on the host, or set ssh.identityFile / ssh.user in the inventory`,
            error,
          ),
        );
      }
      fail(connectError(ctx, error, phase));
    });
    client.on("close", () => {
      link.alive = false;
      resolveLost();
      if (settled) {
        ctx.debug(`connection closed${link.lostReason ? ` (${link.lostReason})` : ""}`);
        return;
      }
      if (hostKeyError) return fail(hostKeyError);
      fail(
        ctx.error(
          "VIPDRILL_SSH_UNREACHABLE",
          `the server closed the connection during the ${phase === "auth" ? "login" : "SSH handshake"}: check sshd's log on the host (MaxStartups, AllowUsers, a firewall)`,
        ),
      );
    });
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      link.alive = true;
      // Every packet says the host was in reach then: a link cut is placed at the last one, not where
      // the keepalives give up (3 s later). Listened to only now, once ssh2's own reader is attached.
      link.lastHeardMs = processMonotonicMs();
      (client as unknown as { _sock?: Duplex })._sock?.on("data", () => {
        link.lastHeardMs = processMonotonicMs();
      });
      resolve(link);
    });

    const config: ConnectConfig = {
      host: ctx.host.address,
      port: s.port,
      username: s.user,
      // Our own timer above bounds TCP + handshake + auth; ssh2's would only race it.
      readyTimeout: 0,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      hostVerifier,
      authHandler: authHandler as ConnectConfig["authHandler"],
    };
    if (sock) config.sock = sock;
    if (preferred.length) {
      // Offer the key types known_hosts holds for this host first, as OpenSSH does.
      const order = [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
      config.algorithms = { serverHostKey: order } as ConnectConfig["algorithms"];
    }
    try {
      client.connect(config);
    } catch (error) {
      fail(ctx.error("VIPDRILL_SSH_UNREACHABLE", `could not start the connection: ${errorMessage(error)}`, error));
    }
  });
}

function connectError(ctx: SshContext, error: Error & { level?: string; code?: string }, phase: string): TransportError {
  const s = ctx.host.ssh;
  const code = error.code ?? "";
  const fix = `check the address and ssh.port in the inventory, and that the host is up and reachable from here`;
  let what: string;
  switch (code) {
    case "ECONNREFUSED":
      what = `connection refused: nothing listens on port ${s.port} (is sshd running? is ssh.port right?)`;
      break;
    case "ETIMEDOUT":
      what = "the TCP connection timed out";
      break;
    case "EHOSTUNREACH":
    case "EHOSTDOWN":
      what = `no route to host (${code})`;
      break;
    case "ENETUNREACH":
      what = `network unreachable (${code})`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      what = `cannot resolve "${ctx.host.address}" (${code})`;
      break;
    case "ECONNRESET":
      what = `the connection was reset during the ${phase === "auth" ? "login" : "SSH handshake"}`;
      break;
    default:
      what = `${phase === "tcp" ? "connecting" : phase === "handshake" ? "SSH handshake" : "login"} failed: ${error.message}`;
  }
  return ctx.error("VIPDRILL_SSH_UNREACHABLE", `${what}: ${fix}`, error);
}

/** ssh2's default host key algorithms, in its order. */
const HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/** Signature algorithms the key exchange should offer first for a known key type. */
function hostKeyAlgorithms(keyType: string): string[] {
  return keyType === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [keyType];
}

function describeLoss(error: Error & { level?: string; code?: string }): string {
  if (/Keepalive timeout/i.test(error.message)) {
    return `no answer to ${KEEPALIVE_COUNT_MAX} keepalives ${seconds(KEEPALIVE_INTERVAL_MS)} apart`;
  }
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

class TimedOut extends Error {}

/** Race a promise against a timer; what the promise yields after the timer has fired goes to onLate. */
async function withTimeout<T>(promise: Promise<T>, ms: number, onLate?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          late = true;
          reject(new TimedOut(`no answer within ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (late && onLate) promise.then(onLate, () => undefined);
  }
}
