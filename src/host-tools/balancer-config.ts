/**
 * Each load balancer's Keepalived and HAProxy configuration where it really is (README "Real
 * hosts"): the inventory's per-host override, else what the running daemons were started with
 * (daemon-processes.ts), else the daemons' defaults; HAProxy's runtime socket from the admin-level
 * `stats socket` line of the files it reads. Every answer says how it was found.
 */
import type { ExecTransport, Host, Topology } from "../model/host.js";
import { firstOfEach, haproxyConfigsOf, keepalivedConfOf, listDaemonProcesses, KEEPALIVED_DEFAULT_CONF, type DaemonProcess } from "./daemon-processes.js";
import { parseHaproxyCfg, type HaproxyLine } from "./haproxy-cfg.js";
import { adminSocket } from "./haproxy-stats-socket.js";
import { ConfReadError, hostConfSource } from "./host-conf-source.js";
import { loadKeepalivedConf, type LoadedConf } from "./keepalived-conf.js";

/** A path and how vipdrill came by it ("inventory override (hosts[].haproxySocket)", "from keepalived's -f …"). */
export interface FoundPath {
  path: string;
  how: string;
}

export interface BalancerConfig {
  keepalivedConf: FoundPath;
  /** That file read, its includes followed; or why it cannot be (bad input: one line naming the path and how it was found). */
  keepalived: { loaded: LoadedConf } | { error: string };
  /** The files HAProxy reads, parsed; an error when they cannot be read; undefined with no HAProxy running. */
  haproxy: { files: string[]; lines: HaproxyLine[]; how: string } | { error: string } | undefined;
  /** HAProxy's runtime socket, or why none will do (bad input: not admin level, unreadable configuration). */
  socket: FoundPath | { error: string };
}

const READ_TIMEOUT_MS = 10_000;

/** Per connection to a real host, what was found (asked again after a failure, or while a daemon was not running). */
const found = new WeakMap<ExecTransport, Promise<BalancerConfig>>();

/**
 * What one balancer's daemons read, asked once per connection to a real host: the checks of a
 * preflight share it. A lab's is asked each time, since a lab's configuration is changed between
 * drills (a proposed configuration, a sweep).
 */
export function balancerConfig(host: Host, topology: Topology): Promise<BalancerConfig> {
  if (topology.kind === "lab") return findBalancerConfig(host, topology);
  const transport = host.transport;
  const known = found.get(transport);
  if (known) return known;
  const finding = findBalancerConfig(host, topology);
  found.set(transport, finding);
  finding.then(
    (config) => {
      // A daemon not running yet (a lab still booting) may be found later.
      if (config.keepalivedConf.how.startsWith("default: no") || config.haproxy === undefined) found.delete(transport);
    },
    () => found.delete(transport),
  );
  return finding;
}

async function findBalancerConfig(host: Host, topology: Topology): Promise<BalancerConfig> {
  const listed = await listDaemonProcesses(host, READ_TIMEOUT_MS);
  const processes = typeof listed === "string" ? {} : firstOfEach(listed);
  const missing = (daemon: string): string => (typeof listed === "string" ? listed : `no ${daemon} process is running`);
  const keepalivedConf: FoundPath =
    host.keepalivedConf !== undefined
      ? { path: host.keepalivedConf, how: "inventory override (hosts[].keepalivedConf)" }
      : processes.keepalived
        ? keepalivedConfOf(processes.keepalived)
        : { path: KEEPALIVED_DEFAULT_CONF, how: `default: ${missing("keepalived")}` };
  const [keepalived, haproxy] = await Promise.all([readKeepalivedConf(host, keepalivedConf), processes.haproxy ? readHaproxyConfig(host, processes.haproxy) : undefined]);
  return { keepalivedConf, keepalived, haproxy, socket: givenSocket(host, topology) ?? socketOf(topology, haproxy, missing("haproxy")) };
}

const hostSource = (host: Host) => hostConfSource((argv) => host.transport.exec(argv, { timeoutMs: READ_TIMEOUT_MS }));

