/**
 * `run --keepalived-conf/--haproxy-cfg` (or lab.config): the lab built with the proposed files, and
 * with --baseline-* today's drilled first on the same lab, then the proposed, side by side (compare's
 * table, both predicted windows, ticket.md with both).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatSpanMs } from "../analysis/format.js";
import { reconfigureBalancers, type BalancerFile } from "../engine/reconfigure.js";
import type { Topology } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { configurationLines } from "../report/config-section.js";
import { comparisonHtml } from "../report/compare/comparison-html.js";
import { comparisonMarkdown } from "../report/compare/comparison-markdown.js";
import { renderComparison } from "../report/compare/comparison-terminal.js";
import { compareSides } from "../report/compare/comparison.js";
import { sideOfReport } from "../report/compare/compare-side.js";
import type { ReadableReport } from "../report/compare/report-file.js";
import type { Report } from "../report/report-types.js";
import { screenFor, type ProgressPrinter } from "../report/terminal.js";
import { renderTicket } from "../report/ticket.js";
import { KEEPALIVED_CONF } from "../targets/docker/lab-files.js";
import { configRequestOf, prepareLabConfig, topologyWithConfig, type PreparedConfig, type PreparedLab } from "../targets/docker/proposed-config.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import type { DrillWritten } from "./run-command.js";

/** The command line's files (they win over a scenario's lab.config). */
export interface ConfigFlags {
  keepalived?: string[];
  haproxy?: string;
  baselineKeepalived?: string[];
  baselineHaproxy?: string;
}

export interface ConfiguredLabPlan {
  prepared: PreparedLab;
  /** What the lab comes up with: today's configuration where there is one (drilled first), else the proposed. */
  startsWith: PreparedConfig;
}

/** How long a relabelled lab may take to be healthy with the VIP on its master again. */
const RECONFIGURE_TIMEOUT_MS = 90_000;
/** After it is, the VIP must stay put this long (a late election). */
const SETTLE_MS = 3_000;

/** The configuration for a group of scenarios, read, mapped and checked; undefined: the lab's templates. */
export async function planConfiguredLab(docker: Parameters<typeof prepareLabConfig>[0], scenario: Scenario, options: { labName: string; config?: ConfigFlags }, progress: ProgressPrinter): Promise<ConfiguredLabPlan | undefined> {
  const request = configRequestOf(scenario, options.config ?? {});
  if (!request) return undefined;
  const prepared = await prepareLabConfig(docker, scenario, options.labName, request, progress);
  progress.done();
  for (const config of [prepared.baseline, prepared.proposed]) if (config) process.stderr.write(`${configurationLines(config.record).join("\n")}\n`);
  return { prepared, startsWith: prepared.baseline ?? prepared.proposed };
}

/** A started lab and which configuration its balancers run now. */
export class ConfiguredLab {
  /** undefined: not known (a lab started earlier may run either configuration): the first drill relabels it. */
  #current: PreparedConfig | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly plan: ConfiguredLabPlan,
    private readonly signal: AbortSignal,
    private readonly progress: ProgressPrinter,
    created: boolean,
  ) {
    this.#current = created ? plan.startsWith : undefined;
  }

  /**
   * The scenario on the proposed configuration (recorded: the run's report); with a baseline, on
   * today's first (written, not recorded) and the two set side by side. Returns the scenario's exit
   * code: the proposed drill's, or the baseline's where that one did not reach its end.
   */
  async drill(scenario: Scenario, recorded: (topology: Topology) => Promise<DrillWritten>, unrecorded: (topology: Topology) => Promise<DrillWritten>): Promise<ExitCode> {
    const { baseline, proposed } = this.plan.prepared;
    if (!baseline) {
      await this.#switchTo(proposed);
      return (await recorded(this.#topologyFor(proposed))).code;
    }
    await this.#switchTo(baseline);
    process.stderr.write(`\n${scenario.name}: today's configuration first (baseline)\n`);
    const today = await unrecorded(this.#topologyFor(baseline));
    if (today.code !== EXIT.pass && today.code !== EXIT.budgetBreached) return today.code;
    await this.#switchTo(proposed);
    process.stderr.write(`\n${scenario.name}: the proposed configuration\n`);
    const next = await recorded(this.#topologyFor(proposed));
    await setBesideBaseline(today, next);
    return next.code;
  }

  async #switchTo(config: PreparedConfig): Promise<void> {
    if (config === this.#current) return;
    const files = new Map<string, BalancerFile[]>();
    for (const [node, list] of config.files) files.set(node, list.map((f) => ({ ...f, daemon: f.path === KEEPALIVED_CONF ? "keepalived" : "haproxy" })));
    const ms = await reconfigureBalancers(this.#topologyFor(config), files, {
      master: config.master,
      settleMs: SETTLE_MS,
      timeoutMs: RECONFIGURE_TIMEOUT_MS,
      signal: this.signal,
      progress: (m) => this.progress(m),
    });
    this.progress.done();
    process.stderr.write(`the balancers run ${config.record.role === "baseline" ? "today's" : "the proposed"} configuration (steady again after ${(ms / 1000).toFixed(1)} s)\n`);
    this.#current = config;
  }

  #topologyFor(config: PreparedConfig): Topology {
    return topologyWithConfig(this.topology, config);
  }

}

/** Today's and the proposed drill side by side: compare's table on the terminal, comparison.md/.html and ticket.md in the proposed run's folder. */
async function setBesideBaseline(today: DrillWritten, next: DrillWritten): Promise<void> {
  const side = (written: DrillWritten): ReturnType<typeof sideOfReport> => sideOfReport({ file: written.dir, report: written.report as ReadableReport & Report });
  const comparison = compareSides(side(today), side(next));
  const window = (report: Report): string => {
    const p = report.faults[0]?.predicted;
    return p ? formatSpanMs(p.fromMs, p.toMs) : "none derived";
  };
  process.stdout.write(`\n${renderComparison(comparison, screenFor(process.stdout))}\npredicted failover: today ${window(today.report)}, proposed ${window(next.report)}\n`);
  await Promise.all([
    writeFile(join(next.dir, "comparison.md"), comparisonMarkdown(comparison)),
    writeFile(join(next.dir, "comparison.html"), comparisonHtml(comparison)),
    writeFile(join(next.dir, "ticket.md"), renderTicket(next.report, { baseline: today.report })),
  ]);
  process.stdout.write(`today's configuration: ${today.dir}/report.json\nside by side: ${join(next.dir, "comparison.md")}, ${join(next.dir, "ticket.md")}\n`);
}
