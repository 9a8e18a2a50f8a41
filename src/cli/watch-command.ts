import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { MonotonicClock } from "../common/clock.js";
import { LabError, UsageError, errorMessage } from "../common/errors.js";
import { durationMs } from "../common/duration.js";
import { listenForMarks, markSocketPath, sendMark } from "../engine/mark-channel.js";
import { Safety } from "../engine/safety.js";
import { runWatch, type WatchProbes } from "../engine/watch.js";
import { loadInventory } from "../inventory/load.js";
import type { Topology } from "../model/host.js";
import { Timeline } from "../model/timeline.js";
import { writeReport } from "../report/report.js";
import { buildWatchReport } from "../report/watch-report.js";
import { renderSummary } from "../report/summary.js";
import { liveDrillProgress } from "../report/terminal.js";
import { inventoryTopology } from "../targets/ssh/inventory-topology.js";
import { SshPool } from "../targets/ssh/ssh-pool.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

export interface WatchFlags {
  inventory?: string;
  endpoint?: string;
  ca?: string;
  insecure?: boolean;
  dns?: string;
  duration?: string;
  interval: string;
  timeout: string;
  path: string;
  keepAlive: string;
  reports: string;
  progress: boolean;
  acceptNewHostKeys?: boolean;
}

const HEALTH_PATHS = ["/healthz", "/livez", "/readyz"];

/** A duration flag ("10ms", "1h") in ms; a one-line usage error naming the flag otherwise. */
function flagMs(flag: string, text: string): number {
  const parsed = durationMs.safeParse(text);
  if (!parsed.success || !(parsed.data > 0)) throw new UsageError("VIPDRILL_USAGE", `--${flag}: expected a duration more than 0 such as 250ms, 5s or 1h, got ${JSON.stringify(text)}`);
  return parsed.data;
}

