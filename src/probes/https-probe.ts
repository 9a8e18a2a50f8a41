import { isIP } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import type { Client, Dispatcher } from "undici";
import type { ProbeOutcome } from "../model/timeline.js";
import { freshProbe } from "./fresh-probe.js";
import { checkBody, classifyError, describeError } from "./probe-outcome.js";

/** Where and what a probe asks: connect to address:port, send `servername` as SNI and Host. */
export interface ProbeTarget {
  address: string;
  port: number;
  servername: string;
  path: string;
  /** PEM CA to verify the server against; undefined means verification is off (like curl -k). */
  caPem?: string;
  expect: "version" | "ok";
  timeoutMs: number;
}

export interface ProbeResult {
  outcome: ProbeOutcome;
  detail?: string;
}

function origin(target: ProbeTarget): string {
  const host = target.address.includes(":") ? `[${target.address}]` : target.address;
  return `https://${host}:${target.port}`;
}

/**
 * One TLS context per CA, shared by every probe: a `ca` option would build a context for each
 * connection (the CA parsed again, an OpenSSL store the worker's small heap seldom collects — RSS
 * grew 2 GiB/h at 200 probes/s). A fresh probe offers no session to resume, so each does a whole
 * handshake.
 */
const contexts = new Map<string, SecureContext>();
function secureContextFor(caPem: string | undefined): SecureContext | undefined {
  if (caPem === undefined) return undefined;
  let context = contexts.get(caPem);
  if (context === undefined) contexts.set(caPem, (context = createSecureContext({ ca: caPem })));
  return context;
}

function connectOptions(target: ProbeTarget): Client.Options["connect"] {
  const secureContext = secureContextFor(target.caPem);
  return {
    // SNI carries names only (RFC 6066): with no DNS name the endpoint is addressed by its IP alone.
    ...(isIP(target.servername) === 0 ? { servername: target.servername } : {}),
    ...(secureContext === undefined ? {} : { secureContext }),
    rejectUnauthorized: target.caPem !== undefined,
    timeout: target.timeoutMs,
  };
}

/** A pool of long-lived connections, like a kubelet or a controller holds. */
export async function keepAlivePool(target: ProbeTarget, connections: number): Promise<Dispatcher> {
  const { Pool } = await import("undici");
  return new Pool(origin(target), {
    connections,
    pipelining: 1,
    connect: connectOptions(target),
    keepAliveTimeout: 30_000,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.timeoutMs,
  });
}

/**
 * One request. With no dispatcher it opens a fresh TCP + TLS connection and closes it after, like a
 * new client would (fresh-probe.ts); with a pool it reuses an established connection.
 */
export async function probeOnce(target: ProbeTarget, dispatcher?: Dispatcher): Promise<ProbeResult> {
  if (dispatcher === undefined) return freshProbe(target, secureContextFor(target.caPem));
  // The deadline covers headers and body; undici's own connect timeout fires first when a pooled
  // connection must be opened again and the SYN goes unanswered, so that case is told apart as connect-timeout.
  const abort = AbortSignal.timeout(target.timeoutMs + 5);
  try {
    const response = await dispatcher.request({
      origin: origin(target),
      path: target.path,
      method: "GET",
      headers: { host: `${target.servername}:${target.port}`, accept: "application/json" },
      signal: abort,
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) {
      return { outcome: "http-status", detail: `HTTP ${response.statusCode}` };
    }
    return checkBody(target.expect, body);
  } catch (error) {
    return { outcome: classifyError(error, abort.aborted), detail: describeError(error) };
  }
}

export { checkBody, classifyError } from "./probe-outcome.js";
