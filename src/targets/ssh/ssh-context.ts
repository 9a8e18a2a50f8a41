import type { CodeOf } from "../../common/error-codes.js";
import { TransportError } from "../../common/errors.js";
import type { InventoryHost, JumpHost } from "../../inventory/types.js";

/** The host a transport reaches: an inventory host or a jump host. */
export type SshHostSpec = Pick<InventoryHost | JumpHost, "id" | "address" | "ssh">;

/** What every part of one host's SSH transport names in its errors and debug lines. */
export interface SshContext {
  readonly host: SshHostSpec;
  /** `user@address:port` (and the jump host), as error messages name the connection. */
  readonly destination: string;
  /** A one-line TransportError that leads with the host and its destination. */
  error(code: CodeOf<"lab">, message: string, cause?: unknown): TransportError;
  /** A debug line (never stdout). */
  debug(message: string): void;
}

export function sshContext(host: SshHostSpec, jumpHostId: string | undefined, debug?: (message: string) => void): SshContext {
  const s = host.ssh;
  const destination = `${s.user}@${host.address}:${s.port}${jumpHostId === undefined ? "" : ` via ${jumpHostId}`}`;
  return {
    host,
    destination,
    error: (code, message, cause) => {
      const line = `${host.id} (${destination}): ${message}`.replace(/\s*\n\s*/g, " ");
      return new TransportError(code, host.id, line, cause === undefined ? undefined : { cause });
    },
    debug: (message) => debug?.(`ssh ${host.id}: ${message}`),
  };
}

/** A duration in messages: `2.5 s`. */
export const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;
