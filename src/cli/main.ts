#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
import { labCommand } from "./lab-command.js";
import { planCommand } from "./plan-command.js";
import { reportError } from "./report-error.js";
import { runCommand } from "./run-command.js";
import { validateCommand } from "./validate-command.js";

const program = new Command("vipdrill")
  .description("Drill the failover of a Kubernetes API VIP (HAProxy + Keepalived, kube-vip) and measure it")
  .showHelpAfterError("(vipdrill --help lists the commands)")
  .option("--debug", "print stack traces for errors")
  .exitOverride();

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
  .action(async (files: string[], options: { labName: string; keepLab?: boolean; reports: string; progress: boolean }) => {
    exitCode = await runCommand(files, options);
  });

program
  .command("validate")
  .description("check scenario files without running anything (default: every built-in scenario)")
  .argument("[scenarios...]", "scenario files (YAML)")
  .action(async (files: string[]) => {
    exitCode = await validateCommand(files);
  });

program
  .command("plan")
  .description("show what a drill would do to which host, in order, including restores; does nothing")
  .argument("[scenarios...]", "scenario files (YAML)")
  .addOption(labName)
  .action(async (files: string[], options: { labName: string }) => {
    exitCode = await planCommand(files, options);
  });

program
  .command("lab")
  .description("manage the docker lab")
  .argument("<action>", "up | down | status")
  .argument("[scenario]", "take the lab settings (subnet, VIP, advert interval) from this scenario")
  .addOption(labName)
  .action(async (action: string, scenario: string | undefined, options: { labName: string }) => {
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
