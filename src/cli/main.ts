#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { UsageError, VipdrillError } from "../common/errors.js";
import { packageVersion } from "../common/package-version.js";
import { colorLevel } from "../report/color-level.js";
import { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
import { programHelp, runHelp } from "./help-text.js";
import { claimStdoutForJson, jsonDocumentWritten, writeJsonDocument } from "./json-output.js";
import { oneLineErrors } from "./one-line-errors.js";
import { reportError } from "./report-error.js";
import type { CompareFlags } from "./compare-command.js";
import type { RunOptions } from "./run-command.js";
import type { TrendFlags } from "./trend-command.js";

// Each command loads its modules when it runs (`await import`): --help and --version answer at once,
// without loading the Docker, SSH and HTTP libraries (about a second).

const program = new Command("vipdrill")
  .description("Drill the failover of a Kubernetes API VIP (HAProxy + Keepalived, kube-vip) and measure it")
  .version(packageVersion(), "-V, --version", "print vipdrill's version")
  .option("--debug", "print stack traces for errors")
  .addHelpText("after", programHelp())
  .configureOutput({ getOutHasColors: () => colorLevel(process.stdout) > 0, getErrHasColors: () => colorLevel(process.stderr) > 0 })
  .exitOverride();

/** What commander hands `run`: RunOptions, with --skip-preflight and --repeat as the flags say them. */
type RunFlags = Omit<RunOptions, "preflight" | "repeat" | "config"> & { skipPreflight?: boolean; json?: boolean; repeat?: string } & ConfigFileFlags;

/** --keepalived-conf and friends as commander hands them. */
interface ConfigFileFlags {
  keepalivedConf?: string[];
  haproxyCfg?: string;
  baselineKeepalivedConf?: string[];
  baselineHaproxyCfg?: string;
}
/** A repeatable option's values, in order. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
/** The proposed configuration's files (run and sweep); `baseline` adds today's (run). */
const configOptions = (command: Command, baseline: boolean): Command => {
  command
    .option("--keepalived-conf <file>", "put this keepalived.conf on the lab's balancers (given once: every balancer; once per balancer: lb-1, lb-2, …)", collect)
    .option("--haproxy-cfg <file>", "put this haproxy.cfg on the lab's balancers");
  if (baseline) {
    command
      .option("--baseline-keepalived-conf <file>", "today's keepalived.conf: drilled first on the same lab, then set beside the proposed one", collect)
      .option("--baseline-haproxy-cfg <file>", "today's haproxy.cfg, drilled beside the proposed one");
  }
  return command;
};
const configOf = (flags: ConfigFileFlags): NonNullable<RunOptions["config"]> => ({
  keepalived: flags.keepalivedConf ?? [],
  ...(flags.haproxyCfg !== undefined && { haproxy: flags.haproxyCfg }),
  baselineKeepalived: flags.baselineKeepalivedConf ?? [],
  ...(flags.baselineHaproxyCfg !== undefined && { baselineHaproxy: flags.baselineHaproxyCfg }),
});

let exitCode: ExitCode = EXIT.pass;
let json = false;
const labName = (): Option => new Option("--lab-name <name>", "name of the docker lab (labels, container names)").default("vipdrill");
const jsonOption = (what: string): Option => new Option("--json", `${what} as one JSON document on stdout (people's output goes to stderr)`);
const debug = (): boolean => Boolean(program.opts<{ debug?: boolean }>().debug);

program.hook("preAction", (_program, action) => {
  json = action.opts<{ json?: boolean }>().json === true;
  if (json) claimStdoutForJson();
});

configOptions(program.command("run"), true)
  .description("run drills (default: the link pull on the VIP owner, on the built-in lab)")
  .argument("[scenarios...]", "scenario files (YAML), or names of shipped scenarios")
  .addOption(labName())
  .option("--keep-lab", "leave the lab running after the drill (later runs reuse it)")
  .option("--reports <dir>", "where reports/<time>-<scenario>/ go", "reports")
  .option("--no-progress", "no live progress line, even on a terminal")
  .option("--inventory <file>", "drill the real hosts of this inventory (YAML) over SSH instead of the lab")
  .option("-y, --yes", "with --inventory: do not ask for confirmation (CI)")
  .option("--accept-new-host-keys", "with --inventory: trust and record SSH host keys not in known_hosts yet (a changed key is still refused)")
  .option("--skip-preflight", "with --inventory: do not check the runbook's prerequisites first")
  .option("--allow-wide-blast-radius", "run a fault that takes out a majority of control planes or every load balancer")
  .option("--repeat <n>", "drill each scenario n times on one lab (overrides a scenario's repeat:); the report gives each figure's distribution")
  .option("--history <file>", "append one JSON line per scenario run to this file (vipdrill trend reads it)")
  .addOption(jsonOption("each scenario's verdict, exit code and report files"))
  .addHelpText("after", runHelp())
  .action(async (files: string[], options: RunFlags) => {
    const config = configOf(options);
    const configFiles = [...(config.keepalived ?? []), ...(config.baselineKeepalived ?? []), config.haproxy, config.baselineHaproxy].filter((f) => f !== undefined);
    if (options.inventory !== undefined && configFiles.length > 0) {
      throw new UsageError("VIPDRILL_USAGE", "--keepalived-conf, --haproxy-cfg and their --baseline-* put files on the lab's balancers: an --inventory's hosts keep their own");
    }
    if (options.json && options.inventory !== undefined && !options.yes) {
      // A JSON consumer is a program: it cannot answer the confirmation a run on real hosts asks for.
      throw new UsageError("VIPDRILL_USAGE", "run --json --inventory asks for confirmation before changing real hosts: add --yes (-y) to run without asking");
    }
    const { parseRepeat } = await import("./repeat-run.js");
    const repeat = options.repeat === undefined ? undefined : parseRepeat(options.repeat);
    if (options.history !== undefined) {
      // A corrupted history is reported now, before any drill, not after an hour of them.
      const { checkHistoryFile } = await import("../report/history/history-file.js");
      await checkHistoryFile(options.history);
    }
    const { runCommand } = await import("./run-command.js");
    exitCode = await runCommand(files, {
      labName: options.labName,
      reports: options.reports,
      progress: options.progress,
      ...(options.keepLab ? { keepLab: true } : {}),
      ...(options.inventory === undefined ? {} : { inventory: options.inventory }),
      yes: options.yes ?? false,
      acceptNewHostKeys: options.acceptNewHostKeys ?? false,
      preflight: !(options.skipPreflight ?? false),
      allowWideBlastRadius: options.allowWideBlastRadius ?? false,
      ...(repeat === undefined ? {} : { repeat }),
      ...(options.history === undefined ? {} : { history: options.history }),
      json: options.json ?? false,
      debug: debug(),
      config,
    });
  });

configOptions(program.command("sweep"), false)
  .description("drill one scenario for every combination of Keepalived/HAProxy settings on one lab: a table and plots of each figure against the setting, beside its predicted window")
  .argument("<scenario>", "the scenario file (YAML), or the name of a shipped scenario")
  .option("--set <key=v1,v2,…>", "a setting and its values, e.g. keepalived.advert_int=1,0.5,2 or haproxy.fall=2,3 (repeat --set to combine)", collect)
  .option("--repeat <n>", "drill each combination n times (the sweep shows each figure's median and range)")
  .addOption(labName())
  .option("--keep-lab", "leave the lab running afterwards (a lab it reused gets its own files back)")
  .option("--reports <dir>", "where reports/<time>-sweep-<scenario>/ goes", "reports")
  .option("--no-progress", "no live progress line, even on a terminal")
  .action(async (file: string, options: ConfigFileFlags & { set?: string[]; repeat?: string; labName: string; keepLab?: boolean; reports: string; progress: boolean }) => {
    const { sweepCommand } = await import("./sweep-command.js");
    exitCode = await sweepCommand(file, {
      set: options.set ?? [],
      labName: options.labName,
      reports: options.reports,
      progress: options.progress,
      config: configOf(options),
      ...(options.repeat !== undefined && { repeat: options.repeat }),
      ...(options.keepLab !== undefined && { keepLab: options.keepLab }),
    });
  });

program
  .command("validate")
  .description("check scenario files without running anything (default: every built-in scenario)")
  .argument("[scenarios...]", "scenario files (YAML)")
  .option("--inventory <file>", "also check this inventory file (nothing is contacted)")
  .addOption(jsonOption("every file checked, valid or with its errors,"))
  .action(async (files: string[], options: { inventory?: string; json?: boolean }) => {
    const { validateCommand } = await import("./validate-command.js");
    exitCode = await validateCommand(files, options);
  });

program
  .command("plan")
  .description("show what a drill would do to which host, in order, including restores; does nothing")
  .argument("[scenarios...]", "scenario files (YAML)")
  .addOption(labName())
  .option("--inventory <file>", "plan against the hosts of this inventory (none is contacted)")
  .addOption(jsonOption("each plan, its commands host by host,"))
  .action(async (files: string[], options: { labName: string; inventory?: string; json?: boolean }) => {
    const { planCommand } = await import("./plan-command.js");
    exitCode = await planCommand(files, options);
  });

program
  .command("preflight")
  .description("check the runbook's prerequisites (DNS, certificate SANs, /version, VRRP auth, HAProxy backends, one VIP owner); changes nothing")
  .addOption(labName())
  .option("--inventory <file>", "check the hosts of this inventory over SSH (default: the running lab)")
  .option("--accept-new-host-keys", "trust and record SSH host keys not in known_hosts yet")
  .addOption(jsonOption("every check with what it saw"))
  .action(async (options: { labName: string; inventory?: string; acceptNewHostKeys?: boolean; json?: boolean }) => {
    const { preflightCommand } = await import("./preflight-command.js");
    exitCode = await preflightCommand(options);
  });

program
  .command("watch")
  .description("probe the VIP (and watch its hosts) with no fault while a real change happens, until Ctrl-C or --duration; marks land on the timeline")
  .option("--inventory <file>", "the hosts of this inventory: probe their VIP and watch VIP owners, Keepalived and kube-vip's Lease")
  .option("--endpoint <url>", "probe only this endpoint, https://VIP:PORT")
  .option("--ca <file>", "with --endpoint: the CA that signed the apiserver's certificate")
  .option("--insecure", "with --endpoint: do not verify the certificate")
  .option("--dns <name>", "with --endpoint: the DNS name to send as SNI and Host (default: the VIP)")
  .option("--duration <duration>", "stop by itself after this long (e.g. 45m); default: at Ctrl-C")
  .option("--interval <duration>", "Δ between fresh-connection probes", "10ms")
  .option("--timeout <duration>", "per-probe timeout", "1s")
  .option("--path <path>", "request path", "/version")
  .option("--keep-alive <n>", "long-lived connections probed too, like kubelets (0: none)", "2")
  .option("--reports <dir>", "where reports/<time>-watch/ goes", "reports")
  .option("--no-progress", "no live progress line, even on a terminal")
  .option("--accept-new-host-keys", "with --inventory: trust and record SSH host keys not in known_hosts yet")
  .action(async (options: import("./watch-command.js").WatchFlags) => {
    const { watchCommand } = await import("./watch-command.js");
    exitCode = await watchCommand(options);
  });

program
  .command("mark")
  .description("put a mark (what you just did) on the running watch's timeline")
  .argument("<text>", "the note, e.g. \"draining lb-1\"")
  .action(async (text: string) => {
    const { markCommand } = await import("./watch-command.js");
    exitCode = await markCommand(text);
  });

const lab = program.command("lab").description("manage the docker lab: up, status, down");
lab
  .command("up")
  .description("start a lab and leave it running: drills reuse it")
  .argument("[scenario]", "take the lab settings (subnet, VIP, advert interval) from this scenario")
  .addOption(labName())
  .option("--ssh <dir>", "also open the nodes to SSH and write DIR/inventory.yaml (with a key and known_hosts) to drill the lab as real hosts")
  .action(async (scenario: string | undefined, options: { labName: string; ssh?: string }) => {
    const { labUp } = await import("./lab-command.js");
    exitCode = await labUp(scenario, options);
  });
lab
  .command("status")
  .description("show the lab's nodes and who started it")
  .addOption(labName())
  .action(async (options: { labName: string }) => {
    const { labStatus } = await import("./lab-command.js");
    exitCode = await labStatus(options);
  });
lab
  .command("down")
  .description("remove the lab (and whatever an interrupted run left)")
  .addOption(labName())
  .option("--all", "remove every lab vipdrill has on this host, whatever its name")
  .action(async (options: { labName: string; all?: boolean }) => {
    const { labDown } = await import("./lab-command.js");
    exitCode = await labDown(options);
  });

program
  .command("compare")
  .description("set two runs side by side figure by figure: the difference and whether it is beyond noise (exit 1 on a regression beyond --max-regression)")
  .argument("<base>", "report folder or report.json (a single run or a repeated one), or a history file (.jsonl)")
  .argument("<new>", "the same, for the run judged against the base")
  .option("--max-regression <limit>", "exit 1 when a figure got worse by more than this: a share of the base (10%) or a duration (200ms)")
  .option("--force", "compare different scenarios all the same")
  .option("--figures <list>", "only these figures, comma-separated (failover,outage,vipMove,…)")
  .option("--last <n>", "from a history file, only its last n runs")
  .option("--markdown <file>", "also write the comparison as Markdown (for a change ticket)")
  .option("--html <file>", "also write the comparison as a self-contained HTML page")
  .action(async (base: string, next: string, options: CompareFlags) => {
    const { compareCommand } = await import("./compare-command.js");
    exitCode = await compareCommand(base, next, options);
  });

program
  .command("trend")
  .description("a history file (run --history) as a table per scenario, an HTML trend with the budget line, and gates for CI")
  .argument("<history>", "the history file (JSON lines)")
  .option("--scenario <name>", "only this scenario (default: every scenario in the file)")
  .option("--last <n>", "show only the last n runs of each scenario (gates judge them all)")
  .option("--html <file>", "write the trend as a self-contained HTML page")
  .option("--gate <rule...>", "exit 1 when a rule holds, e.g. 'p50(failover, last 7) > +20%' (README: Repeats, compare and trends)")
  .action(async (file: string, options: TrendFlags) => {
    const { trendCommand } = await import("./trend-command.js");
    exitCode = await trendCommand(file, options);
  });

// Last, so that it covers every command above.
oneLineErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse problem is a usage error (one line, above).
    exitCode = error.exitCode === 0 ? EXIT.pass : EXIT.usage;
  } else {
    exitCode = exitCodeOf(error);
    reportError(error, debug());
    if (json && !jsonDocumentWritten()) {
      const known = error instanceof VipdrillError ? { code: error.code, message: error.message } : { code: "VIPDRILL_INTERNAL", message: String(error) };
      writeJsonDocument({ ok: false, exitCode, error: known });
    }
  }
}
process.exitCode = exitCode;
