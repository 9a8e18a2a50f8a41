/**
 * `vipdrill sweep --set KEY=V1,V2,… [--set …] scenario [--repeat N]` (README "Sweeps"): every
 * combination of the settings drilled on one lab — the balancers' files rewritten, Keepalived
 * restarted and HAProxy reloaded between combinations, the lab steady with the VIP on its master
 * before each drill — then a table and plots of each figure against the setting, with the window
 * the settings predict beside the measured failover.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { MonotonicClock } from "../common/clock.js";
import { UsageError, VipdrillError } from "../common/errors.js";
import { reconfigureBalancers, type BalancerFile } from "../engine/reconfigure.js";
import { LAB_READINESS, vipHolders } from "../engine/readiness.js";
import { Safety } from "../engine/safety.js";
import { CHECK_COMMANDS, daemonVerdict } from "../host-tools/daemon-check.js";
import { parseHaproxyCfg } from "../host-tools/haproxy-cfg.js";
import { parseKeepalivedConf } from "../host-tools/keepalived-conf.js";
import { renderKeepalivedConf } from "../host-tools/keepalived-render.js";
import type { RenderedConfig } from "../host-tools/rendered-config.js";
import { applyToHaproxy, applyToKeepalived } from "../host-tools/sweep-apply.js";
import { combinationProblem, combinationsOf, combinationSlug, combinationText, parseSweepSets, timingsWith, type SweepCombination } from "../host-tools/sweep-settings.js";
import type { ConfigUnderTest } from "../model/config-under-test.js";
import { hostsWithRole, type Host, type Topology } from "../model/host.js";
import { reportDirFor } from "../report/report-dir.js";
import type { Report } from "../report/report-types.js";
import { progressPrinter } from "../report/terminal.js";
import { sweepHtml, sweepMarkdown, sweepTerminal } from "../report/sweep/sweep-render.js";
import { sweepEntryOf, type SweepReport } from "../report/sweep/sweep-report.js";
import { packageVersion } from "../common/package-version.js";
import { loadScenario } from "../scenario/load.js";
import { DockerLabProvider, planLab, type StartedLab } from "../targets/docker/docker-lab.js";
import { HAPROXY_CFG, KEEPALIVED_CONF } from "../targets/docker/lab-files.js";
import { planConfiguredLab, type ConfigFlags } from "./configured-lab.js";
import { connectOrSetUpEngine } from "./engine-setup.js";
import { EXIT, exitCodeOf, worstOf, type ExitCode } from "./exit-codes.js";
import { parseRepeat } from "./repeat-run.js";
import { reportError } from "./report-error.js";
import { drillAndWrite } from "./run-command.js";

export interface SweepOptions {
  set: string[];
  repeat?: string;
  labName: string;
  reports: string;
  keepLab?: boolean;
  progress: boolean;
  config?: ConfigFlags;
}

/** Where a balancer's daemons read their files, in the lab. */
const PATHS = { keepalived: KEEPALIVED_CONF, haproxy: HAPROXY_CFG } as const;
/** Staged here for the daemon's own check before the combination replaces the running file. */
const STAGED = { keepalived: "/run/vipdrill/sweep/keepalived.conf", haproxy: "/run/vipdrill/sweep/haproxy.cfg" } as const;
const RECONFIGURE_TIMEOUT_MS = 90_000;

