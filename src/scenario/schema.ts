import { z } from "zod";
import { cidrContains, dockerRangeOf, formatCidr, intToIp, ipToInt, parseCidr } from "../common/ipv4.js";
import { durationMs } from "../common/duration.js";
import { expected, strictMapping as strict, wholeNumber } from "../common/zod-input.js";
import { rolePlural, SELECTOR_HELP, SELECTOR_PATTERN, selectorMessage, trySelector } from "./selector.js";
import type { Role } from "../model/host.js";
import { limitOrPercentiles, percentileLimits } from "./percentile-budget.js";
import { DISTRIBUTION_BUDGETS, FAULT_TARGETS, FAULT_TYPES, LAB_TOPOLOGIES, LATENCY_PHASES, PERCENTILES, PICKS, type Budgets, type FaultSpec, type Scenario } from "../model/scenario.js";
import { invalidKubeVipTimings } from "../model/kube-vip.js";

export const DEFAULT_SUBNET = "172.30.213.0/24";
/** Paths whose body is the plain `ok` of the apiserver's health endpoints. */
const HEALTH_PATHS = ["/healthz", "/livez", "/readyz"];
export const VIP_MOVES = ["must", "must-not", "any"] as const;
export const SPLIT_BRAIN = ["forbid", "allow"] as const;
export const DRAIN_STATES = ["drain", "maint"] as const;
export const PROBE_EXPECTS = ["version", "ok"] as const;

const target = z
  .string({ error: expected(SELECTOR_HELP) })
  .regex(new RegExp(SELECTOR_PATTERN), { error: (issue) => selectorMessage(String(issue.input)) })
  .describe(`which hosts: ${SELECTOR_HELP}`);

const faultCommon = {
  target,
  pick: z.enum(PICKS).prefault("first").describe("which of the selected hosts: first (by host id), random, or all"),
};

const UNIT = "a unit name such as keepalived, haproxy, kube-apiserver or kubelet";

const faultSchema = z.discriminatedUnion(
  "type",
  [
    strict({
      type: z.literal("service-stop").describe("stop a service (systemctl stop UNIT); the restore starts it"),
      ...faultCommon,
      service: z
        .string({ error: (issue) => (issue.input === undefined ? `expected ${UNIT} (service-stop needs one), got nothing` : expected(UNIT)(issue)) })
        .regex(/^[A-Za-z0-9@._-]+$/, { error: expected(UNIT) })
        .describe("the systemd unit: keepalived, haproxy, kube-apiserver, kubelet, or any unit name"),
    }),
    strict({
      type: z.literal("link-down").describe("pull the link: ip link set dev IF down; the restore brings it and its routes back"),
      ...faultCommon,
      interface: z
        .string({ error: expected("an interface name such as eth0") })
        .regex(/^[A-Za-z0-9._@-]{1,15}$/, { error: expected("an interface name such as eth0") })
        .optional()
        .describe("the link to pull; default: the interface that carries the VIP (eth0 in the lab)"),
    }),
    strict({
      type: z.literal("backend-drain").describe("take control planes out of HAProxy rotation on every load balancer (runtime API)"),
      ...faultCommon,
      state: z.enum(DRAIN_STATES).prefault("drain").describe("drain: no new connections, established ones stay; maint: out of rotation and health checks stopped"),
    }),
    strict({ type: z.literal("node-kill").describe("lab only: kill the node's container; the restore starts it"), ...faultCommon }),
    strict({ type: z.literal("node-pause").describe("lab only: pause the node's container; the restore unpauses it"), ...faultCommon }),
    strict({
      type: z.literal("apiserver-unhealthy").describe("lab only: the stand-in apiserver answers 500 on /healthz, /livez and /readyz (it keeps serving /version); the restore heals it"),
      ...faultCommon,
    }),
    strict({
      type: z.literal("static-pod-stop").describe("move a static pod's manifest out of the kubelet's manifests directory (the pod stops) and back"),
      ...faultCommon,
      manifest: z
        .string({ error: expected("an absolute path such as /etc/kubernetes/manifests/kube-vip.yaml") })
        .regex(/^\/[^\0]*[^/]$/, { error: expected("an absolute path such as /etc/kubernetes/manifests/kube-vip.yaml") })
        .optional()
        .describe("the manifest; default kube-vip's, /etc/kubernetes/manifests/kube-vip.yaml (or the inventory's kubeVip.manifest)"),
    }),
    strict({
      type: z.literal("container-kill").describe("stop a container with crictl (a crash: SIGKILL; or SIGTERM, graceful); the kubelet starts it again"),
      ...faultCommon,
      container: z
        .string({ error: expected("a container name such as kube-vip") })
        .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: expected("a container name such as kube-vip") })
        .optional()
        .describe("the container's name; default kube-vip"),
      signal: z.enum(["SIGKILL", "SIGTERM"]).prefault("SIGKILL").describe("SIGKILL (crictl's default: no grace) or SIGTERM (a 30 s grace, as the kubelet gives)"),
    }),
  ],
  // A missing or non-mapping fault comes as a type issue from the union (whose typing says otherwise).
  { error: (issue) => ((issue as { code: string }).code === "invalid_type" ? expected("a mapping with type and target")(issue) : undefined) },
);