/** `--endpoint https://192.0.2.10:6443` → the VIP and port; `--dns` names the SNI (default: the VIP). */
async function endpointTopology(flags: WatchFlags): Promise<Topology> {
  const url = /^https:\/\/(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?\/?$/.exec(flags.endpoint ?? "");
  if (!url) throw new UsageError("VIPDRILL_USAGE", `--endpoint: expected https://VIP:PORT with an IPv4 VIP such as https://192.0.2.10:6443, got ${JSON.stringify(flags.endpoint)}`);
  if ((flags.ca === undefined) === !flags.insecure) throw new UsageError("VIPDRILL_USAGE", "--endpoint needs exactly one of --ca FILE (the CA that signed the apiserver's certificate) and --insecure");
  let caPem: string | undefined;
  if (flags.ca !== undefined) {
    caPem = await readFile(flags.ca, "utf8").catch((error: unknown) => {
      throw new UsageError("VIPDRILL_USAGE", `--ca ${flags.ca}: cannot read it (${errorMessage(error)})`);
    });
    if (!caPem.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError("VIPDRILL_USAGE", `--ca ${flags.ca}: expected a PEM certificate, got none in the file`);
  }
  const vip = url[1]!;
  return {
    kind: "inventory",
    name: flags.endpoint!,
    hosts: [],
    endpoint: { vip, port: url[2] === undefined ? 443 : Number(url[2]), dns: flags.dns ?? vip, ...(caPem === undefined ? {} : { caPem }) },
    haproxy: { socket: "/run/haproxy/admin.sock", backend: "kube-apiservers" },
    vipManager: "keepalived",
  };
}

/**
 * `vipdrill watch`: the probes and observers of a drill, with no fault, while a change happens —
 * until Ctrl-C or --duration. Marks (a line typed on the watch's terminal, or `vipdrill mark` from
 * another shell) land on the timeline; the report gives every outage window with its ±.
 */
export async function watchCommand(flags: WatchFlags): Promise<ExitCode> {
  if ((flags.inventory === undefined) === (flags.endpoint === undefined)) {
    throw new UsageError("VIPDRILL_USAGE", "watch needs exactly one of --inventory FILE (probe the VIP and watch its hosts) and --endpoint https://VIP:PORT (probe only)");
  }
  const intervalMs = flagMs("interval", flags.interval);
  const timeoutMs = flagMs("timeout", flags.timeout);
  if (intervalMs >= timeoutMs) throw new UsageError("VIPDRILL_USAGE", `--interval (${flags.interval}) must be less than --timeout (${flags.timeout})`);
  const keepAlive = Number(flags.keepAlive);
  if (!Number.isInteger(keepAlive) || keepAlive < 0 || keepAlive > 32) throw new UsageError("VIPDRILL_USAGE", `--keep-alive: expected 0 to 32 connections, got ${JSON.stringify(flags.keepAlive)}`);
  const probes: WatchProbes = {
    intervalMs,
    timeoutMs,
    path: flags.path,
    expect: HEALTH_PATHS.includes(flags.path) ? "ok" : "version",
    maxInFlight: Math.ceil((2 * timeoutMs) / intervalMs) + 16,
    keepAliveConnections: keepAlive,
    keepAliveIntervalMs: 100,
  };
  const durationLimitMs = flags.duration === undefined ? undefined : flagMs("duration", flags.duration);

  let pool: SshPool | undefined;
  let topology: Topology;
  if (flags.inventory !== undefined) {
    const inventory = await loadInventory(flags.inventory);
    pool = new SshPool(inventory, { acceptNewHostKeys: flags.acceptNewHostKeys ?? false });
    const connected = pool;
    topology = inventoryTopology(inventory, (id) => connected.transport(id), () => connected.close());
    process.stderr.write(`connecting to ${inventory.hosts.length} hosts of inventory "${inventory.name}"…\n`);
    await pool.connectEvery();
  } else {
    topology = await endpointTopology(flags);
  }

  const clock = new MonotonicClock();
  const timeline = new Timeline();
  const startedAt = new Date(clock.originEpochMs);
  const safety = new Safety().install();
  const mark = (text: string, source: "keyboard" | "command"): number => {
    const atMs = clock.nowMs();
    timeline.append({ type: "mark", atMs, text, source });
    return atMs;
  };
  const socketPath = markSocketPath();
  const marks = await listenForMarks(socketPath, (text) => mark(text, "command"));
  const keyboard = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  keyboard?.on("line", (line) => mark(line.trim() || "mark", "keyboard"));
  const live = liveDrillProgress(timeline, () => clock.nowMs(), process.stderr, flags.progress);
  // Said once the probes run, not before: a change made while the observers connect would go unseen.
  const watching = (): void => {
    process.stderr.write(
      `watching https://${topology.endpoint.vip}:${topology.endpoint.port}${probes.path} every ${flags.interval}` +
        `${topology.hosts.length > 0 ? ` and ${topology.hosts.length} hosts` : ""}: Ctrl-C ends it; ` +
        `${keyboard ? "type a note and Enter to mark the timeline, or " : ""}\`vipdrill mark "what you did"\` from another shell\n`,
    );
    live.setPhase("watch");
  };
  let outcome;
  try {
    outcome = await runWatch({
      topology,
      timeline,
      clock,
      probes,
      signal: safety.signal,
      ...(durationLimitMs === undefined ? {} : { durationMs: durationLimitMs }),
      onWatching: watching,
      onNoAnswer: (message) => process.stderr.write(`\n${message}\n`),
    });
  } finally {
    live.stop();
    keyboard?.close();
    await marks.close();
    safety.uninstall();
    await pool?.close();
  }
  const report = buildWatchReport({
    topology,
    events: timeline.events,
    probes: timeline.probeColumns("fresh"),
    probeSpec: probes,
    startedAt,
    endMs: outcome.endMs,
    error: outcome.error ? { code: outcome.error.code, message: outcome.error.message } : undefined,
    vipTimePrecisionMs: outcome.vipTimePrecisionMs,
    answered: outcome.answered,
  });
  const dir = await writeReport(report, flags.reports);
  process.stdout.write(`${renderSummary(report, process.stdout)}\nreport: ${dir}/report.json\n`);
  if (outcome.error) throw outcome.error;
  if (!outcome.answered) {
    throw new LabError("VIPDRILL_ENDPOINT_SILENT", `https://${topology.endpoint.vip}:${topology.endpoint.port}${probes.path} never answered during the watch: is the VIP right, and the endpoint reachable from here?`);
  }
  return EXIT.pass;
}

/** `vipdrill mark TEXT`: put a mark on the running watch's timeline. */
export async function markCommand(text: string): Promise<ExitCode> {
  const at = await sendMark(markSocketPath(), text);
  process.stdout.write(`marked "${text}" at ${at}\n`);
  return EXIT.pass;
}
