import { isIP } from "node:net";
import { connect, type PeerCertificate } from "node:tls";
import { errorMessage } from "../../common/errors.js";
import { controlPlanes, sameIp, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

/** What a TLS handshake showed: the served certificate, and whether it verifies against the CA given. */
export interface ServedCertificate {
  sans: San[];
  fingerprint256: string;
  subject: string;
  /** Chain and name checked against the endpoint's CA (undefined: no CA given). */
  verified?: { ok: true } | { ok: false; error: string };
}

export interface San {
  /** `DNS`, `IP`, or another kind as Node names it (`URI`, `email`, …). */
  type: string;
  value: string;
}

/**
 * Parse Node's `subjectaltname` ("DNS:a, DNS:b, IP Address:10.0.0.1"); values Node had to escape
 * come JSON-quoted (`DNS:"a,b"`).
 */
export function parseSubjectAltName(text: string | undefined): San[] {
  if (!text) return [];
  const sans: San[] = [];
  const pattern = /(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;
  for (const match of text.matchAll(pattern)) {
    const rawType = match[1]!;
    let value = match[2]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    sans.push({ type: rawType === "IP Address" ? "IP" : rawType, value });
  }
  return sans;
}

/** A DNS name matches a SAN exactly (case-insensitively) or by a wildcard in its left-most label. */
function dnsMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, "");
  const n = name.toLowerCase().replace(/\.$/, "");
  if (p === n) return true;
  if (!p.startsWith("*.")) return false;
  const dot = n.indexOf(".");
  return dot > 0 && n.slice(dot + 1) === p.slice(2);
}

export function hasIpSan(sans: readonly San[], ip: string): boolean {
  return sans.some((s) => s.type === "IP" && sameIp(s.value, ip));
}

export function hasDnsSan(sans: readonly San[], name: string): boolean {
  return sans.some((s) => s.type === "DNS" && dnsMatches(s.value, name));
}

export interface SanRequirement {
  label: string;
  present: boolean;
}

/** The runbook's SANs for a certificate: the VIP, the DNS name (unless it is the VIP), the node's name. */
export function sanRequirements(sans: readonly San[], endpoint: { vip: string; dns: string }, nodeName: string | undefined): SanRequirement[] {
  const required: SanRequirement[] = [{ label: "VIP", present: hasIpSan(sans, endpoint.vip) }];
  if (!sameIp(endpoint.dns, endpoint.vip)) {
    required.push({ label: endpoint.dns, present: isIP(endpoint.dns) ? hasIpSan(sans, endpoint.dns) : hasDnsSan(sans, endpoint.dns) });
  }
  if (nodeName !== undefined) required.push({ label: nodeName, present: hasDnsSan(sans, nodeName) });
  return required;
}

export const renderRequirements = (required: readonly SanRequirement[]): string =>
  required.map((r) => `${r.present ? "✓" : "✗"} ${r.label}`).join(" ");

/** Handshake with address:port (SNI = the endpoint's name unless that is an IP) and return what was served. */
export async function fetchCertificate(
  target: { address: string; port: number; servername: string; caPem?: string },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ServedCertificate> {
  return new Promise<ServedCertificate>((resolve, reject) => {
    const socket = connect({
      host: target.address,
      port: target.port,
      ...(isIP(target.servername) ? {} : { servername: target.servername }),
      // We inspect here; trust is reported separately (verified) when a CA is given.
      rejectUnauthorized: false,
      ...(target.caPem === undefined ? {} : { ca: target.caPem }),
    });
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error) reject(error);
    };
    const onAbort = (): void => finish(new Error("aborted"));
    const timer = setTimeout(() => finish(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", (error: Error) => finish(error));
    socket.once("secureConnect", () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      const verified =
        target.caPem === undefined
          ? undefined
          : socket.authorized
            ? ({ ok: true } as const)
            : ({ ok: false, error: String(socket.authorizationError ?? "not authorized") } as const);
      const subject = cert.subject?.CN ? `CN=${String(cert.subject.CN)}` : "";
      resolve({ sans: parseSubjectAltName(cert.subjectaltname), fingerprint256: cert.fingerprint256 ?? "", subject, ...(verified ? { verified } : {}) });
      finish();
    });
  });
}