const percentiles = strict(
  Object.fromEntries(PERCENTILES.map((p) => [p, durationMs.optional().describe(`${p} latency limit`)])) as Record<
    (typeof PERCENTILES)[number],
    z.ZodOptional<typeof durationMs>
  >,
);
const latencyBudgets = strict(
  Object.fromEntries(LATENCY_PHASES.map((phase) => [phase, percentiles.optional().describe(`latency limits in the ${phase} phase`)])) as Record<
    (typeof LATENCY_PHASES)[number],
    z.ZodOptional<typeof percentiles>
  >,
);

const DURATION_LIMIT = "a duration such as 250ms, 5s or 1m";
const ADVERT_INT = "seconds from 0.01 to 255 in centiseconds (whole seconds for VRRPv2; below 1 s or fractional, the lab runs VRRPv3)";
const configFile = (what: string) => z.string({ error: expected(`a path to a ${what}`) }).min(1, { error: expected(`a path to a ${what}`) });
const configFiles = (what: string) =>
  z.union([configFile(what), z.array(configFile(what)).min(1).max(3)], { error: expected(`a path to a ${what}, or a list of 1 to 3 (one per balancer)`) });
const asList = (files: string | string[] | undefined): string[] => (files === undefined ? [] : typeof files === "string" ? [files] : files);
/** Iterations of a repeated drill: an hour of the default drill is about 140. */
export const MAX_REPEAT = 1000;

const count = (what: string) => wholeNumber(`a whole number of ${what}, 0 or more`, 0, 1_000_000_000);

