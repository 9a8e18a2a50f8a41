import { Client } from "undici";
import { checkBody, classifyError } from "../../probes/https-probe.js";
import { controlPlanes, type CheckDefinition, type HostFinding } from "./context.js";

export type VersionAnswer = { ok: true; gitVersion: string } | { ok: false; outcome: string; detail?: string };

/**
 * GET /version as a probe does it (fresh TCP + TLS, SNI and Host = the endpoint's name, verified
 * against the endpoint CA when there is one), judged by the probes' own rules (checkBody,
 * classifyError), keeping the body so the gitVersion can be shown.
 */
export async function fetchVersion(
  target: { address: string; port: number; servername: string; caPem?: string },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<VersionAnswer> {
  const host = target.address.includes(":") ? `[${target.address}]` : target.address;
  const origin = `https://${host}:${target.port}`;
  const client = new Client(origin, {
    connect: {
      servername: target.servername,
      ca: target.caPem,
      rejectUnauthorized: target.caPem !== undefined,
      timeout: timeoutMs,
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 0,
  });
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs + 5)]);
  try {
    const response = await client.request({
      origin,
      path: "/version",
      method: "GET",
      headers: { host: `${target.servername}:${target.port}`, accept: "application/json" },
      signal: deadline,
      reset: true,
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) return { ok: false, outcome: "http-status", detail: `HTTP ${response.statusCode}` };
    const judged = checkBody("version", body);
    if (judged.outcome !== "ok") return { ok: false, outcome: judged.outcome, ...(judged.detail ? { detail: judged.detail } : {}) };
    return { ok: true, gitVersion: (JSON.parse(body) as { gitVersion: string }).gitVersion };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, outcome: classifyError(error, deadline.aborted), detail: detail.slice(0, 160) };
  } finally {
    client.destroy().catch(() => undefined);
  }
}

const describe = (answer: VersionAnswer): string =>
  answer.ok ? answer.gitVersion : `${answer.outcome}${answer.detail ? ` (${answer.detail})` : ""}`;

/** The runbook: `curl -k https://<endpoint>:6443/version` answers from each node and through the VIP. */
export const versionCheck: CheckDefinition = {
  id: "version",
  title: "GET /version answers from each control plane and through the VIP",
  async run(context) {
    const { endpoint } = context.topology;
    const ask = (who: string, address: string) =>
      context.on(
        who,
        fetchVersion(
          { address, port: endpoint.port, servername: endpoint.dns, ...(endpoint.caPem === undefined ? {} : { caPem: endpoint.caPem }) },
          context.remainingMs(),
          context.signal,
        ),
      );
    const nodes = controlPlanes(context.topology);
    const answers = await Promise.all([
      ...nodes.map(async (h) => ({ id: h.id, answer: await ask(h.id, h.address) })),
      ask(`the VIP ${endpoint.vip}`, endpoint.vip).then((answer) => ({ id: "VIP", answer })),
    ]);
    return judgeVersions(answers);
  },
};

/** Pass when every node and the VIP answered 200 with a gitVersion; differing versions are noted, not failed (an upgrade in progress). */
export function judgeVersions(answers: ReadonlyArray<{ id: string; answer: VersionAnswer }>): { status: "pass" | "fail"; seen: string; hosts: HostFinding[] } {
  const hosts: HostFinding[] = answers.map(({ id, answer }) => ({ id, status: answer.ok ? "pass" : "fail", seen: describe(answer) }));
  const versions = new Set(answers.flatMap(({ answer }) => (answer.ok ? [answer.gitVersion] : [])));
  const nodes = hosts.filter((h) => h.id !== "VIP").map((h) => `${h.id} ${h.seen}`);
  const vip = hosts.filter((h) => h.id === "VIP").map((h) => `through the VIP ${h.seen}`);
  const seen = [nodes.join(", "), ...vip].filter(Boolean).join("; ") + (versions.size > 1 ? " (versions differ)" : "");
  return { status: hosts.every((h) => h.status === "pass") ? "pass" : "fail", seen, hosts };
}
