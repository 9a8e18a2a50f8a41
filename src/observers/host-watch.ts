import type { ExecStream, Host } from "../targets/host.js";

/** How soon a host whose stream ended is watched again. */
const RETRY_MS = 250;

/**
 * Keeps one stream running per host. When a stream ends on its own — the node was killed, the
 * connection dropped — `onLost` is told and the stream is opened again as soon as the host answers.
 */
export class HostWatch {
  readonly #streams = new Map<string, ExecStream>();
  #stopping = false;

  constructor(
    /** Open the host's stream (and read whatever state goes with it); rejects while the host is unreachable. */
    private readonly open: (host: Host) => Promise<ExecStream>,
    private readonly onLost: (host: Host) => void = () => undefined,
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
    this.#streams.set(host.id, stream);
    void stream.done.then(() => this.#lost(host));
  }

  #lost(host: Host): void {
    if (this.#stopping) return;
    this.#streams.delete(host.id);
    this.onLost(host);
    const retry = (): void => {
      if (!this.#stopping) this.#watch(host).catch(() => setTimeout(retry, RETRY_MS));
    };
    setTimeout(retry, RETRY_MS);
  }
}
