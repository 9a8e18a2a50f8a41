import { isIP } from "node:net";
import { errorMessage } from "../../common/errors.js";
import { hostsWithRole, type ExecResult, type Host, type Topology } from "../../model/host.js";
import type { Scenario } from "../../model/scenario.js";

export { execFailure } from "../../host-tools/exec-failure.js";

export type CheckStatus = "pass" | "fail" | "skip";

/** What one check saw on one host (or `VIP`: through the VIP). */
export interface HostFinding {
  id: string;
  status: CheckStatus;
  seen: string;
}

export interface CheckOutcome {
  status: CheckStatus;
  /** What was seen, one line. */
  seen: string;
  hosts?: HostFinding[];
}

/** The system resolver's view of a name: every address, IPv4 and IPv6. */
export type Resolver = (name: string) => Promise<string[]>;

export interface CheckContext {
  readonly topology: Topology;
  /** Aborted when the check's time is up or the caller aborts. */
  readonly signal: AbortSignal;
  readonly resolver: Resolver;
  /** The drills about to run, whose budgets the predicted windows are set against; empty for a bare preflight. */
  readonly scenarios: readonly Scenario[];
  /** Milliseconds left before this check's deadline (at least 1). */
  remainingMs(): number;
  /** Await `work` done on/for `who`; while pending, a timeout of the check names `who`. */
  on<T>(who: string, work: Promise<T>): Promise<T>;
}

export interface CheckDefinition {
  id: string;
  title: string;
  run(context: CheckContext): Promise<CheckOutcome>;
}

/** Run argv on a host within the check's time; a transport error propagates (the caller names the host). */
export function execOn(context: CheckContext, host: Host, argv: readonly string[], stdin?: string): Promise<ExecResult> {
  const options = { timeoutMs: context.remainingMs(), signal: context.signal, ...(stdin === undefined ? {} : { stdin }) };
  return context.on(host.id, host.transport.exec(argv, options));
}

/** A host that could not be asked: the transport's own message (it names the host and why). */
export function unreachable(error: unknown): string {
  return `unreachable: ${errorMessage(error).split("\n")[0]!.slice(0, 200)}`;
}

export const controlPlanes = (topology: Topology): Host[] => hostsWithRole(topology.hosts, "control-plane");
export const loadBalancers = (topology: Topology): Host[] => hostsWithRole(topology.hosts, "load-balancer");

/**
 * A check of every load balancer, each inspected in parallel: it passes when every one does, and is
 * skipped where there are none (a kube-vip topology has no `software` to check).
 */
export async function onEveryLoadBalancer(context: CheckContext, software: string, inspect: (host: Host) => Promise<HostFinding>): Promise<CheckOutcome> {
  const lbs = loadBalancers(context.topology);
  if (lbs.length === 0) return { status: "skip", seen: `no load balancers (kube-vip topology): no ${software} to check` };
  return everyHostPasses(await Promise.all(lbs.map(inspect)));
}

/** A check over several hosts: it passes when each does, and shows what was seen on each. */
export function everyHostPasses(hosts: HostFinding[]): CheckOutcome {
  return {
    status: hosts.every((h) => h.status === "pass") ? "pass" : "fail",
    seen: hosts.map((h) => `${h.id}: ${h.seen}`).join("; "),
    hosts,
  };
}

/** An address in one canonical text form: IPv4 dotted, IPv6 as eight lower-case hextets, IPv4-mapped as IPv4. */
export function canonicalIp(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIP(bare) === 4) return bare;
  if (isIP(bare) !== 6) return address.toLowerCase();
  let text = bare.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const normal = groups.map((g) => parseInt(g, 16).toString(16));
  if (normal.slice(0, 5).every((g) => g === "0") && normal[5] === "ffff") {
    const hi = parseInt(normal[6]!, 16);
    const lo = parseInt(normal[7]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return normal.join(":");
}

export const sameIp = (a: string, b: string): boolean => canonicalIp(a) === canonicalIp(b);

/** `a, b and c` */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)!}`;
}
