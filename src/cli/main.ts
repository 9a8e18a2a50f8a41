#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
import { labCommand } from "./lab-command.js";
import { planCommand } from "./plan-command.js";
import { preflightCommand } from "./preflight-command.js";
import { reportError } from "./report-error.js";
import { runCommand, type RunOptions } from "./run-command.js";
import { validateCommand } from "./validate-command.js";

const program = new Command("vipdrill")
  .description("Drill the failover of a Kubernetes API VIP (HAProxy + Keepalived, kube-vip) and measure it")
  .showHelpAfterError("(vipdrill --help lists the commands)")
  .option("--debug", "print stack traces for errors")
  .exitOverride();

/** What commander hands `run`: RunOptions, with --skip-preflight as the flag says it. */
type RunFlags = Omit<RunOptions, "preflight"> & { skipPreflight?: boolean };

let exitCode: ExitCode = EXIT.pass;
const labName = new Option("--lab-name <name>", "name of the docker lab (labels, container names)").default("vipdrill");

program
  .command("run")
  .description("run drills (default: the link pull on the VIP owner, on the built-in lab)")
  .argument("[scenarios...]", "scenario files (YAML)")
  .addOption(labName)
  .option("--keep-lab", "leave the lab running after the drill (later runs reuse it)")
  .option("--reports <dir>", "where reports/<time>-<scenario>/ go", "reports")
  .option("--no-progress", "no live progress line, even on a terminal")
  .option("--inventory <file>", "drill the real hosts of this inventory (YAML) over SSH instead of the lab")
  .option("--yes", "with --inventory: do not ask for confirmation (CI)")
  .option("--accept-new-host-keys", "with --inventory: trust and record SSH host keys not in known_hosts yet (a changed key is still refused)")
  .option("--skip-preflight", "with --inventory: do not check the runbook's prerequisites first")
  .option("--allow-wide-blast-radius", "run a fault that takes out a majority of control planes or every load balancer")
  .action(
    async (
      files: string[],
      options: RunFlags,
    ) => {
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
      });
    },
  );

program
  .command("validate")
  .description("check scenario files without running anything (default: every built-in scenario)")
  .argument("[scenarios...]", "scenario files (YAML)")
  .option("--inventory <file>", "also check this inventory file (nothing is contacted)")
  .action(async (files: string[], options: { inventory?: string }) => {
    exitCode = await validateCommand(files, options);
  });

program
  .command("plan")
  .description("show what a drill would do to which host, in order, including restores; does nothing")
  .argument("[scenarios...]", "scenario files (YAML)")
  .addOption(labName)
  .option("--inventory <file>", "plan against the hosts of this inventory (none is contacted)")
  .action(async (files: string[], options: { labName: string; inventory?: string }) => {
    exitCode = await planCommand(files, options);
  });

program
  .command("preflight")
  .description("check the runbook's prerequisites (DNS, certificate SANs, /version, VRRP auth, HAProxy backends, one VIP owner); changes nothing")
  .addOption(labName)
  .option("--inventory <file>", "check the hosts of this inventory over SSH (default: the running lab)")
  .option("--accept-new-host-keys", "trust and record SSH host keys not in known_hosts yet")
  .action(async (options: { labName: string; inventory?: string; acceptNewHostKeys?: boolean }) => {
    exitCode = await preflightCommand(options);
  });

program
  .command("lab")
  .description("manage the docker lab")
  .argument("<action>", "up | down | status")
  .argument("[scenario]", "take the lab settings (subnet, VIP, advert interval) from this scenario")
  .addOption(labName)
  .option("--ssh <dir>", "lab up: also open the nodes to SSH and write DIR/inventory.yaml (with a key and known_hosts) to drill the lab as real hosts")
  .action(async (action: string, scenario: string | undefined, options: { labName: string; ssh?: string }) => {
    exitCode = await labCommand(action, scenario, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse problem is a usage error.
    exitCode = error.exitCode === 0 ? EXIT.pass : EXIT.usage;
  } else {
    exitCode = exitCodeOf(error);
    reportError(error, Boolean(program.opts<{ debug?: boolean }>().debug));
  }
}
process.exitCode = exitCode;
