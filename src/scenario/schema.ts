import { z } from "zod";
import { cidrContains, dockerRangeOf, formatCidr, ipToInt, parseCidr } from "../common/ipv4.js";
import { durationMs } from "./duration.js";
import { parseSelector, SELECTOR_HELP } from "./selector-syntax.js";
import { FAULT_TYPES, LATENCY_PHASES, PERCENTILES, PICKS, type Scenario } from "./types.js";

export const DEFAULT_SUBNET = "172.30.213.0/24";
const HEALTH_PATHS = ["/healthz", "/livez", "/readyz"];

const target = z
  .string()
  .describe(`which hosts: ${SELECTOR_HELP}`)
  .refine((text) => parseSelector(text) !== undefined, { error: (issue) => `expected ${SELECTOR_HELP}, got ${JSON.stringify(issue.input)}` });
const common = {
  target,
  pick: z.enum(PICKS).prefault("first").describe("which of the selected hosts: first (by id), random, or all"),
};

const faultSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("service-stop").describe("stop a service (systemctl stop UNIT); restore starts it"),
    ...common,
    service: z
      .string()
      .regex(/^[A-Za-z0-9@._-]+$/, { error: (i) => `expected a unit name such as keepalived, haproxy, kube-apiserver or kubelet, got ${JSON.stringify(i.input)}` })
      .describe("unit name: keepalived, haproxy, kube-apiserver, kubelet, …"),
  }),
  z.strictObject({
    type: z.literal("link-down").describe("pull the link: ip link set dev IF down; restore brings it and its routes back"),
    ...common,
    interface: z.string().regex(/^[A-Za-z0-9._@-]{1,15}$/).optional().describe("default: the host's VIP interface (eth0 in the lab)"),
  }),
  z.strictObject({
    type: z.literal("backend-drain").describe("take control planes out of HAProxy rotation on every load balancer (runtime API)"),
    ...common,
    state: z.enum(["drain", "maint"]).prefault("drain"),
  }),
  z.strictObject({ type: z.literal("node-kill").describe("lab only: kill the node's container; restore starts it"), ...common }),
  z.strictObject({ type: z.literal("node-pause").describe("lab only: pause the node's container; restore unpauses it"), ...common }),
  z.strictObject({
    type: z.literal("apiserver-unhealthy").describe("lab only: the stand-in apiserver answers 500 on its health endpoints"),
    ...common,
  }),
]);

const percentiles = z.strictObject(Object.fromEntries(PERCENTILES.map((p) => [p, durationMs.optional()])) as Record<(typeof PERCENTILES)[number], z.ZodOptional<typeof durationMs>>);
const latencyBudgets = z.strictObject(
  Object.fromEntries(LATENCY_PHASES.map((phase) => [phase, percentiles.optional()])) as Record<(typeof LATENCY_PHASES)[number], z.ZodOptional<typeof percentiles>>,
);

const count = z.number().int().min(0);

