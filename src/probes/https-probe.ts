import { isIP } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import { Client, Pool, errors as undiciErrors, type Dispatcher } from "undici";
import type { ProbeErrorKind, ProbeOutcome } from "../model/timeline.js";

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
 * grew 2 GiB/h at 200 probes/s). A shared context resumes no session, so each probe still does a
 * whole handshake (undici's session cache belongs to the Client, and each probe has its own).
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
export function keepAlivePool(target: ProbeTarget, connections: number): Pool {
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
 * new client would; with a pool it reuses an established connection.
 */
export async function probeOnce(target: ProbeTarget, dispatcher?: Dispatcher): Promise<ProbeResult> {
  const own =
    dispatcher === undefined
      ? new Client(origin(target), {
          connect: connectOptions(target),
          headersTimeout: target.timeoutMs,
          bodyTimeout: target.timeoutMs,
          pipelining: 0,
        })
      : undefined;
  const via = own ?? dispatcher!;
  // The deadline covers connect, TLS, headers and body; undici's own connect timeout fires first
  // when the SYN goes unanswered, so that case is told apart as connect-timeout.
  const abort = AbortSignal.timeout(target.timeoutMs + 5);
  try {
    const response = await via.request({
      origin: origin(target),
      path: target.path,
      method: "GET",
      headers: { host: `${target.servername}:${target.port}`, accept: "application/json" },
      signal: abort,
      reset: own !== undefined,
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) {
      return { outcome: "http-status", detail: `HTTP ${response.statusCode}` };
    }
    return checkBody(target.expect, body);
  } catch (error) {
    return { outcome: classifyError(error, abort.aborted), detail: describe(error) };
  } finally {
    if (own) own.destroy().catch(() => undefined);
  }
}

export function checkBody(expect: "version" | "ok", body: string): ProbeResult {
  if (expect === "ok") {
    return body.trim() === "ok" ? { outcome: "ok" } : { outcome: "bad-body", detail: body.slice(0, 80) };
  }
  try {
    const parsed = JSON.parse(body) as { gitVersion?: unknown };
    if (typeof parsed.gitVersion === "string") return { outcome: "ok" };
  } catch {
    // fall through: not JSON
  }
  return { outcome: "bad-body", detail: `no gitVersion in ${JSON.stringify(body.slice(0, 60))}` };
}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|ERR_OSSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/;

/** Map a network error to the error kinds of the README's "Measurement definitions" (probe kinds). */
export function classifyError(error: unknown, deadlinePassed: boolean): ProbeErrorKind {
  const code = errorCode(error);
  if (error instanceof undiciErrors.ConnectTimeoutError || code === "UND_ERR_CONNECT_TIMEOUT") return "connect-timeout";
  if (code === "ECONNREFUSED") return "connect-refused";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EHOSTDOWN" || code === "ENETDOWN") {
    return "unreachable";
  }
  if (code && TLS_CODE.test(code)) return "tls";
  if (
    deadlinePassed ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_ABORTED" ||
    code === "ABORT_ERR" ||
    code === "ETIMEDOUT"
  ) {
    return "timeout";
  }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") return "reset";
  // TLS alerts arrive as plain Errors whose message names the alert.
  if (/ssl|tls|certificate/i.test(describe(error))) return "tls";
  return "reset";
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    if (code === "UND_ERR_SOCKET") {
      const inner = (current as { cause?: unknown }).cause;
      if (inner && typeof (inner as { code?: unknown }).code === "string") {
        current = inner;
        continue;
      }
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}`.slice(0, 160) : message.slice(0, 160);
}
