/**
 * `run --keepalived-conf FILE --haproxy-cfg FILE` (and a scenario's lab.config): the files read,
 * the lab sized from them, mapped onto its addresses, and checked by the daemons themselves in a
 * throwaway container of the lab's image — all before any lab is started. A file a daemon rejects,
 * or one that cannot be mapped, is a UsageError naming the file and line.
 */
import type Docker from "dockerode";
import { createHash } from "node:crypto";
import { UsageError } from "../../common/errors.js";
import { dockerRangeOf, intToIp, ipToInt, cidrContains, parseCidr } from "../../common/ipv4.js";
import { factsToAsk, labSizeFor, loadConfig, mapConfig, type ConfigPaths, type LabFacts, type LabLayout, type LoadedConfig, type MappedConfig } from "../../host-tools/config-mapping.js";
import { CHECK_COMMANDS, daemonVerdict } from "../../host-tools/daemon-check.js";
import type { RenderedConfig } from "../../host-tools/rendered-config.js";
import { parseHaproxyCfg } from "../../host-tools/haproxy-cfg.js";
import { haproxyChecksOf } from "../../host-tools/haproxy-checks.js";
import { parseKeepalivedConf, type ConfStatement } from "../../host-tools/keepalived-conf.js";
import { keepalivedSetupOf, vrrpInstanceFor, type VrrpInstanceConf } from "../../host-tools/keepalived-timings.js";
import type { KeepalivedSetup } from "../../model/keepalived.js";
import type { ConfigDaemon, ConfigUnderTest } from "../../model/config-under-test.js";
import type { Topology } from "../../model/host.js";
import type { Scenario } from "../../model/scenario.js";
import { withCheckContainer, type ConfigCheckNode } from "./config-check.js";
import { planLab } from "./docker-lab.js";
import { ensureNodeImage, type ProgressFn } from "./images.js";
import { HAPROXY_CFG, KEEPALIVED_CHECK, KEEPALIVED_CONF, renderBalancerFiles, type LabFile } from "./lab-files.js";
import type { LabPlan } from "./lab-plan.js";
import { HAPROXY_BACKEND, HAPROXY_SOCKET, labKeepalived } from "./lab-topology.js";

export interface LabConfigRequest {
  proposed: ConfigPaths;
  /** Today's configuration, drilled on the same lab beside the proposed one. */
  baseline?: ConfigPaths;
}

/** One configuration, ready for the lab's balancers. */
export interface PreparedConfig {
  /** Node id → its keepalived.conf and haproxy.cfg: the configuration's, the templates' for a daemon it leaves alone. */
  files: Map<string, LabFile[]>;
  record: ConfigUnderTest;
  /** Never in a report or a log line. */
  secrets: string[];
  /** The apiservers' backend by the file's name for it; undefined: the template's. */
  haproxyBackend?: string;
  /** The balancer the VIP settles on (the highest priority of the drilled VIP's instance). */
  master: string;
  /**
   * The timers the predicted windows come from, as the lab runs this configuration (its own where it
   * sets them, the templates' where it leaves them); undefined where they cannot be read from it.
   */
  timings?: KeepalivedSetup;
}

export interface PreparedLab {
  plan: LabPlan;
  proposed: PreparedConfig;
  baseline?: PreparedConfig;
}

const DAEMON_PATHS: Record<ConfigDaemon, string> = { keepalived: KEEPALIVED_CONF, haproxy: HAPROXY_CFG };
/** Further production VIPs get the addresses after the drilled one. */
const SPARE_VIPS = 4;

/** The request of a scenario's lab.config, or of the command line (which wins). */
export function configRequestOf(scenario: Scenario, flags: { keepalived?: string[]; haproxy?: string; baselineKeepalived?: string[]; baselineHaproxy?: string }): LabConfigRequest | undefined {
  const fromFlags = (flags.keepalived?.length ?? 0) > 0 || flags.haproxy !== undefined;
  const fromFlagsBaseline = (flags.baselineKeepalived?.length ?? 0) > 0 || flags.baselineHaproxy !== undefined;
  if (fromFlagsBaseline && !fromFlags && scenario.lab.config === undefined) {
    throw new UsageError("VIPDRILL_USAGE", "--baseline-keepalived-conf/--baseline-haproxy-cfg: expected --keepalived-conf or --haproxy-cfg beside them (today's configuration is drilled beside a proposed one)");
  }
  const config = scenario.lab.config;
  const proposed: ConfigPaths | undefined = fromFlags
    ? { keepalived: flags.keepalived ?? [], ...(flags.haproxy !== undefined && { haproxy: flags.haproxy }) }
    : config && { keepalived: config.keepalived, ...(config.haproxy !== undefined && { haproxy: config.haproxy }) };
  if (!proposed) return undefined;
  if (scenario.lab.topology !== "haproxy-keepalived") {
    throw new UsageError("VIPDRILL_USAGE", `${scenario.name}: a Keepalived/HAProxy configuration needs lab.topology haproxy-keepalived, got ${scenario.lab.topology}`);
  }
  const baseline: ConfigPaths | undefined = fromFlagsBaseline
    ? { keepalived: flags.baselineKeepalived ?? [], ...(flags.baselineHaproxy !== undefined && { haproxy: flags.baselineHaproxy }) }
    : config?.baseline;
  return { proposed, ...(baseline && { baseline }) };
}