/** The YAML a user writes. Durations are strings ("250ms", "5s"); everything but name, description and fault has a default. */
export const scenarioInput = z
  .strictObject({
    version: z.literal(1).describe("format version: 1"),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (i) => `expected lower-case letters, digits and dashes, got ${JSON.stringify(i.input)}` }),
    description: z.string().min(1),
    lab: z
      .strictObject({
        topology: z.literal("haproxy-keepalived").prefault("haproxy-keepalived"),
        subnet: z.string().prefault(DEFAULT_SUBNET).describe("lab network (IPv4 CIDR, /24 or larger); Docker hands out its lower half"),
        vip: z.string().optional().describe("default: .200 of the subnet; must be in its upper half"),
        advertInt: z.number().int().min(1).max(255).prefault(1).describe("Keepalived advert_int, seconds (VRRPv2: whole seconds)"),
        controlPlanes: z.number().int().min(1).max(5).prefault(3),
        loadBalancers: z.number().int().min(1).max(3).prefault(2),
      })
      .prefault({}),
    dns: z.string().regex(/^[a-z0-9.-]+$/).prefault("api.cluster.local").describe("DNS name sent as SNI and Host"),
    probes: z
      .strictObject({
        interval: durationMs.prefault("10ms").describe("Δ between probe due times"),
        timeout: durationMs.prefault("1s"),
        path: z.string().regex(/^\//).prefault("/version"),
        expect: z.enum(["version", "ok"]).optional().describe("version: JSON with gitVersion; ok: body 'ok'. Default from the path"),
        stable: durationMs.prefault("250ms").describe("consecutive successes that make a stable recovery"),
        maxInFlight: count.optional().describe("default: 2·timeout/interval + 16"),
        keepAlive: z.strictObject({ connections: z.number().int().min(1).max(32), interval: durationMs.prefault("100ms") }).optional(),
      })
      .prefault({}),
    baseline: durationMs.prefault("5s"),
    fault: faultSchema,
    hold: durationMs.prefault("10s").describe("how long the fault stays in before it is restored"),
    settle: durationMs.prefault("10s").describe("observation after the restore"),
    budgets: z
      .strictObject({
        failover: durationMs.prefault("5s"),
        outage: durationMs.optional(),
        failback: durationMs.optional(),
        failedProbes: count.optional(),
        errorsAfterRecovery: count.prefault(0),
        vipMove: z.enum(["must", "must-not", "any"]).prefault("any"),
        splitBrain: z.enum(["forbid", "allow"]).prefault("forbid"),
        healthyAfterRestore: z.boolean().prefault(true),
        latency: latencyBudgets.prefault({}),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    const subnet = parseCidr(s.lab.subnet);
    if (!subnet || subnet.prefix > 24 || subnet.prefix < 8) {
      ctx.addIssue({ code: "custom", path: ["lab", "subnet"], message: `expected an IPv4 CIDR from /8 to /24 such as ${DEFAULT_SUBNET}, got ${JSON.stringify(s.lab.subnet)}` });
    } else if (s.lab.vip !== undefined) {
      const range = dockerRangeOf(subnet);
      const vip = ipToInt(s.lab.vip);
      const broadcast = subnet.network + subnet.size - 1;
      if (vip === undefined || !cidrContains(subnet, s.lab.vip) || cidrContains(range, s.lab.vip) || vip === broadcast) {
        ctx.addIssue({
          code: "custom",
          path: ["lab", "vip"],
          message: `expected an address inside ${formatCidr(subnet)} outside Docker's range ${formatCidr(range)}, got ${s.lab.vip}`,
        });
      }
    }
    if (s.probes.interval <= 0 || s.probes.interval >= s.probes.timeout) {
      ctx.addIssue({ code: "custom", path: ["probes", "interval"], message: `expected more than 0 and less than the timeout (${s.probes.timeout} ms), got ${s.probes.interval} ms` });
    }
    if (s.probes.stable < s.probes.interval) {
      ctx.addIssue({ code: "custom", path: ["probes", "stable"], message: `expected at least one interval (${s.probes.interval} ms), got ${s.probes.stable} ms` });
    }
    const selector = parseSelector(s.fault.target);
    if (s.fault.type === "backend-drain" && selector?.kind !== "host" && !(selector?.kind === "role" && selector.role === "control-plane")) {
      ctx.addIssue({ code: "custom", path: ["fault", "target"], message: `expected control planes for backend-drain (a host id such as cp-1, or role:control-plane), got ${JSON.stringify(s.fault.target)}` });
    }
  });

export type ScenarioInput = z.input<typeof scenarioInput>;

/** The normalised scenario (defaults filled in, durations in ms). */
export function normalise(input: z.output<typeof scenarioInput>, file: string): Scenario {
  const subnet = parseCidr(input.lab.subnet)!;
  const vip = input.lab.vip ?? formatCidr({ network: subnet.network + Math.min(200, subnet.size - 2), prefix: 32, size: 1 }).split("/")[0]!;
  const { probes, budgets, fault } = input;
  const { target: selectorText, ...rest } = fault;
  return {
    file,
    version: 1,
    name: input.name,
    description: input.description,
    lab: {
      topology: input.lab.topology,
      subnet: formatCidr(subnet),
      vip,
      advertIntS: input.lab.advertInt,
      controlPlanes: input.lab.controlPlanes,
      loadBalancers: input.lab.loadBalancers,
    },
    dns: input.dns,
    probes: {
      intervalMs: probes.interval,
      timeoutMs: probes.timeout,
      path: probes.path,
      expect: probes.expect ?? (HEALTH_PATHS.includes(probes.path) ? "ok" : "version"),
      stableMs: probes.stable,
      // In an outage every probe waits out its timeout: leave room for twice that many in flight.
      maxInFlight: probes.maxInFlight ?? Math.ceil((2 * probes.timeout) / probes.interval) + 16,
      keepAliveConnections: probes.keepAlive?.connections ?? 0,
      keepAliveIntervalMs: probes.keepAlive?.interval ?? 100,
    },
    fault: { ...rest, target: selectorText, selector: parseSelector(selectorText)! },
    baselineMs: input.baseline,
    holdMs: input.hold,
    settleMs: input.settle,
    budgets: {
      failoverMs: budgets.failover,
      ...(budgets.outage !== undefined ? { outageMs: budgets.outage } : {}),
      ...(budgets.failback !== undefined ? { failbackMs: budgets.failback } : {}),
      ...(budgets.failedProbes !== undefined ? { failedProbes: budgets.failedProbes } : {}),
      errorsAfterRecovery: budgets.errorsAfterRecovery,
      vipMove: budgets.vipMove,
      splitBrain: budgets.splitBrain,
      healthyAfterRestore: budgets.healthyAfterRestore,
      latency: Object.fromEntries(
        Object.entries(budgets.latency)
          .filter(([, v]) => v !== undefined)
          .map(([phase, p]) => [phase, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))]),
      ),
    },
  };
}

export { FAULT_TYPES };