/** What users write. Durations are strings ("250ms", "5s"); everything but version, name, description and fault has a default. */
export const scenarioInput = strict({
  version: z.literal(1, { error: expected("1 (the only format version)") }).describe("format version: 1"),
  name: z
    .string({ error: expected("a name of lower-case letters, digits and dashes") })
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: expected("a name of lower-case letters, digits and dashes") })
    .describe("[a-z0-9-]+: names the report directory"),
  description: z
    .string({ error: expected("a sentence saying what the drill proves") })
    .trim()
    .min(1, { error: expected("a sentence saying what the drill proves") })
    .describe("what the drill proves and what to expect; shown in reports"),
  lab: strict({
    topology: z
      .enum(LAB_TOPOLOGIES)
      .prefault("haproxy-keepalived")
      .describe("the lab's shape: haproxy-keepalived (the runbook's Option B) or kube-vip (Option A: kube-vip static pods on the control planes; the lab's is a stand-in)"),
    subnet: z
      .string({ error: expected(`an IPv4 CIDR from /8 to /24 such as ${DEFAULT_SUBNET}`) })
      .prefault(DEFAULT_SUBNET)
      .describe("the lab network (IPv4 CIDR, /8 to /24); Docker hands out its lower half"),
    vip: z
      .string({ error: expected("an IPv4 address") })
      .optional()
      .describe("the VIP; default .200 of the subnet's last /24; must be in the subnet's upper half (outside Docker's range)"),
    advertInt: z
      .number({ error: expected(ADVERT_INT) })
      .min(0.01, { error: expected(ADVERT_INT) })
      .max(255, { error: expected(ADVERT_INT) })
      .refine((s) => Math.abs(s * 100 - Math.round(s * 100)) < 1e-9, { error: expected(ADVERT_INT) })
      .prefault(1)
      .describe("Keepalived advert_int in seconds: whole seconds (VRRPv2), or centiseconds such as 0.5 (the lab then runs VRRPv3, which ignores authentication)"),
    controlPlanes: wholeNumber("a number of control planes from 1 to 5", 1, 5).prefault(3).describe("control-plane nodes cp-1…cp-N"),
    loadBalancers: wholeNumber("a number of load balancers from 1 to 3", 1, 3)
      .optional()
      .describe("load balancers lb-1…lb-N (lb-1 is the VRRP master); default 2; none with kube-vip"),
    kubeVip: strict({
      leaseDuration: durationMs.prefault("15s").describe("vip_leaseduration (whole seconds; kube-vip ≥ 1.1 writes 15)"),
      renewDeadline: durationMs.prefault("10s").describe("vip_renewdeadline (whole seconds; kube-vip ≥ 1.1 writes 10)"),
      retryPeriod: durationMs.prefault("2s").describe("vip_retryperiod (whole seconds; kube-vip ≥ 1.1 writes 2)"),
      arpRate: durationMs.prefault("3s").describe("vip_arpRate: the gratuitous-ARP loop's period (kube-vip's default 3 s; at least 500 ms)"),
    })
      .optional()
      .describe("kube-vip's lease timings and ARP rate in its manifest; only with topology kube-vip"),
    config: strict({
      keepalived: configFiles("keepalived.conf").optional().describe("the proposed keepalived.conf: one file for every balancer, or a list of one per balancer (lb-1 first)"),
      haproxy: configFile("haproxy.cfg").optional().describe("the proposed haproxy.cfg"),
      baseline: strict({
        keepalived: configFiles("keepalived.conf").optional().describe("today's keepalived.conf"),
        haproxy: configFile("haproxy.cfg").optional().describe("today's haproxy.cfg"),
      })
        .optional()
        .describe("today's configuration: drilled on the same lab and set beside the proposed one"),
    })
      .optional()
      .describe("production files put on the lab's balancers in place of its templates (paths relative to this file); only with topology haproxy-keepalived"),
  })
    .prefault({})
    .describe("the docker lab the drill builds (or reuses) and runs on"),
  dns: z
    .string({ error: expected("a DNS name such as api.cluster.local") })
    .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, {
      error: expected("a DNS name such as api.cluster.local"),
    })
    .prefault("api.cluster.local")
    .describe("the API's DNS name, sent as SNI and Host (in every serving certificate)"),
  probes: strict({
    interval: durationMs.prefault("10ms").describe("Δ between probe due times (open loop)"),
    timeout: durationMs.prefault("1s").describe("per-probe timeout"),
    path: z
      .string({ error: expected("a request path such as /version") })
      .regex(/^\/[\x21-\x7e]*$/, { error: expected("a request path such as /version") })
      .prefault("/version")
      .describe("request path"),
    expect: z
      .enum(PROBE_EXPECTS)
      .optional()
      .describe('version: 200 + JSON with gitVersion; ok: 200 + body "ok". Default: ok for /healthz, /livez, /readyz, else version'),
    stable: durationMs.prefault("250ms").describe("consecutive successes that make a stable recovery"),
    maxInFlight: wholeNumber("a whole number from 1 to 100000", 1, 100_000)
      .optional()
      .describe("probes in flight beyond which a due probe is skipped (and counted); default ceil(2 · timeout / interval) + 16"),
    keepAlive: strict({
      connections: wholeNumber("a number of connections from 1 to 32", 1, 32).describe("long-lived connections in the pool"),
      interval: durationMs.prefault("100ms").describe("Δ between keep-alive probes"),
    })
      .optional()
      .describe("a second probe stream over long-lived connections, like kubelets and controllers; default off"),
  })
    .prefault({})
    .describe("the open-loop HTTPS probes through the VIP"),
  baseline: durationMs.prefault("5s").describe("steady state before the fault"),
  fault: faultSchema.describe("what to break, where"),
  hold: durationMs.prefault("10s").describe("how long the fault stays in before it is restored"),
  settle: durationMs.prefault("10s").describe("observation after the restore"),
  repeat: wholeNumber(`a whole number of iterations from 1 to ${MAX_REPEAT}`, 1, MAX_REPEAT)
    .optional()
    .describe("drill this many times on one lab, waiting between iterations until the VIP is back where it started (--repeat overrides)"),
  budgets: strict({
    failover: limitOrPercentiles(durationMs, DURATION_LIMIT)
      .prefault("5s")
      .describe("limit on the failover time (the end of the fault's last outage window − fault injected), or on its percentiles over repeats"),
    outage: limitOrPercentiles(durationMs, DURATION_LIMIT).optional().describe("limit on the longest outage window clients saw during the fault, or on its percentiles over repeats"),
    failback: limitOrPercentiles(durationMs, DURATION_LIMIT).optional().describe("limit on the longest outage window after the restore, or on its percentiles over repeats"),
    failedProbes: limitOrPercentiles(count("failed probes"), "a whole number of failed probes, 0 or more")
      .optional()
      .describe("limit on failed probes over the whole run, or on its percentiles over repeats"),
    errorsAfterRecovery: count("failed probes").prefault(0).describe("limit on failed probes from the fault's first stable recovery to the restore"),
    vipMove: z.enum(VIP_MOVES).prefault("any").describe("the VIP must move to another host, must not move, or any"),
    splitBrain: z.enum(SPLIT_BRAIN).prefault("forbid").describe("two VIP owners at once: forbid or allow"),
    healthyAfterRestore: z.boolean({ error: expected("true or false") }).prefault(true).describe("the endpoint must be healthy at the end of the settle phase"),
    latency: latencyBudgets.prefault({}).describe("per phase (baseline, fault, recovered, after-restore), p50 p90 p99 p99.9 max limits"),
  })
    .prefault({})
    .describe("what decides pass or fail"),
})
  .superRefine((s, ctx) => {
    const subnet = parseCidr(s.lab.subnet);
    if (!subnet || subnet.prefix < 8 || subnet.prefix > 24) {
      ctx.addIssue({ code: "custom", path: ["lab", "subnet"], message: `expected an IPv4 CIDR from /8 to /24 such as ${DEFAULT_SUBNET}, got ${s.lab.subnet}` });
    } else if (s.lab.vip !== undefined) {
      const range = dockerRangeOf(subnet);
      const vip = ipToInt(s.lab.vip);
      const broadcast = subnet.network + subnet.size - 1;
      if (vip === undefined || !cidrContains(subnet, s.lab.vip) || cidrContains(range, s.lab.vip)) {
        ctx.addIssue({
          code: "custom",
          path: ["lab", "vip"],
          message: `expected an address inside ${formatCidr(subnet)} outside Docker's range ${formatCidr(range)}, got ${s.lab.vip}`,
        });
      } else if (vip === broadcast) {
        // The network and gateway (.1) addresses are in Docker's half already.
        ctx.addIssue({
          code: "custom",
          path: ["lab", "vip"],
          message: `expected an address inside ${formatCidr(subnet)} outside Docker's range ${formatCidr(range)}, got ${s.lab.vip} (the broadcast address)`,
        });
      }
    }

    if (s.lab.topology === "kube-vip") {
      if (s.lab.loadBalancers !== undefined) {
        ctx.addIssue({ code: "custom", path: ["lab", "loadBalancers"], message: `expected no load balancers with topology kube-vip (kube-vip puts the VIP on the control planes), got ${s.lab.loadBalancers}` });
      }
      const t = s.lab.kubeVip ?? { leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2000, arpRate: 3000 };
      for (const key of ["leaseDuration", "renewDeadline", "retryPeriod"] as const) {
        if (t[key] % 1000 !== 0 || t[key] <= 0) ctx.addIssue({ code: "custom", path: ["lab", "kubeVip", key], message: `expected whole seconds (kube-vip reads vip_${key.toLowerCase()} as seconds), got ${ms(t[key])}` });
      }
      const invalid = invalidKubeVipTimings({ leaseDurationMs: t.leaseDuration, renewDeadlineMs: t.renewDeadline, retryPeriodMs: t.retryPeriod });
      if (invalid !== undefined) {
        ctx.addIssue({ code: "custom", path: ["lab", "kubeVip", invalid.startsWith("leaseDuration") ? "leaseDuration" : "renewDeadline"], message: `expected timings client-go accepts: ${invalid}` });
      }
      if (t.arpRate < 500) ctx.addIssue({ code: "custom", path: ["lab", "kubeVip", "arpRate"], message: `expected at least 500ms (kube-vip resets a lower vip_arpRate to 3 s), got ${ms(t.arpRate)}` });
      if (s.lab.config !== undefined) ctx.addIssue({ code: "custom", path: ["lab", "config"], message: "expected lab.topology: haproxy-keepalived for a Keepalived/HAProxy configuration, got topology kube-vip" });
    } else {
      if (s.lab.config?.baseline !== undefined && s.lab.config.keepalived === undefined && s.lab.config.haproxy === undefined) {
        ctx.addIssue({ code: "custom", path: ["lab", "config", "baseline"], message: "expected a proposed keepalived or haproxy beside today's (the baseline is set beside it), got only the baseline" });
      }
      if (s.lab.kubeVip !== undefined) ctx.addIssue({ code: "custom", path: ["lab", "kubeVip"], message: "expected lab.topology: kube-vip for kube-vip settings, got topology haproxy-keepalived" });
      if (trySelector(s.fault.target)?.kind === "kube-vip-leader") {
        ctx.addIssue({ code: "custom", path: ["fault", "target"], message: "expected vip-owner (the lab's Keepalived holds the VIP), got kube-vip-leader: set lab.topology: kube-vip to drill kube-vip" });
      }
    }

    const { interval, timeout, stable } = s.probes;
    if (interval <= 0 || interval >= timeout) {
      ctx.addIssue({ code: "custom", path: ["probes", "interval"], message: `expected more than 0 and less than probes.timeout (${ms(timeout)}), got ${ms(interval)}` });
    } else if (stable < interval) {
      ctx.addIssue({ code: "custom", path: ["probes", "stable"], message: `expected at least one probes.interval (${ms(interval)}), got ${ms(stable)}` });
    }
    if (s.probes.keepAlive !== undefined && s.probes.keepAlive.interval <= 0) {
      ctx.addIssue({ code: "custom", path: ["probes", "keepAlive", "interval"], message: `expected more than 0, got ${ms(s.probes.keepAlive.interval)}` });
    }

    // Host ids are checked against the topology later; roles and symbolic selectors can be checked now.
    const selector = trySelector(s.fault.target);
    const role = FAULT_TARGETS[s.fault.type];
    // Where kube-vip holds the VIP, the VIP's owner, its backups and the Lease's leader are control planes.
    const selectsRole: Role | undefined =
      selector?.kind === "role" ? selector.role : selector?.kind === "kube-vip-leader" || (s.lab.topology === "kube-vip" && selector?.kind !== "host") ? "control-plane" : selector?.kind === "host" ? undefined : "load-balancer";
    if (role !== "any" && selector !== undefined && selectsRole !== undefined && selectsRole !== role) {
      ctx.addIssue({
        code: "custom",
        path: ["fault", "target"],
        message: `expected ${rolePlural(role)} for ${s.fault.type} (role:${role} or a host id such as ${LAB_HOST_EXAMPLE[role]}), got ${JSON.stringify(s.fault.target)}`,
      });
    }
  });