export async function sweepCommand(file: string, options: SweepOptions): Promise<ExitCode> {
  // Everything the user typed is checked before anything starts.
  const axes = parseSweepSets(options.set);
  const combinations = combinationsOf(axes);
  const problems = combinations.flatMap((c) => combinationProblem(c) ?? []);
  if (problems.length > 0) throw new UsageError("VIPDRILL_SWEEP_INVALID", [...new Set(problems)].join("\n"));
  const repeat = options.repeat === undefined ? undefined : parseRepeat(options.repeat);
  const scenario = await loadScenario(file);
  if (scenario.lab.topology !== "haproxy-keepalived") throw new UsageError("VIPDRILL_SWEEP_INVALID", `sweep: ${scenario.name} runs on topology ${scenario.lab.topology}: the settings vipdrill sweeps are Keepalived's and HAProxy's (topology haproxy-keepalived)`);

  const docker = await connectOrSetUpEngine();
  const progress = progressPrinter(process.stderr);
  const configured = await planConfiguredLab(docker, scenario, options, progress);
  if (configured?.prepared.baseline) throw new UsageError("VIPDRILL_USAGE", "sweep: a baseline configuration is drilled beside a proposed one by `vipdrill run`; a sweep varies one configuration");
  const plan = configured?.prepared.plan ?? planLab(scenario.lab, scenario.dns, options.labName);
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  const safety = new Safety().install();
  const started = performance.now();
  const startedAt = new Date();
  const sweepDir = reportDirFor(options.reports, startedAt.toISOString(), `sweep-${scenario.name}`);
  const report: SweepReport = { vipdrill: packageVersion(), scenario: { name: scenario.name, file: scenario.file }, startedAt: startedAt.toISOString(), lab: plan.name, keys: axes.map((a) => a.key), repeat: repeat ?? scenario.repeat ?? 1, entries: [], notDrilled: [], wallMs: 0 };
  const codes: ExitCode[] = [];
  let lab: StartedLab | undefined;
  let base: Map<string, Partial<Record<keyof typeof PATHS, string>>> | undefined;
  try {
    const upClock = new MonotonicClock();
    lab = await provider.up(plan, { owner: options.keepLab ? "lab-up" : `run:${process.pid}`, reuse: true, progress, signal: safety.signal, ...(configured && { files: configured.startsWith.files }) });
    progress.done();
    if (lab.created) process.stderr.write(`lab "${plan.name}" healthy in ${(upClock.nowMs() / 1000).toFixed(1)} s\n`);
    const topology = lab.topology;
    const master = (await vipHolders(topology))[0] ?? null;
    base = await readBalancerFiles(topology);
    const record: ConfigUnderTest = configured?.startsWith.record ?? { role: "lab", files: [], mapping: [], unmapped: [], sizing: [], checks: [], overrides: [] };
    const timings = configured ? configured.startsWith.timings : topology.keepalived;
    for (const [index, combination] of combinations.entries()) {
      const { files, implied } = combinationFiles(base, combination, plan.port);
      await checkOnBalancer(hostsWithRole(topology.hosts, "load-balancer")[0]!, files, configured?.startsWith.secrets ?? []);
      process.stderr.write(`\n[${index + 1}/${combinations.length}] ${combinationText(combination)}\n`);
      const ms = await reconfigureBalancers(topology, files, { master, settleMs: settleMsFor(combination), timeoutMs: RECONFIGURE_TIMEOUT_MS, signal: safety.signal, progress });
      progress.done();
      process.stderr.write(`the balancers run ${combinationText(combination)} (steady again after ${(ms / 1000).toFixed(1)} s)\n`);
      const drilled: Topology = {
        ...topology,
        ...(timings ? { keepalived: timingsWith(timings, combination) } : {}),
        configuration: { ...record, overrides: [combinationText(combination), ...implied] },
      };
      const written = await drillAndWrite(scenario, drilled, safety, { reports: join(sweepDir, combinationSlug(combination)), progress: options.progress, ...(repeat !== undefined && { repeat }) });
      codes.push(written.code);
      const settings = combination.map((s) => ({ key: s.key, text: s.value.text, value: s.value.value }));
      report.entries.push(sweepEntryOf(written.report, settings, relative(sweepDir, written.dir), written.code, implied, await iterationsOutside(written.report, written.dir)));
      if (written.code !== EXIT.pass && written.code !== EXIT.budgetBreached) break;
    }
  } catch (error) {
    progress.done();
    if (!(error instanceof VipdrillError)) throw error;
    reportError(error, false);
    codes.push(exitCodeOf(error));
  } finally {
    progress.done();
    report.notDrilled = combinations.slice(report.entries.length).map(combinationText);
    report.wallMs = performance.now() - started;
    if (report.entries.length > 0) await writeSweep(report, sweepDir);
    await leaveLab(provider, lab, base, codes, options.keepLab ?? false, safety.signal).catch((error: unknown) => {
      reportError(error, false);
      codes.push(exitCodeOf(error));
    });
    safety.uninstall();
  }
  return worstOf(codes);
}

/** What each balancer runs now (the templates, or the proposed files): the base every combination is written on. */
async function readBalancerFiles(topology: Topology): Promise<Map<string, Partial<Record<keyof typeof PATHS, string>>>> {
  const out = new Map<string, Partial<Record<keyof typeof PATHS, string>>>();
  for (const host of hostsWithRole(topology.hosts, "load-balancer")) {
    const files: Partial<Record<keyof typeof PATHS, string>> = {};
    for (const daemon of ["keepalived", "haproxy"] as const) {
      const result = await host.transport.exec(["cat", PATHS[daemon]]);
      if (result.exitCode === 0) files[daemon] = result.stdout;
    }
    out.set(host.id, files);
  }
  return out;
}

