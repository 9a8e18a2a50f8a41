/**
 * ExecTransport over SSH (ssh2): one reused connection per host, host keys verified against
 * known_hosts, keys and agent, jump hosts, sudo. A non-zero exit or a timeout is a result; a
 * connection that cannot be made, or drops while a command runs, is a TransportError.
 */
import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import ssh2, { type AnyAuthMethod, type Client as SshClient, type ClientChannel, type ConnectConfig, type ParsedKey } from "ssh2";
import { TransportError, errorMessage } from "../../common/errors.js";
import { shellJoin, shellQuote } from "../../common/shell-quote.js";
import { splitLines } from "../../common/split-lines.js";
import type { InventoryHost, JumpHost } from "../../inventory/types.js";
import { processMonotonicMs } from "../../common/clock.js";
import { measureClockPairing } from "../../host-tools/clock-pairing.js";
import type { ClockPairing, ExecOptions, ExecResult, ExecStream, ExecTransport } from "../../model/host.js";
import {
  appendKnownHost,
  fingerprintSha256,
  keyTypeOfBlob,
  knownHostName,
  knownKeyTypes,
  readKnownHosts,
  verifyHostKey,
  type KnownHostEntry,
} from "./known-hosts.js";
import { sudoAdvice } from "./sudo-advice.js";

// ssh2 is CommonJS: its `utils` is not visible as a named ESM export.
const { Client, utils } = ssh2;

/** OpenSSH's MaxSessions defaults to 10: stay below it, queue the rest. */
export const MAX_CHANNELS_PER_CONNECTION = 8;
const KEEPALIVE_INTERVAL_MS = 1_000;
const KEEPALIVE_COUNT_MAX = 3;
const KILL_TIMEOUT_MS = 5_000;
/** SSH_OPEN_CONNECT_FAILED: what sshd answers a session open with when MaxSessions are taken. */
const CONNECT_FAILED = 2;
const OPEN_ATTEMPTS = 12;
const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];
/** The first stdout line is the command's pid, so a timeout or stop() can end it on the host. */
const PID_WRAPPER = ["sh", "-c", 'echo "$$"; exec "$@"', "vipdrill"];
/** Signal the process group the command leads (sshd and sudo's pty start new sessions), else the process. */
const killCommand = (signal: "KILL" | "TERM", pid: string): string[] => [
  "sh",
  "-c",
  `kill -${signal} -"$1" 2>/dev/null || kill -${signal} "$1"`,
  "vipdrill-kill",
  pid,
];

/** The host a transport reaches: an inventory host or a jump host. */
export type SshHostSpec = Pick<InventoryHost | JumpHost, "id" | "address" | "ssh">;

export interface SshTransportOptions {
  /** Trust on first use: append an unknown host key to known_hosts and accept it. A changed key is still refused. */
  acceptNewHostKeys?: boolean;
  /** Connect through this (jump) host's connection. */
  jump?: SshExecTransport;
  /** Debug lines (never stdout). */
  debug?: (message: string) => void;
  /** Environment for SSH_AUTH_SOCK, VIPDRILL_SSH_PASSPHRASE (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the default keys live (default ~/.ssh). */
  sshDir?: string;
  maxChannels?: number;
}

interface Link {
  readonly client: SshClient;
  alive: boolean;
  /** Why the connection ended (keepalive timeout, reset, closed by the server). */
  lostReason?: string;
  readonly lost: Promise<void>;
}

interface AuthCandidate {
  label: string;
  method: AnyAuthMethod;
}

interface OpenChannel {
  channel: ClientChannel;
  /** Frees its place among the connection's channels (idempotent; also done when it closes). */
  release: () => void;
  /** exit-status / exit-signal, once the host sent it. */
  exit?: { code: number | null; signal: string | null };
}

/** The channel could not be opened because the connection went away: the command never started. */
class NotStarted extends Error {}

class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

