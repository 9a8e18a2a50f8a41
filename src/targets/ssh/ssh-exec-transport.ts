/**
 * ExecTransport over SSH (ssh2): one reused connection per host, host keys verified against
 * known_hosts, keys and agent, jump hosts, sudo. A non-zero exit or a timeout is a result; a
 * connection that cannot be made, or drops while a command runs, is a TransportError.
 *
 * The parts: ssh-connection.ts (TCP, jump hosts, handshake), host-key-check.ts, ssh-login.ts (keys,
 * agent), ssh-channels.ts (the channel queue, exec and streams); the host's clock is paired with
 * ours by host-tools/clock-pairing.ts at each connect.
 */
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { processMonotonicMs } from "../../common/clock.js";
import { TransportError } from "../../common/errors.js";
import { shellJoin } from "../../common/shell-quote.js";
import { measureClockPairing } from "../../host-tools/clock-pairing.js";
import type { ClockPairing, ExecOptions, ExecResult, ExecStream, ExecTransport } from "../../model/host.js";
import { loadKnownHosts } from "./host-key-check.js";
import { KILL_TIMEOUT_MS, NotStarted, SshChannels } from "./ssh-channels.js";
import { openLink, type Link } from "./ssh-connection.js";
import { seconds, sshContext, type SshContext, type SshHostSpec } from "./ssh-context.js";
import { authCandidates } from "./ssh-login.js";
import { sudoAdvice } from "./sudo-advice.js";

export { MAX_CHANNELS_PER_CONNECTION } from "./ssh-channels.js";
export type { SshHostSpec } from "./ssh-context.js";

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

/** Runs argv on one host over a single reused SSH connection. */
export class SshExecTransport implements ExecTransport {
  readonly kind = "ssh" as const;
  readonly sharesClock = false;
  #connectPairing?: ClockPairing;
  #peerAddress?: string;
  readonly #options: SshTransportOptions;
  readonly #ctx: SshContext;
  readonly #channels: SshChannels;
  #link?: Link;
  #connecting?: Promise<Link>;

  constructor(
    readonly host: SshHostSpec,
    options: SshTransportOptions = {},
  ) {
    this.#options = options;
    this.#ctx = sshContext(host, options.jump?.hostId, options.debug);
    this.#channels = new SshChannels(this.#ctx, options.maxChannels);
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
  lastHeardMs(): number | undefined {
    return this.#link?.lastHeardMs;
  }

  get connected(): boolean {
    return this.#link?.alive === true;
  }

  /** `user@address:port` (and the jump host), as error messages name the connection. */
  get destination(): string {
    return this.#ctx.destination;
  }

  /** Connect now (TCP, handshake, host key, auth, then clock pairing, peer address and sudo check). Idempotent. */
  async connect(): Promise<void> {
    await this.#ensureLink();
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = this.#channels.commandLine(argv, true);
    const timeoutMs = options.timeoutMs ?? this.host.ssh.commandTimeoutMs;
    const started = performance.now();
    const result = await this.#onLink(argv, (link) => this.#channels.run(link, command, { ...options, timeoutMs, pidLine: true, display: argv }));
    return { argv, ...result, durationMs: performance.now() - started };
  }

  async stream(argv: readonly string[], onLine: (line: string) => void): Promise<ExecStream> {
    const command = this.#channels.commandLine(argv, true);
    return this.#onLink(argv, (link) => this.#channels.stream(link, command, argv, onLine));
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

  /** Start a command on the connection; one that went away before it started is reconnected once. */
  async #onLink<T>(argv: readonly string[], start: (link: Link) => Promise<T>): Promise<T> {
    let link = await this.#ensureLink();
    for (let attempt = 0; ; attempt++) {
      try {
        return await start(link);
      } catch (error) {
        if (!(error instanceof NotStarted)) throw error;
        if (attempt > 0) throw this.#channels.lostError(argv, link, false);
        this.#ctx.debug(`connection went away before \`${shellJoin(argv)}\` started: reconnecting once`);
        link = await this.#ensureLink();
      }
    }
  }

  async #ensureLink(): Promise<Link> {
    if (this.#link?.alive) return this.#link;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<Link> {
    const startedMs = performance.now();
    const auth = await authCandidates(this.#ctx, { env: this.#options.env ?? process.env, ...(this.#options.sshDir === undefined ? {} : { sshDir: this.#options.sshDir }) });
    const knownHosts = await loadKnownHosts(this.#ctx);
    const { jump } = this.#options;
    const link = await openLink(this.#ctx, { auth, knownHosts, acceptNewHostKeys: this.#options.acceptNewHostKeys ?? false, startedMs, ...(jump ? { jump } : {}) });
    try {
      link.client.setNoDelay(true);
      await this.#afterConnect(link);
    } catch (error) {
      link.alive = false;
      link.client.destroy();
      if (error instanceof TransportError) throw error;
      throw this.#ctx.error(
        "VIPDRILL_SSH_UNREACHABLE",
        `the connection dropped right after login${link.lostReason ? ` (${link.lostReason})` : ""}: check sshd's log on the host`,
        error,
      );
    }
    this.#link = link;
    void link.lost.then(() => {
      if (this.#link === link) this.#link = undefined;
    });
    this.#ctx.debug(`connected in ${(performance.now() - startedMs).toFixed(1)} ms`);
    return link;
  }

  /** Peer address, clock pairing, sudo: measured once per connection. */
  async #afterConnect(link: Link): Promise<void> {
    const s = this.host.ssh;
    const peer = await this.#channels.internal(link, 'echo "$SSH_CONNECTION"');
    const client = peer.stdout.trim().split(/\s+/)[0];
    if (client) this.#peerAddress = client;
    // The clock is read without sudo or the pid wrapper, straight on this link: the shortest round trip.
    const pairing = await measureClockPairing(
      (argv, options) => this.#channels.run(link, shellJoin(argv), { timeoutMs: options.timeoutMs ?? KILL_TIMEOUT_MS, pidLine: false, display: argv }),
      processMonotonicMs,
    );
    if (pairing) this.#connectPairing = pairing;
    else this.#ctx.debug("clock not paired: `date +%s%N` gave no time");
    if (s.sudo) {
      const check = await this.#channels.internal(link, "sudo -n true");
      if (check.exitCode !== 0) {
        const output = (check.stderr.trim() || check.stdout.trim()).split("\n").pop();
        const said = check.timedOut ? `no answer within ${seconds(KILL_TIMEOUT_MS)}` : output || `exit ${check.exitCode ?? "?"}`;
        throw this.#ctx.error("VIPDRILL_SSH_SUDO", `\`sudo -n true\` failed (${said}): ${sudoAdvice(said, s.user)}`);
      }
    }
  }
}