/** The balancers' files with the combination written in, and what it implied (VRRPv3). */
function combinationFiles(base: ReadonlyMap<string, Partial<Record<keyof typeof PATHS, string>>>, combination: SweepCombination, port: number): { files: Map<string, BalancerFile[]>; implied: string[] } {
  const files = new Map<string, BalancerFile[]>();
  const implied = new Set<string>();
  const touches = (daemon: string): boolean => combination.some((s) => s.key.startsWith(`${daemon}.`));
  for (const [node, texts] of base) {
    const list: BalancerFile[] = [];
    if (texts.keepalived !== undefined && touches("keepalived")) {
      const applied = applyToKeepalived(parseKeepalivedConf(texts.keepalived, `${node}:${KEEPALIVED_CONF}`), combination);
      applied.implied.forEach((i) => implied.add(i));
      list.push({ daemon: "keepalived", path: KEEPALIVED_CONF, content: renderKeepalivedConf(applied.statements).text, mode: 0o644 });
    }
    if (texts.haproxy !== undefined && touches("haproxy")) {
      const path = `${node}:${HAPROXY_CFG}`;
      list.push({ daemon: "haproxy", path: HAPROXY_CFG, content: applyToHaproxy(parseHaproxyCfg(texts.haproxy, path), path, port, combination).text, mode: 0o644 });
    }
    files.set(node, list);
  }
  return { files, implied: [...implied] };
}

/** Each file checked by its daemon on a balancer (staged beside, never in place) before any balancer gets it; a rejection is exit 2. */
async function checkOnBalancer(host: Host, files: ReadonlyMap<string, readonly BalancerFile[]>, secrets: readonly string[]): Promise<void> {
  const rejected: string[] = [];
  const seen = new Set<string>();
  for (const file of [...files.values()].flat()) {
    if (seen.has(file.content)) continue;
    seen.add(file.content);
    const staged = STAGED[file.daemon];
    await host.transport.exec(["install", "-D", "-m", "644", "/dev/stdin", staged], { stdin: file.content });
    const result = await host.transport.exec(CHECK_COMMANDS[file.daemon](staged), { timeoutMs: 30_000 });
    const lines = file.content.split("\n");
    const rendered: RenderedConfig = { text: file.content, origins: lines.map((_, i) => ({ file: `${file.daemon} as the sweep writes it`, line: i + 1 })) };
    const verdict = daemonVerdict(file.daemon, result, staged, rendered, secrets, { file: file.path, line: 0 });
    if (!verdict.accepted) rejected.push(...verdict.lines);
  }
  if (rejected.length > 0) throw new UsageError("VIPDRILL_CONFIG_REJECTED", rejected.join("\n"));
}

/** Each iteration's own verdict on the prediction (its report.json beside the repeated run's); none for a single drill. */
async function iterationsOutside(report: Report, dir: string): Promise<Array<boolean | null>> {
  const iterations = report.repeat?.iterations ?? [];
  return Promise.all(
    iterations.map(async (it) => {
      const text = await readFile(join(dir, it.dir, "report.json"), "utf8").catch(() => undefined);
      return text === undefined ? null : ((JSON.parse(text) as Report).faults[0]?.outsidePrediction ?? null);
    }),
  );
}

/** After a restart the VIP must stay on its master for a master-down timer at least: 3 adverts of the slowest interval, plus a second. */
function settleMsFor(combination: SweepCombination): number {
  const advert = combination.find((s) => s.key === "keepalived.advert_int")?.value.value ?? 1;
  return Math.max(3_000, Math.ceil(3 * advert * 1000 + 1000));
}

async function writeSweep(report: SweepReport, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "sweep.json"), `${JSON.stringify(report, null, 1)}\n`),
    writeFile(join(dir, "sweep.md"), sweepMarkdown(report)),
    writeFile(join(dir, "sweep.html"), sweepHtml(report)),
  ]);
  process.stdout.write(`\n${sweepTerminal(report)}\n\nsweep: ${join(dir, "sweep.html")} (sweep.json, sweep.md beside it)\n`);
}

/** A lab this sweep started goes (unless --keep-lab); one that stays — reused, or kept — gets its own files back, as its plan says. */
async function leaveLab(provider: DockerLabProvider, lab: StartedLab | undefined, base: Map<string, Partial<Record<keyof typeof PATHS, string>>> | undefined, codes: ExitCode[], keepLab: boolean, signal: AbortSignal): Promise<void> {
  if (!lab || codes.includes(EXIT.restoreFailed)) return;
  if (lab.created && !keepLab) {
    process.stderr.write(`tearing down lab "${lab.plan.name}"…\n`);
    await provider.down(lab.plan.name);
    return;
  }
  if (!base) return;
  const files = new Map<string, BalancerFile[]>();
  for (const [node, texts] of base) files.set(node, (["keepalived", "haproxy"] as const).flatMap((daemon) => (texts[daemon] === undefined ? [] : [{ daemon, path: PATHS[daemon], content: texts[daemon], mode: 0o644 }])));
  process.stderr.write(`lab "${lab.plan.name}": the balancers get their own files back\n`);
  await reconfigureBalancers(lab.topology, files, { master: null, settleMs: 3_000, timeoutMs: RECONFIGURE_TIMEOUT_MS, signal });
}