/** Runs argv on one host over a single reused SSH connection. */
export class SshExecTransport implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = false;
  #connectPairing?: ClockPairing;
  #peerAddress?: string;
  readonly #options: SshTransportOptions;
  readonly #slots: Slots;
  #link?: Link;
  #connecting?: Promise<Link>;

  constructor(
    readonly host: SshHostSpec,
    options: SshTransportOptions = {},
  ) {
    this.#options = options;
    this.#slots = new Slots(options.maxChannels ?? MAX_CHANNELS_PER_CONNECTION);
  }

  get hostId(): string {
    return this.host.id;
  }

  /** The host's clock read at the latest connect, on the process's monotonic scale (undefined until connected, or where `date` cannot be read). */
  get connectPairing(): ClockPairing | undefined {
    return this.#connectPairing;
  }

  /** The client address in $SSH_CONNECTION: this machine, or the jump host, as the host sees it. */
  get peerAddress(): string | undefined {
    return this.#peerAddress;
  }

  /** True while a connection is up. */
  get connected(): boolean {
    return this.#link?.alive === true;
  }

  /** `user@address:port` (and the jump host), as error messages name the connection. */
  get destination(): string {
    const s = this.host.ssh;
    const via = this.#options.jump ? ` via ${this.#options.jump.hostId}` : "";
    return `${s.user}@${this.host.address}:${s.port}${via}`;
  }

  /** Connect now (TCP, handshake, host key, auth, then clock pairing, peer address and sudo check). Idempotent. */
  async connect(): Promise<void> {
    await this.#ensureLink();
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = this.#commandLine(argv, true);
    const timeoutMs = options.timeoutMs ?? this.host.ssh.commandTimeoutMs;
    const started = performance.now();
    let link = await this.#ensureLink();
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.#run(link, command, { ...options, timeoutMs, pidLine: true, display: argv });
        return { argv, ...result, durationMs: performance.now() - started };
      } catch (error) {
        if (!(error instanceof NotStarted)) throw error;
        if (attempt > 0) throw this.#lostError(argv, link, false);
        this.#debug(`connection went away before \`${shellJoin(argv)}\` started: reconnecting once`);
        link = await this.#ensureLink();
      }
    }
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    const command = this.#commandLine(argv, true);
    let link = await this.#ensureLink();
    let opened: OpenChannel | undefined;
    for (let attempt = 0; !opened; attempt++) {
      try {
        opened = await this.#open(link, command, argv);
      } catch (error) {
        if (!(error instanceof NotStarted)) throw error;
        if (attempt > 0) throw this.#lostError(argv, link, false);
        link = await this.#ensureLink();
      }
    }
    const { channel, release } = opened;
    const streamLink = link;
    let pid: string | undefined;
    const lines = splitLines((line) => {
      if (pid === undefined) pid = line.trim();
      else onLine(line);
    });
    channel.on("data", lines);
    channel.stderr.resume();
    channel.end();
    const done = new Promise<void>((resolve) => {
      channel.once("close", () => resolve());
      void streamLink.lost.then(() => resolve());
    }).finally(release);
    return {
      done,
      stop: async () => {
        if (streamLink.alive && pid && /^\d+$/.test(pid)) {
          await this.#internal(streamLink, this.#commandLine(killCommand("TERM", pid), false)).catch(() => undefined);
        }
        if (streamLink.alive) channel.close();
        await Promise.race([done, new Promise((r) => setTimeout(r, KILL_TIMEOUT_MS).unref())]);
      },
    };
  }

  /** Close the connection; a later exec connects again. */
  async close(): Promise<void> {
    if (this.#connecting) await this.#connecting.catch(() => undefined);
    const link = this.#link;
    this.#link = undefined;
    if (!link?.alive) return;
    link.alive = false;
    link.client.end();
    const timer = setTimeout(() => link.client.destroy(), 2_000);
    await link.lost;
    clearTimeout(timer);
  }

  /**
   * A TCP connection from this host to address:port through this host's SSH connection
   * (direct-tcpip): what a host behind this jump host is reached over.
   */
  async forwardOut(address: string, port: number): Promise<Duplex> {
    const link = await this.#ensureLink();
    return new Promise<Duplex>((resolve, reject) => {
      try {
        link.client.forwardOut("127.0.0.1", 0, address, port, (error, channel) => {
          if (error) reject(error);
          else resolve(channel);
        });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  // --- connection ---------------------------------------------------------------------------

  async #ensureLink(): Promise<Link> {
    if (this.#link?.alive) return this.#link;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #error(code: string, message: string, cause?: unknown): TransportError {
    const line = `${this.host.id} (${this.destination}): ${message}`.replace(/\s*\n\s*/g, " ");
    return new TransportError(code, this.host.id, line, cause === undefined ? undefined : { cause });
  }

  #debug(message: string): void {
    this.#options.debug?.(`ssh ${this.host.id}: ${message}`);
  }

  async #connect(): Promise<Link> {
    const s = this.host.ssh;
    const started = performance.now();
    const auth = await this.#authCandidates();
    let entries: KnownHostEntry[];
    try {
      entries = await readKnownHosts(s.knownHostsFile);
    } catch (error) {
      throw this.#error(
        "VIPDRILL_SSH_HOST_KEY_UNKNOWN",
        `cannot read known_hosts file ${s.knownHostsFile} (${errorMessage(error)}): fix its permissions or ssh.knownHostsFile`,
        error,
      );
    }
    let sock: Duplex | undefined;
    // connectTimeoutMs bounds this host's own TCP + handshake + login (a jump host's connect has its own).
    let budgetStart = started;
    const jump = this.#options.jump;
    if (jump) {
      try {
        // The jump host's own connection first, under its own timeout and with its own errors.
        await jump.connect();
        budgetStart = performance.now();
        sock = await withTimeout(jump.forwardOut(this.host.address, s.port), s.connectTimeoutMs, (late) => late.destroy());
      } catch (error) {
        if (error instanceof TransportError) {
          throw new TransportError(error.code, this.host.id, `${this.host.id} (${this.destination}): through jump host ${error.message}`, {
            cause: error,
          });
        }
        const reason = error instanceof TimedOut ? `no answer within ${seconds(s.connectTimeoutMs)}` : errorMessage(error);
        throw this.#error(
          "VIPDRILL_SSH_UNREACHABLE",
          `jump host ${jump.hostId} could not open a connection to ${this.host.address}:${s.port} (${reason}): check that ${jump.hostId} reaches it and that AllowTcpForwarding is on there`,
          error,
        );
      }
    }
    const remainingMs = Math.max(1, s.connectTimeoutMs - (performance.now() - budgetStart));
    const link = await this.#handshake(sock, entries, auth, remainingMs);
    try {
      link.client.setNoDelay(true);
      await this.#afterConnect(link);
    } catch (error) {
      link.alive = false;
      link.client.destroy();
      if (error instanceof TransportError) throw error;
      throw this.#error(
        "VIPDRILL_SSH_UNREACHABLE",
        `the connection dropped right after login${link.lostReason ? ` (${link.lostReason})` : ""}: check sshd's log on the host`,
        error,
      );
    }
    this.#link = link;
    this.#debug(`connected in ${(performance.now() - started).toFixed(1)} ms`);
    return link;
  }

  async #handshake(sock: Duplex | undefined, entries: KnownHostEntry[], auth: AuthCandidate[], timeoutMs: number): Promise<Link> {
    const s = this.host.ssh;
    const client = new Client();
    let hostKeyError: TransportError | undefined;
    const tried: string[] = [];
    const notes: string[] = [];
    let phase: "tcp" | "handshake" | "auth" = sock ? "handshake" : "tcp";
    const remaining = [...auth];
    const preferred = knownKeyTypes(entries, this.host.address, s.port)
      .flatMap(hostKeyAlgorithms)
      .filter((a) => HOST_KEY_ALGORITHMS.includes(a));

    const hostVerifier = (keyBlob: Buffer, verify: (valid: boolean) => void): void => {
      this.#checkHostKey(keyBlob, entries).then(
        () => verify(true),
        (error: unknown) => {
          hostKeyError = error instanceof TransportError ? error : this.#error("VIPDRILL_SSH_HOST_KEY_UNKNOWN", errorMessage(error), error);
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
          this.#error(
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
          this.#debug(`connection error: ${error.message}`);
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
            this.#error(
              "VIPDRILL_SSH_AUTH",
              `login as ${s.user} refused: tried ${what}${notes.length ? ` (${notes.join("; ")})` : ""}: add the public key to ~${s.user}/.ssh/authorized_keys on the host, or set ssh.identityFile / ssh.user in the inventory`,
              error,
            ),
          );
        }
        fail(this.#connectError(error, phase));
      });
      client.on("close", () => {
        link.alive = false;
        resolveLost();
        if (settled) {
          if (this.#link === link) this.#link = undefined;
          this.#debug(`connection closed${link.lostReason ? ` (${link.lostReason})` : ""}`);
          return;
        }
        if (hostKeyError) return fail(hostKeyError);
        fail(
          this.#error(
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
        resolve(link);
      });

      const config: ConnectConfig = {
        host: this.host.address,
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
        fail(this.#error("VIPDRILL_SSH_UNREACHABLE", `could not start the connection: ${errorMessage(error)}`, error));
      }
    });
  }

  #connectError(error: Error & { level?: string; code?: string }, phase: string): TransportError {
    const s = this.host.ssh;
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
        what = `cannot resolve "${this.host.address}" (${code})`;
        break;
      case "ECONNRESET":
        what = `the connection was reset during the ${phase === "auth" ? "login" : "SSH handshake"}`;
        break;
      default:
        what = `${phase === "tcp" ? "connecting" : phase === "handshake" ? "SSH handshake" : "login"} failed: ${error.message}`;
    }
    return this.#error("VIPDRILL_SSH_UNREACHABLE", `${what}: ${fix}`, error);
  }

  async #checkHostKey(keyBlob: Buffer, entries: KnownHostEntry[]): Promise<void> {
    const s = this.host.ssh;
    const keyType = keyTypeOfBlob(keyBlob);
    const keyBase64 = keyBlob.toString("base64");
    const fingerprint = fingerprintSha256(keyBlob);
    const verdict = verifyHostKey(entries, this.host.address, s.port, keyType, keyBase64);
    const name = knownHostName(this.host.address, s.port);
    switch (verdict.status) {
      case "match":
        this.#debug(`host key ${keyType} ${fingerprint} matches ${s.knownHostsFile}:${verdict.line}`);
        return;
      case "revoked":
        throw this.#error(
          "VIPDRILL_SSH_HOST_KEY_REVOKED",
          `the host presented ${keyType} ${fingerprint}, which ${s.knownHostsFile}:${verdict.line} marks @revoked: refusing it; ask the host's owner for its current key`,
        );
      case "changed": {
        const old = verdict.expected.map((e) => `line ${e.line} (${e.keyType} ${e.fingerprint})`).join(", ");
        throw this.#error(
          "VIPDRILL_SSH_HOST_KEY_CHANGED",
          `WARNING: HOST KEY CHANGED — possible man-in-the-middle attack: ${name} presented ${keyType} ${fingerprint}, but ${s.knownHostsFile} holds another key for it at ${old}; nothing was sent. If the host was really reinstalled, confirm the new fingerprint with its owner, remove the old key (ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(s.knownHostsFile)}) and connect again`,
        );
      }
      case "unknown":
        if (this.#options.acceptNewHostKeys) {
          await appendKnownHost(s.knownHostsFile, this.host.address, s.port, keyType, keyBase64);
          this.#debug(`trusted on first use: ${keyType} ${fingerprint} added to ${s.knownHostsFile}`);
          return;
        }
        throw this.#error(
          "VIPDRILL_SSH_HOST_KEY_UNKNOWN",
          `host key ${keyType} ${fingerprint} is not in ${s.knownHostsFile}${verdict.note ? ` (${verdict.note})` : ""}: check that fingerprint with the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-|-sha2-nistp\d+$/g, "")}_key.pub), then add it: ssh-keyscan -p ${s.port} -t ${keyType} ${this.host.address} >> ${shellQuote(s.knownHostsFile)}; or run with --accept-new-host-keys to trust it on first use`,
        );
    }
  }

  async #authCandidates(): Promise<AuthCandidate[]> {
    const s = this.host.ssh;
    const env = this.#options.env ?? process.env;
    const agentSocket = s.agent ? env.SSH_AUTH_SOCK : undefined;
    const agent: AuthCandidate[] = agentSocket
      ? [{ label: `the agent at ${agentSocket}`, method: { type: "agent", username: s.user, agent: agentSocket } }]
      : [];
    if (s.identityFile) {
      const key = await this.#loadKey(s.identityFile, env.VIPDRILL_SSH_PASSPHRASE);
      return [{ label: `identity file ${s.identityFile} (${key.type})`, method: { type: "publickey", username: s.user, key } }, ...agent];
    }
    const defaults: AuthCandidate[] = [];
    const skipped: string[] = [];
    const dir = this.#options.sshDir ?? join(homedir(), ".ssh");
    for (const name of DEFAULT_KEYS) {
      const file = join(dir, name);
      if (!(await access(file).then(() => true, () => false))) continue;
      try {
        const key = await this.#loadKey(file, env.VIPDRILL_SSH_PASSPHRASE);
        defaults.push({ label: `${file} (${key.type})`, method: { type: "publickey", username: s.user, key } });
      } catch (error) {
        skipped.push(`${file}: ${error instanceof TransportError ? "unusable" : errorMessage(error)}`);
        this.#debug(`skipping default key ${file}: ${errorMessage(error)}`);
      }
    }
    const candidates = [...agent, ...defaults];
    if (candidates.length === 0) {
      throw this.#error(
        "VIPDRILL_SSH_AUTH",
        `no key to log in with: no ssh.identityFile, ${s.agent ? "SSH_AUTH_SOCK is not set" : "the agent is off (ssh.agent: false)"}, and no usable ${DEFAULT_KEYS.map((k) => join(dir, k)).join(", ")}${skipped.length ? ` (${skipped.join("; ")})` : ""}: set ssh.identityFile in the inventory or start an agent`,
      );
    }
    return candidates;
  }

  async #loadKey(file: string, passphrase: string | undefined): Promise<ParsedKey> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
      throw this.#error("VIPDRILL_SSH_KEY_FILE", `cannot read identity file ${file} (${code}): fix ssh.identityFile or the file's permissions`, error);
    }
    const parsed = utils.parseKey(data, passphrase);
    if (parsed instanceof Error) {
      if (/no passphrase given/i.test(parsed.message)) {
        throw this.#error(
          "VIPDRILL_SSH_KEY_FILE",
          `identity file ${file} is encrypted and no passphrase was given: set VIPDRILL_SSH_PASSPHRASE, or load the key into ssh-agent (ssh-add ${shellQuote(file)}) and leave ssh.identityFile unset`,
          parsed,
        );
      }
      if (/passphrase|integrity check|decrypt/i.test(parsed.message)) {
        throw this.#error("VIPDRILL_SSH_KEY_FILE", `VIPDRILL_SSH_PASSPHRASE does not decrypt identity file ${file} (${parsed.message})`, parsed);
      }
      throw this.#error("VIPDRILL_SSH_KEY_FILE", `identity file ${file} is not a private key vipdrill can read (${parsed.message})`, parsed);
    }
    const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
    if (!key || !key.isPrivateKey()) {
      throw this.#error("VIPDRILL_SSH_KEY_FILE", `identity file ${file} holds no private key (a .pub file?): point ssh.identityFile at the private key`);
    }
    return key;
  }

  /** Peer address, clock pairing, sudo: measured once per connection. */
  async #afterConnect(link: Link): Promise<void> {
    const s = this.host.ssh;
    const peer = await this.#internal(link, 'echo "$SSH_CONNECTION"');
    const client = peer.stdout.trim().split(/\s+/)[0];
    if (client) this.#peerAddress = client;
    // The clock is read without sudo or the pid wrapper, straight on this link: the shortest round trip.
    const pairing = await measureClockPairing(
      (argv, options) => this.#run(link, shellJoin(argv), { timeoutMs: options.timeoutMs ?? KILL_TIMEOUT_MS, pidLine: false, display: argv }),
      processMonotonicMs,
    );
    if (pairing) this.#connectPairing = pairing;
    else this.#debug("clock not paired: `date +%s%N` gave no time");
    if (s.sudo) {
      const check = await this.#internal(link, "sudo -n true");
      if (check.exitCode !== 0) {
        const output = (check.stderr.trim() || check.stdout.trim()).split("\n").pop();
        const said = check.timedOut ? `no answer within ${seconds(KILL_TIMEOUT_MS)}` : output || `exit ${check.exitCode ?? "?"}`;
        throw this.#error("VIPDRILL_SSH_SUDO", `\`sudo -n true\` failed (${said}): ${sudoAdvice(said, s.user)}`);
      }
    }
  }

  /** A command the transport runs for itself (a raw command line), with the default timeout. */
  async #internal(link: Link, command: string): Promise<Omit<ExecResult, "argv" | "durationMs">> {
    return this.#run(link, command, { timeoutMs: KILL_TIMEOUT_MS, pidLine: false, display: [command] });
  }

  /** argv as the command line sent to the host: quoted, through sudo -n when configured, pid first. */
  #commandLine(argv: readonly string[], withPid: boolean): string {
    const words = withPid ? [...PID_WRAPPER, ...argv] : [...argv];
    return shellJoin(this.host.ssh.sudo ? ["sudo", "-n", "--", ...words] : words);
  }

  /**
   * Open a session channel and start the command; NotStarted when the connection is gone first.
   * sshd frees a finished session only after it has read every packet that came with our close, so
   * an open sent right behind a close can find all MaxSessions still taken ("no more sessions"):
   * nothing ran, so it is retried a few times.
   */
  async #open(link: Link, command: string, display: readonly string[]): Promise<OpenChannel> {
    const release = await this.#slots.acquire();
    for (let attempt = 1; ; attempt++) {
      if (!link.alive) {
        release();
        throw new NotStarted();
      }
      try {
        const opened = await new Promise<OpenChannel>((resolve, reject) => {
          try {
            link.client.exec(command, (error, channel) => {
              if (error) return reject(error);
              // Listen now, in ssh2's callback: a quick command's exit-status can arrive in the same
              // packet batch as the exec reply, and the "exit" event is not buffered like data.
              const opened: OpenChannel = { channel, release };
              channel.on("exit", (code: number | null, signal?: string) => {
                opened.exit = { code: code ?? null, signal: code === null || code === undefined ? (signal ?? null) : null };
              });
              channel.once("close", release);
              // A stream error (a write after the host closed) must not crash the process; close tells the outcome.
              channel.on("error", (e: Error) => this.#debug(`channel error: ${e.message}`));
              resolve(opened);
            });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        return opened;
      } catch (error) {
        const openFailed = (error as { reason?: number }).reason === CONNECT_FAILED;
        if (openFailed && link.alive && attempt < OPEN_ATTEMPTS) {
          this.#debug(`session refused (${errorMessage(error)}), attempt ${attempt}: retrying`);
          await new Promise((r) => setTimeout(r, 5 * attempt));
          continue;
        }
        release();
        // "Unable to exec": the request went out, so the command may have started.
        if (!link.alive && !/Unable to exec/.test(errorMessage(error))) throw new NotStarted();
        if (!link.alive) throw this.#lostError(display, link, true);
        throw this.#error(
          "VIPDRILL_SSH_CHANNEL",
          `the host refused to start \`${shellJoin(display)}\` (${errorMessage(error)}${openFailed ? `, ${OPEN_ATTEMPTS} times` : ""}): check MaxSessions in its sshd_config (vipdrill opens up to ${MAX_CHANNELS_PER_CONNECTION} at once) and sshd's log`,
          error,
        );
      }
    }
  }

  async #run(
    link: Link,
    command: string,
    options: ExecOptions & { timeoutMs: number; pidLine: boolean; display: readonly string[] },
  ): Promise<Omit<ExecResult, "argv" | "durationMs">> {
    const opened = await this.#open(link, command, options.display);
    const { channel, release } = opened;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let pid: string | undefined;
    let head: Buffer | undefined = options.pidLine ? Buffer.alloc(0) : undefined;
    channel.on("data", (chunk: Buffer) => {
      if (head === undefined) return void stdout.push(chunk);
      // Strip exactly the pid line; everything after it is the command's own output, untouched.
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(0x0a);
      if (newline < 0) return;
      pid = head.subarray(0, newline).toString("latin1").trim();
      if (newline + 1 < head.length) stdout.push(head.subarray(newline + 1));
      head = undefined;
    });
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    if (options.stdin !== undefined) channel.end(options.stdin);
    else channel.end();

    return new Promise((resolve, reject) => {
      let settled = false;
      const result = (timedOut: boolean) => ({
        exitCode: opened.exit?.code ?? null,
        signal: opened.exit?.signal ?? null,
        stdout: Buffer.concat(head && head.length ? [...stdout, head] : stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
      });
      const cleanup = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const stopEarly = (timedOut: boolean): void => {
        if (settled) return;
        settled = true;
        cleanup();
        try {
          channel.signal("KILL");
        } catch {
          // The signal request is best effort (the kill below does the work).
        }
        if (link.alive) channel.close();
        // The channel is finished for us: its slot may serve the kill.
        release();
        // The kill goes in the background: a timeout returns at the timeout, even where the link
        // is gone and the kill itself cannot get through (a command that cut its own link).
        if (link.alive && pid && /^\d+$/.test(pid)) {
          void this.#internal(link, this.#commandLine(killCommand("KILL", pid), false)).catch(() => undefined);
        }
        resolve(result(timedOut));
      };
      const onAbort = (): void => stopEarly(false);
      const timer = setTimeout(() => stopEarly(true), options.timeoutMs);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
      channel.once("close", () => {
        if (settled) return;
        settled = true;
        cleanup();
        if (opened.exit === undefined && !link.alive) reject(this.#lostError(options.display, link, true));
        else resolve(result(false));
      });
    });
  }

  #lostError(argv: readonly string[], link: Link, running: boolean): TransportError {
    const reason = link.lostReason ? ` (${link.lostReason})` : "";
    return running
      ? this.#error(
          "VIPDRILL_SSH_LOST",
          `the SSH connection dropped while \`${shellJoin(argv)}\` ran${reason}: it may or may not have completed on the host — check the host and the link to it`,
        )
      : this.#error(
          "VIPDRILL_SSH_LOST",
          `the SSH connection dropped before \`${shellJoin(argv)}\` could start, twice${reason}: check the host and the link to it`,
        );
  }
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