const ms = (value: number): string => `${value} ms`;
/** A host of each role, as the lab names them. */
const LAB_HOST_EXAMPLE: Record<Role, string> = { "control-plane": "cp-1", "load-balancer": "lb-1" };

/** The VIP when none is given: .200 of the subnet's last /24 (172.30.213.200 for 172.30.213.0/24). */
export function defaultVip(subnet: string): string {
  const cidr = parseCidr(subnet);
  if (!cidr) throw new Error(`defaultVip: not a CIDR: ${subnet}`);
  return intToIp(cidr.network + cidr.size - 56);
}

/** YAML in, the normalised scenario out (defaults filled in, durations in ms); `file` is the loader's. */
export const scenarioSchema = scenarioInput.transform((input): Omit<Scenario, "file"> => {
  const subnet = formatCidr(parseCidr(input.lab.subnet)!);
  const { probes, budgets } = input;
  return {
    version: 1,
    name: input.name,
    description: input.description,
    lab: {
      topology: input.lab.topology,
      subnet,
      vip: input.lab.vip ?? defaultVip(subnet),
      advertIntS: input.lab.advertInt,
      controlPlanes: input.lab.controlPlanes,
      loadBalancers: input.lab.topology === "kube-vip" ? 0 : (input.lab.loadBalancers ?? 2),
      ...(input.lab.topology === "kube-vip" && {
        kubeVip: {
          leaseDurationMs: input.lab.kubeVip?.leaseDuration ?? 15_000,
          renewDeadlineMs: input.lab.kubeVip?.renewDeadline ?? 10_000,
          retryPeriodMs: input.lab.kubeVip?.retryPeriod ?? 2000,
          arpRateMs: input.lab.kubeVip?.arpRate ?? 3000,
        },
      }),
      ...(input.lab.config !== undefined && {
        config: {
          keepalived: asList(input.lab.config.keepalived),
          ...(input.lab.config.haproxy !== undefined && { haproxy: input.lab.config.haproxy }),
          ...(input.lab.config.baseline !== undefined && {
            baseline: { keepalived: asList(input.lab.config.baseline.keepalived), ...(input.lab.config.baseline.haproxy !== undefined && { haproxy: input.lab.config.baseline.haproxy }) },
          }),
        },
      }),
    },
    dns: input.dns,
    probes: {
      intervalMs: probes.interval,
      timeoutMs: probes.timeout,
      path: probes.path,
      expect: probes.expect ?? (HEALTH_PATHS.includes(probes.path) ? "ok" : "version"),
      stableMs: probes.stable,
      // A black-holed VIP keeps a timeout's worth of probes pending, and a probe's connection outlives
      // its timeout a little: with only 1× room, drills measured here skipped ~150 probes per outage.
      maxInFlight: probes.maxInFlight ?? Math.ceil((2 * probes.timeout) / probes.interval) + 16,
      keepAliveConnections: probes.keepAlive?.connections ?? 0,
      keepAliveIntervalMs: probes.keepAlive?.interval ?? 100,
    },
    fault: normaliseFault(input.fault),
    baselineMs: input.baseline,
    holdMs: input.hold,
    settleMs: input.settle,
    budgets: normaliseBudgets(budgets),
    ...(input.repeat !== undefined && { repeat: input.repeat }),
  };
});

