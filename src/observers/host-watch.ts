import type { ExecStream, Host } from "../model/host.js";

/** How soon a host whose stream ended is watched again. */
const RETRY_MS = 250;
/** A stream that ends this soon after it opened never really ran: the host rejects the command. */
const QUICK_END_MS = 1_000;
/** After this many quick ends in a row a host is given up on, and said so, rather than retried forever. */
const MAX_QUICK_ENDS = 3;

export interface HostWatchEvents {
  /** The host's stream ended on its own (the node was killed, the connection dropped). */
  onLost?: (host: Host) => void;
  /** The host's command keeps ending as soon as it starts (an `ip` without `monitor`, say): no more retries. */
  onBroken?: (host: Host, quickEnds: number) => void;
}

/**
 * Keeps one stream running per host. When a stream ends on its own — the node was killed, the
 * connection dropped — `onLost` is told and the stream is opened again as soon as the host answers.
 * A command the host cannot run would end at once, every time: after a few such ends in a row the
 * host is reported to `onBroken` and left alone, not reopened four times a second for the whole run.
 */
export class HostWatch {
  readonly #streams = new Map<string, ExecStream>();
  readonly #quickEnds = new Map<string, number>();
  #stopping = false;

  constructor(
    /** Open the host's stream (and read whatever state goes with it); rejects while the host is unreachable. */
    private readonly open: (host: Host) => Promise<ExecStream>,
    private readonly events: HostWatchEvents = {},
  ) {}

  /** Resolves once every host's stream is open. */
  async start(hosts: readonly Host[]): Promise<void> {
    await Promise.all(hosts.map((host) => this.#watch(host)));
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#streams.values()].map((s) => s.stop()));
    this.#streams.clear();
  }

  async #watch(host: Host): Promise<void> {
    const stream = await this.open(host);
    if (this.#stopping) return stream.stop();
    const openedAt = performance.now();
    this.#streams.set(host.id, stream);
    void stream.done.then(() => this.#lost(host, performance.now() - openedAt));
  }

  #lost(host: Host, livedMs: number): void {
    if (this.#stopping) return;
    this.#streams.delete(host.id);
    this.events.onLost?.(host);
    const quickEnds = livedMs < QUICK_END_MS ? (this.#quickEnds.get(host.id) ?? 0) + 1 : 0;
    this.#quickEnds.set(host.id, quickEnds);
    if (quickEnds >= MAX_QUICK_ENDS) {
      this.events.onBroken?.(host, quickEnds);
      return;
    }
    const retry = (): void => {
      if (!this.#stopping) this.#watch(host).catch(() => setTimeout(retry, RETRY_MS));
    };
    setTimeout(retry, RETRY_MS);
  }
}
