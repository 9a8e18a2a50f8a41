import type { ProbeErrorKind } from "../model/timeline.js";
import type { ProbeResult } from "./https-probe.js";

/** A probe's outcome from what came back: the body it expected, or the kind of error (README "Measurement definitions", probe kinds). */
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
  // undici's ConnectTimeoutError by its code: the class would load undici into every probe worker.
  if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect-timeout";
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
  if (/ssl|tls|certificate/i.test(describeError(error))) return "tls";
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

export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}`.slice(0, 160) : message.slice(0, 160);
}