/** The files read and the lab sized to them: what preparing needs before any daemon is asked. */
interface LoadedLab {
  proposed: LoadedConfig;
  baseline: LoadedConfig | undefined;
  sized: LabPlan;
  sizing: string[];
  templates: Map<string, LabFile[]>;
  asks: { commands: string[]; users: string[] };
}

async function loadLab(scenario: Scenario, labName: string, request: LabConfigRequest): Promise<LoadedLab> {
  const proposed = await loadConfig(request.proposed);
  const baseline = request.baseline ? await loadConfig(request.baseline) : undefined;
  const base = planLab(scenario.lab, scenario.dns, labName);
  const size = labSizeFor(proposed, scenario.lab, base.port);
  const sized = planLab({ ...scenario.lab, controlPlanes: size.controlPlanes, loadBalancers: size.loadBalancers }, scenario.dns, labName);
  refuseMissingTarget(scenario, sized);
  // What a configuration leaves to the templates is the templates': relabelling between two puts every file back.
  const templates = await renderBalancerFiles(sized);
  const asks = mergeAsks(factsToAsk(proposed), baseline ? factsToAsk(baseline) : { commands: [], users: [] });
  return { proposed, baseline, sized, sizing: size.sizing, templates, asks };
}

/** Map both configurations onto the sized lab, each checked by `check`; the lab starts with today's where there is one. */
async function assembleLab(loaded: LoadedLab, facts: LabFacts, check: (mapped: MappedConfig, config: LoadedConfig) => Promise<ConfigUnderTest["checks"]>): Promise<PreparedLab> {
  const { sized, templates } = loaded;
  const layout = layoutOf(sized);
  const prepare = async (config: LoadedConfig, role: ConfigUnderTest["role"], sizing: string[]): Promise<PreparedConfig> => {
    const mapped = mapConfig(config, layout, facts, role, sizing);
    return preparedOf(mapped, { ...mapped.record, checks: await check(mapped, config) }, sized, templates);
  };
  const proposedConfig = await prepare(loaded.proposed, "proposed", loaded.sizing);
  const baselineConfig = loaded.baseline ? await prepare(loaded.baseline, "baseline", [`sized for the proposed configuration: ${loaded.sizing.join("; ")}`]) : undefined;
  // The lab starts with today's configuration where there is one: it is drilled first.
  const first = baselineConfig ?? proposedConfig;
  const plan: LabPlan = {
    ...sized,
    master: first.master,
    ...(first.haproxyBackend !== undefined && { haproxyBackend: first.haproxyBackend }),
    configSha256: sha256Of(first),
  };
  return { plan, proposed: proposedConfig, ...(baselineConfig && { baseline: baselineConfig }) };
}

/**
 * Read, size, map and check. The plan is the scenario's lab sized to the proposed files; both
 * configurations are mapped onto it and checked by the daemons before anything is started.
 */
export async function prepareLabConfig(docker: Docker, scenario: Scenario, labName: string, request: LabConfigRequest, progress: ProgressFn): Promise<PreparedLab> {
  const loaded = await loadLab(scenario, labName, request);
  const image = await ensureNodeImage(docker, progress);
  progress(`checking ${request.proposed.keepalived.concat(request.proposed.haproxy ?? []).join(", ")} with the daemons themselves`);
  return withCheckContainer(docker, image, labName, async (node) => {
    const facts = await node.facts(loaded.asks);
    // The lab's check script where the rendered files expect it (keepalived -t disables a track script it cannot find).
    await node.put([...loaded.templates.values()].flat().filter((f) => f.path === KEEPALIVED_CHECK).slice(0, 1));
    return assembleLab(loaded, facts, (mapped, config) => checkRendered(node, mapped, config));
  });
}

/**
 * The same without an engine, for `plan`: the lab as the files size it and the timers the windows
 * come from. Nothing is asked of a node, so every command and user the files name counts as there,
 * and no daemon checks them (`run` does, before the lab starts).
 */