export type ScenarioInput = z.input<typeof scenarioSchema>;

function normaliseFault(fault: z.output<typeof faultSchema>): FaultSpec {
  const base = { target: fault.target, selector: trySelector(fault.target)!, pick: fault.pick };
  switch (fault.type) {
    case "service-stop":
      return { type: fault.type, ...base, service: fault.service };
    case "link-down":
      return fault.interface === undefined ? { type: fault.type, ...base } : { type: fault.type, ...base, interface: fault.interface };
    case "backend-drain":
      return { type: fault.type, ...base, state: fault.state };
    case "node-kill":
    case "node-pause":
    case "apiserver-unhealthy":
      return { type: fault.type, ...base };
    case "static-pod-stop":
      return fault.manifest === undefined ? { type: fault.type, ...base } : { type: fault.type, ...base, manifest: fault.manifest };
    case "container-kill":
      return { type: fault.type, ...base, signal: fault.signal, ...(fault.container === undefined ? {} : { container: fault.container }) };
  }
}

function normaliseBudgets(budgets: z.output<typeof scenarioInput>["budgets"]): Budgets {
  const latency: Budgets["latency"] = {};
  for (const phase of LATENCY_PHASES) {
    const limits = Object.entries(budgets.latency[phase] ?? {}).filter(([, v]) => v !== undefined);
    if (limits.length > 0) latency[phase] = Object.fromEntries(limits);
  }
  const percentiles: NonNullable<Budgets["percentiles"]> = {};
  for (const figure of DISTRIBUTION_BUDGETS) {
    const value = budgets[figure];
    const limits = value === undefined ? undefined : percentileLimits(value);
    if (limits !== undefined) percentiles[figure] = limits;
  }
  const scalar = (value: number | Record<string, number> | undefined): number | undefined => (typeof value === "number" ? value : undefined);
  const failoverMs = scalar(budgets.failover);
  const outageMs = scalar(budgets.outage);
  const failbackMs = scalar(budgets.failback);
  const failedProbes = scalar(budgets.failedProbes);
  return {
    ...(failoverMs !== undefined && { failoverMs }),
    ...(outageMs !== undefined && { outageMs }),
    ...(failbackMs !== undefined && { failbackMs }),
    ...(failedProbes !== undefined && { failedProbes }),
    errorsAfterRecovery: budgets.errorsAfterRecovery,
    vipMove: budgets.vipMove,
    splitBrain: budgets.splitBrain,
    healthyAfterRestore: budgets.healthyAfterRestore,
    latency,
    ...(Object.keys(percentiles).length > 0 && { percentiles }),
  };
}

export { FAULT_TYPES };
