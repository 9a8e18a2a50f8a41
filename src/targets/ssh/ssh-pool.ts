/**
 * The SSH connections of one inventory: a transport per host (and per jump host, shared by every
 * host behind it), connected lazily or all at once so every failure can be listed together.
 */
import { performance } from "node:perf_hooks";
import { LabError, TransportError, UsageError, errorMessage } from "../../common/errors.js";
import type { Inventory } from "../../inventory/types.js";
import { SshExecTransport, type SshHostSpec } from "./ssh-exec-transport.js";

export interface SshPoolOptions {
  /** Trust unknown host keys on first use (append them to known_hosts). Changed keys are still refused. */
  acceptNewHostKeys?: boolean;
  /** Debug lines (never stdout). */
  debug?: (message: string) => void;
}

export type ConnectResult =
  | { hostId: string; ok: true; /** One `true` round trip on the fresh connection. */ roundTripMs: number; error?: undefined }
  | { hostId: string; ok: false; error: TransportError; roundTripMs?: undefined };

export class SshPool {
  readonly #specs = new Map<string, SshHostSpec>();
  readonly #transports = new Map<string, SshExecTransport>();

  constructor(
    readonly inventory: Inventory,
    private readonly options: SshPoolOptions = {},
  ) {
    for (const jump of inventory.jumpHosts) this.#specs.set(jump.id, jump);
    for (const host of inventory.hosts) this.#specs.set(host.id, host);
  }

  /** The transport of a host or jump host; it connects on first use. */
  transport(hostId: string): SshExecTransport {
    return this.#transport(hostId, []);
  }

  #transport(hostId: string, path: string[]): SshExecTransport {
    const existing = this.#transports.get(hostId);
    if (existing) return existing;
    const spec = this.#specs.get(hostId);
    if (!spec) {
      throw new UsageError("VIPDRILL_INVENTORY_HOST", `no host or jump host "${hostId}" in ${this.inventory.file}`);
    }
    if (path.includes(hostId)) {
      throw new UsageError("VIPDRILL_INVENTORY_JUMP", `jump hosts form a loop in ${this.inventory.file}: ${[...path, hostId].join(" → ")}`);
    }
    const jumpId = spec.ssh.jump;
    const jump = jumpId !== undefined && jumpId !== hostId ? this.#transport(jumpId, [...path, hostId]) : undefined;
    const transport = new SshExecTransport(spec, {
      ...(this.options.acceptNewHostKeys === undefined ? {} : { acceptNewHostKeys: this.options.acceptNewHostKeys }),
      ...(this.options.debug === undefined ? {} : { debug: this.options.debug }),
      ...(jump ? { jump } : {}),
    });
    this.#transports.set(hostId, transport);
    return transport;
  }

  /**
   * Connect to every host (default: every inventory host; jump hosts come along) in parallel. Never
   * throws for a host that cannot be reached: its TransportError is in its result.
   */
  async connectAll(ids: readonly string[] = this.inventory.hosts.map((h) => h.id)): Promise<ConnectResult[]> {
    return Promise.all(
      ids.map(async (hostId): Promise<ConnectResult> => {
        try {
          const transport = this.transport(hostId);
          await transport.connect();
          const started = performance.now();
          const result = await transport.exec(["true"], { timeoutMs: transport.host.ssh.commandTimeoutMs });
          const roundTripMs = performance.now() - started;
          if (result.exitCode !== 0) {
            const said = result.timedOut ? "timed out" : `exited ${result.exitCode ?? "?"}: ${result.stderr.trim()}`;
            throw new TransportError("VIPDRILL_SSH_EXEC", hostId, `${hostId} (${transport.destination}): \`true\` ${said}`);
          }
          return { hostId, ok: true, roundTripMs };
        } catch (error) {
          const failure =
            error instanceof TransportError
              ? error
              : new TransportError("VIPDRILL_SSH_UNREACHABLE", hostId, `${hostId}: ${errorMessage(error)}`, { cause: error });
          return { hostId, ok: false, error: failure };
        }
      }),
    );
  }

  /** connectAll, refusing with every failure listed (one line per host) unless each host answered. */
  async connectEvery(): Promise<void> {
    const connected = await this.connectAll();
    const failures = connected.filter((c) => !c.ok);
    if (failures.length > 0) {
      throw new LabError(
        "VIPDRILL_HOSTS_UNREACHABLE",
        `${failures.length} of ${connected.length} hosts cannot be used; nothing was done:\n${failures.map((f) => `  ${f.error.message}`).join("\n")}`,
      );
    }
  }

  /** Close every connection (hosts before the jump hosts they go through). */
  async close(): Promise<void> {
    const all = [...this.#transports.values()];
    const jumps = new Set(this.inventory.jumpHosts.map((j) => j.id));
    const usedAsJump = new Set(all.map((t) => t.host.ssh.jump).filter((id): id is string => id !== undefined));
    const last = all.filter((t) => jumps.has(t.hostId) || usedAsJump.has(t.hostId));
    const first = all.filter((t) => !last.includes(t));
    await Promise.all(first.map((t) => t.close()));
    await Promise.all(last.map((t) => t.close()));
  }
}