export async function planLabConfig(scenario: Scenario, labName: string, request: LabConfigRequest): Promise<PreparedLab> {
  const loaded = await loadLab(scenario, labName, request);
  return assembleLab(loaded, { commands: new Set(loaded.asks.commands), users: new Set(loaded.asks.users) }, () => Promise.resolve([]));
}

/**
 * The lab's topology as a drill on this configuration sees it: the windows from its timers, or none
 * (never the templates' for a file that sets its own), the configuration named, its backend.
 */
export function topologyWithConfig(topology: Topology, config: PreparedConfig): Topology {
  const { keepalived: _templates, ...rest } = topology;
  return {
    ...rest,
    ...(config.timings && { keepalived: config.timings }),
    configuration: config.record,
    haproxy: { ...topology.haproxy, backend: config.haproxyBackend ?? HAPROXY_BACKEND },
  };
}

/** The lab's side of the mapping, from its plan. */
function layoutOf(plan: LabPlan): LabLayout {
  const subnet = parseCidr(plan.subnet)!;
  const range = dockerRangeOf(subnet);
  const broadcast = subnet.network + subnet.size - 1;
  const spares: string[] = [];
  for (let a = ipToInt(plan.vip)! + 1; a < broadcast && spares.length < SPARE_VIPS; a++) {
    const address = intToIp(a);
    if (!cidrContains(range, address) && !plan.nodes.some((n) => n.address === address)) spares.push(address);
  }
  const nodes = (role: string): Array<{ id: string; address: string }> =>
    plan.nodes.filter((n) => n.role === role).map((n) => ({ id: n.id, address: n.address }));
  return {
    balancers: nodes("load-balancer"),
    controlPlanes: nodes("control-plane"),
    vips: [plan.vip, ...spares],
    prefix: subnet.prefix,
    interface: plan.interface,
    port: plan.port,
    checkScript: KEEPALIVED_CHECK,
    haproxySocket: HAPROXY_SOCKET,
  };
}

/** A scenario's fault on a host the sized lab does not have is refused now, not at the fault. */
function refuseMissingTarget(scenario: Scenario, plan: LabPlan): void {
  const selector = scenario.fault.selector;
  if (selector.kind !== "host" || plan.nodes.some((n) => n.id === selector.id)) return;
  throw new UsageError(
    "VIPDRILL_UNKNOWN_HOST",
    `${scenario.file}: fault.target: expected a host of the lab sized from the configuration (${plan.nodes.map((n) => n.id).join(", ")}), got ${selector.id}`,
  );
}

const mergeAsks = (a: { commands: string[]; users: string[] }, b: { commands: string[]; users: string[] }): { commands: string[]; users: string[] } => ({
  commands: [...new Set([...a.commands, ...b.commands])],
  users: [...new Set([...a.users, ...b.users])],
});

/**
 * Each rendered file checked by its daemon where the lab will have it: a rejection is a UsageError
 * with the daemon's words, file and line; what it says of a file it accepts comes back as warnings.
 */
async function checkRendered(node: ConfigCheckNode, mapped: MappedConfig, config: LoadedConfig): Promise<string[]> {
  // The balancers often share a rendering (haproxy.cfg): each distinct one is checked once, all at once, each at a path of its own beside the real one.
  const distinct = new Map<string, { daemon: ConfigDaemon; rendered: RenderedConfig }>();
  for (const files of mapped.perNode.values()) for (const f of files) distinct.set(f.rendered.text, f);
  const verdicts = await Promise.all(
    [...distinct.values()].map(async ({ daemon, rendered }, i) => {
      const path = DAEMON_PATHS[daemon].replace(/(\.\w+)$/, `.vipdrill-check-${i}$1`);
      await node.put([{ path, mode: 0o644, content: rendered.text }]);
      const fallback = { file: config.files.find((f) => f.daemon === daemon)?.path ?? path, line: 0 };
      return daemonVerdict(daemon, await node.run(CHECK_COMMANDS[daemon](path)), path, rendered, mapped.secrets, fallback);
    }),
  );
  const rejected = [...new Set(verdicts.filter((v) => !v.accepted).flatMap((v) => v.lines))];
  if (rejected.length > 0) throw new UsageError("VIPDRILL_CONFIG_REJECTED", rejected.join("\n"));
  return [...new Set(verdicts.flatMap((v) => v.lines))];
}