/**
 * The runbook: serving certificates hold the VIP, the DNS name and the control-plane node names.
 * Through the VIP one sees a single backend's certificate, so each control plane is also asked directly.
 */
export const certificateSansCheck: CheckDefinition = {
  id: "certificate-sans",
  title: "serving certificates hold the VIP, the DNS name and the node's name",
  async run(context) {
    const { endpoint } = context.topology;
    const nodes = controlPlanes(context.topology);
    const ask = (address: string) =>
      fetchCertificate({ address, port: endpoint.port, servername: endpoint.dns, ...(endpoint.caPem === undefined ? {} : { caPem: endpoint.caPem }) }, context.remainingMs(), context.signal);
    const direct = await Promise.all(
      nodes.map(async (host) => {
        try {
          return { host, cert: await context.on(host.id, ask(host.address)) };
        } catch (error) {
          return { host, error: errorMessage(error) };
        }
      }),
    );
    let viaVip: { cert: ServedCertificate } | { error: string };
    try {
      viaVip = { cert: await context.on(`the VIP ${endpoint.vip}`, ask(endpoint.vip)) };
    } catch (error) {
      viaVip = { error: errorMessage(error) };
    }
    return judgeCertificates(context, direct, viaVip);
  },
};

type Fetched<T> = T & ({ cert: ServedCertificate; error?: undefined } | { cert?: undefined; error: string });

/** The decision, from what each handshake showed. */
export function judgeCertificates(
  context: Pick<CheckContext, "topology">,
  direct: ReadonlyArray<Fetched<{ host: { id: string } }>>,
  viaVip: { cert: ServedCertificate } | { error: string },
): { status: "pass" | "fail"; seen: string; hosts: HostFinding[] } {
  const { endpoint } = context.topology;
  const hosts: HostFinding[] = [];
  const parts: string[] = [];
  const unverified: string[] = [];
  const verification = (who: string, cert: ServedCertificate): void => {
    if (cert.verified && !cert.verified.ok) unverified.push(`${who}: ${cert.verified.error}`);
  };
  for (const d of direct) {
    if (d.cert === undefined) {
      hosts.push({ id: d.host.id, status: "fail", seen: `no certificate: ${d.error}` });
      parts.push(`${d.host.id}: no certificate: ${d.error}`);
      continue;
    }
    const required = sanRequirements(d.cert.sans, endpoint, d.host.id);
    verification(d.host.id, d.cert);
    hosts.push({ id: d.host.id, status: required.every((r) => r.present) ? "pass" : "fail", seen: renderRequirements(required) });
    parts.push(`${d.host.id}: ${renderRequirements(required)}`);
  }
  if ("error" in viaVip) {
    hosts.push({ id: "VIP", status: "fail", seen: `no certificate: ${viaVip.error}` });
    parts.push(`through the VIP: no certificate: ${viaVip.error}`);
  } else {
    // Which backend answered: the one whose certificate is the same (asked directly above).
    const servedBy = direct.find((d) => d.cert !== undefined && d.cert.fingerprint256 === viaVip.cert.fingerprint256)?.host.id;
    const required = sanRequirements(viaVip.cert.sans, endpoint, servedBy);
    verification("through the VIP", viaVip.cert);
    const by = servedBy ?? `a backend not asked directly${viaVip.cert.subject ? ` (${viaVip.cert.subject})` : ""}`;
    hosts.push({ id: "VIP", status: required.every((r) => r.present) ? "pass" : "fail", seen: `served by ${by}: ${renderRequirements(required)}` });
    parts.push(`through the VIP (served by ${by}): ${renderRequirements(required)}`);
  }
  if (endpoint.caPem !== undefined) {
    parts.push(unverified.length === 0 ? "verifies against the endpoint CA" : `does NOT verify against the endpoint CA (${unverified.join("; ")})`);
  }
  const failed = hosts.some((h) => h.status === "fail") || unverified.length > 0;
  return { status: failed ? "fail" : "pass", seen: parts.join("; "), hosts };
}