async function readKeepalivedConf(host: Host, conf: FoundPath): Promise<BalancerConfig["keepalived"]> {
  try {
    return { loaded: await loadKeepalivedConf(conf.path, hostSource(host)) };
  } catch (error) {
    if (!(error instanceof ConfReadError)) throw error;
    return { error: `cannot read ${conf.path} (${conf.how}): ${error.message}; expected a keepalived.conf vipdrill can read (set hosts[].keepalivedConf)` };
  }
}

async function readHaproxyConfig(host: Host, process: DaemonProcess): Promise<BalancerConfig["haproxy"]> {
  const configs = haproxyConfigsOf(process);
  const given = configs.map((c) => `-f ${c}`).join(" ");
  if (configs.length === 0) return { error: `haproxy (pid ${process.pid}) was started without -f: its configuration cannot be found` };
  const source = hostSource(host);
  try {
    const files = (await Promise.all(configs.map((c) => source.configFiles(c)))).flat();
    const texts = await Promise.all(files.map((f) => source.read(f)));
    return { files, lines: texts.flatMap((text, i) => parseHaproxyCfg(text, files[i]!)), how: `haproxy's ${given}` };
  } catch (error) {
    if (!(error instanceof ConfReadError)) throw error;
    return { error: `cannot read haproxy's configuration (${given}): ${error.message}` };
  }
}

/** The socket the inventory or the lab names for this balancer, with no need to ask it; undefined where it must be found. */
export function givenSocket(host: Host, topology: Topology): FoundPath | undefined {
  if (host.haproxySocket !== undefined) return { path: host.haproxySocket, how: "inventory override (hosts[].haproxySocket)" };
  const { socket, socketGiven } = topology.haproxy;
  if (socketGiven === "inventory") return { path: socket, how: "the inventory's haproxy.socket" };
  if (socketGiven === "lab") return { path: socket, how: "the lab's template" };
  return undefined;
}

function socketOf(topology: Topology, haproxy: BalancerConfig["haproxy"], missing: string): BalancerConfig["socket"] {
  const { socket } = topology.haproxy;
  if (haproxy === undefined) return { path: socket, how: `default: ${missing}` };
  if ("error" in haproxy) return haproxy;
  const chosen = adminSocket(haproxy.lines, haproxy.files);
  if (typeof chosen === "string") return { error: chosen };
  const where = haproxy.files.length === 1 && chosen.file === haproxy.files[0] ? `line ${chosen.line}` : `at ${chosen.file}:${chosen.line}`;
  return { path: chosen.path, how: `from ${haproxy.how}, stats socket ${where}` };
}

/** "path (how)" or the error, for plan and preflight lines. */
export const describeFound = (found: FoundPath | { error: string }): string => ("error" in found ? found.error : `${found.path} (${found.how})`);

/**
 * Where a balancer's socket and keepalived.conf will come from, as a plan can say it without
 * asking the host: what the inventory or the lab gives, else what preflight will find.
 */
export function plannedConfigPaths(host: Host, topology: Topology): string {
  const { socket, socketGiven } = topology.haproxy;
  const socketText =
    host.haproxySocket !== undefined
      ? `${host.haproxySocket} (inventory override)`
      : socketGiven === "inventory"
        ? `${socket} (the inventory's haproxy.socket)`
        : socketGiven === "lab"
          ? `${socket} (the lab's template)`
          : `the admin-level stats socket of the files the running haproxy reads, found at preflight (else ${socket})`;
  const confText =
    host.keepalivedConf !== undefined
      ? `${host.keepalivedConf} (inventory override)`
      : topology.kind === "lab"
        ? `${KEEPALIVED_DEFAULT_CONF} (${topology.configuration?.files.some((f) => f.daemon === "keepalived") ? "the proposed file, mapped" : "the lab's template"})`
        : `the running keepalived's -f, found at preflight (else ${KEEPALIVED_DEFAULT_CONF})`;
  return `HAProxy socket ${socketText}; keepalived.conf ${confText}`;
}