function preparedOf(mapped: MappedConfig, record: ConfigUnderTest, plan: LabPlan, templates: ReadonlyMap<string, readonly LabFile[]>): PreparedConfig {
  const files = new Map<string, LabFile[]>();
  for (const [node, balancerTemplates] of templates) {
    const own = (mapped.perNode.get(node) ?? []).map(({ daemon, rendered: r }) => ({ path: DAEMON_PATHS[daemon], mode: 0o644, content: r.text }));
    const left = balancerTemplates.filter((t) => Object.values(DAEMON_PATHS).includes(t.path) && !own.some((f) => f.path === t.path));
    files.set(node, [...own, ...left]);
  }
  const master = intendedMaster(files, plan);
  const source = `${record.role === "baseline" ? "today's" : "the proposed"} ${record.files.map((f) => f.path).join(", ")}`;
  const timings = timingsOf(files, { ...plan, ...(mapped.haproxyBackend !== undefined && { haproxyBackend: mapped.haproxyBackend }) }, master, source);
  return {
    files,
    record,
    secrets: mapped.secrets,
    ...(mapped.haproxyBackend !== undefined && { haproxyBackend: mapped.haproxyBackend }),
    master,
    ...(timings && { timings }),
  };
}

/** The timers of the configuration as each balancer gets it, the master first; the templates' for a daemon it leaves alone. */
function timingsOf(files: ReadonlyMap<string, readonly LabFile[]>, plan: LabPlan, master: string, source: string): KeepalivedSetup | undefined {
  const templates = labKeepalived(plan);
  const balancers = plan.nodes.filter((n) => n.role === "load-balancer").map((n) => n.id).sort((a, b) => (a === master ? -1 : b === master ? 1 : 0));
  const fileOf = (id: string, path: string): LabFile | undefined => files.get(id)?.find((f) => f.path === path);
  let setup: KeepalivedSetup = templates;
  if (balancers.some((id) => fileOf(id, KEEPALIVED_CONF))) {
    const instances = balancers.map((hostId) => {
      const statements = parseKeepalivedConf(fileOf(hostId, KEEPALIVED_CONF)?.content ?? "", `${hostId}:${KEEPALIVED_CONF}`);
      const instance = vrrpInstanceFor(statements, plan.vip);
      return typeof instance === "string" ? undefined : { hostId, instance: withLabCheck(instance, statements) };
    });
    if (instances.some((i) => i === undefined)) return undefined;
    setup = keepalivedSetupOf(instances as Array<NonNullable<(typeof instances)[number]>>, templates.common.haproxy, source) ?? templates;
  }
  const haproxy = balancers[0] === undefined ? undefined : fileOf(balancers[0], HAPROXY_CFG);
  const checks = haproxy && haproxyChecksOf(parseHaproxyCfg(haproxy.content, HAPROXY_CFG), plan.haproxyBackend ?? HAPROXY_BACKEND);
  return { ...setup, common: { ...setup.common, ...(checks && { haproxy: checks }) }, source };
}

/** A tracked script the lab replaced with its own check goes through the balancer's HAProxy: the windows know what its failing means. */
function withLabCheck(instance: VrrpInstanceConf, statements: readonly ConfStatement[]): VrrpInstanceConf {
  if (!instance.script) return instance;
  const name = instance.script.name;
  const script = statements.find((s) => s.words[0] === "vrrp_script" && s.words[1] === name)?.block?.find((s) => s.words[0] === "script")?.words[1];
  return script === KEEPALIVED_CHECK ? { ...instance, script: { ...instance.script, checks: "haproxy" } } : instance;
}

/** The balancer with the highest priority in the drilled VIP's instance (ties: the first); the first balancer where no file says. */
function intendedMaster(files: ReadonlyMap<string, readonly LabFile[]>, plan: LabPlan): string {
  const balancers = plan.nodes.filter((n) => n.role === "load-balancer").map((n) => n.id);
  let best: { id: string; priority: number } | undefined;
  for (const id of balancers) {
    const conf = files.get(id)?.find((f) => f.path === KEEPALIVED_CONF);
    if (!conf) continue;
    const instance = parseKeepalivedConf(conf.content).find(
      (s) => s.words[0] === "vrrp_instance" && (s.block ?? []).some((b) => b.words[0] === "virtual_ipaddress" && (b.block ?? []).some((v) => v.words[0]?.split("/")[0] === plan.vip)),
    );
    const priority = Number(instance?.block?.find((b) => b.words[0] === "priority")?.words[1] ?? 100);
    if (best === undefined || priority > best.priority) best = { id, priority };
  }
  return best?.id ?? balancers[0] ?? "lb-1";
}

/** What a running lab must have been given to be reused: every file of the configuration it starts with. */
function sha256Of(config: PreparedConfig): string {
  const hash = createHash("sha256");
  for (const [node, files] of [...config.files].sort(([a], [b]) => a.localeCompare(b))) for (const f of files) hash.update(`${node}\0${f.path}\0${f.content}\0`);
  return hash.digest("hex");
}
