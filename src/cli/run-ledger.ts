import { basename, extname, join } from "node:path";
import { errorMessage, VipdrillError } from "../common/errors.js";
import type { Scenario } from "../model/scenario.js";
import { writeFailureReport } from "../report/failure-report.js";
import { pointLatestAt } from "../report/latest-link.js";
import { renderFailureMarkdown, renderMarkdown } from "../report/markdown.js";
import type { Report, RunFailure } from "../report/report-types.js";
import { appendStepSummary } from "../report/step-summary.js";
import { exitCodeOf, type ExitCode } from "./exit-codes.js";

/** What became of one scenario of `vipdrill run`, as `run --json` gives it. */
export interface ScenarioOutcome {
  /** The scenario's name; for a file that did not load, its file name without extension. */
  name: string;
  /** The file as given on the command line (or the default scenario's). */
  file: string;
  /** "error": no drill ran (or none reached a report); the reason is in `error`. */
  verdict: "pass" | "fail" | "error";
  exitCode: ExitCode;
  /** The scenario's report folder: report.json, summary.md, junit.xml, report.html (a run that did not drill: junit.xml and summary.md). */
  dir: string;
  reportJson: string | null;
  junitXml: string;
  summaryMd: string;
  error: { code: string; message: string } | null;
  /** Each budget with its numbers (report.json's `budgets`); null without a report. */
  budgets: Report["budgets"] | null;
}

/** `vipdrill run --json`: one document for the whole run. */
export interface RunDocument {
  ok: boolean;
  exitCode: ExitCode;
  reports: string;
  /** The newest run's folder (what reports/latest points at); null when nothing was written. */
  latest: string | null;
  scenarios: ScenarioOutcome[];
}

interface Entry {
  file: string;
  scenario?: Scenario;
  /** Why this file did not load. */
  loadError?: unknown;
  outcome?: ScenarioOutcome;
}

const errorOf = (error: unknown): { code: string; message: string } =>
  error instanceof VipdrillError ? { code: error.code, message: error.message } : { code: "VIPDRILL_INTERNAL", message: errorMessage(error) };

/** A file's name for a report folder when the scenario inside cannot be read: letters, digits, dots and dashes. */
const nameOfFile = (file: string): string => basename(file, extname(file)).replace(/[^A-Za-z0-9._-]+/g, "-") || "scenario";

/**
 * What each scenario of one `vipdrill run` came to. Every exit after the command line was parsed
 * goes through finish(): a scenario with a report is published (reports/latest, GitHub's job
 * summary); one without — the run ended before its drill — still gets a junit.xml and a summary.md
 * saying why, so CI always has a test result.
 */
export class RunLedger {
  readonly #entries: Entry[];
  readonly #startedAt = new Date();
  #stop: { code: string; message: string } | undefined;
  #latest: string | null = null;

  constructor(
    files: readonly string[],
    private readonly reportsDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.#entries = files.map((file) => ({ file }));
  }

  /** Load every scenario (validated before anything starts); the first that does not load is thrown. */
  async load(loader: (file: string) => Promise<Scenario>): Promise<Scenario[]> {
    await Promise.all(
      this.#entries.map(async (entry) => {
        try {
          entry.scenario = await loader(entry.file);
        } catch (error) {
          entry.loadError = error;
        }
      }),
    );
    const invalid = this.#entries.find((e) => e.loadError !== undefined);
    if (invalid) throw invalid.loadError;
    return this.#entries.map((e) => e.scenario!);
  }

  /** The error that stopped the run (the latest one): scenarios that have no report yet are reported with it. */
  failed(error: unknown): void {
    this.#stop = errorOf(error);
  }

  /** A scenario's report was written to `dir`. */
  async reported(scenario: Scenario, dir: string, report: Report, exitCode: ExitCode): Promise<void> {
    const entry = this.#entries.find((e) => e.scenario === scenario && e.outcome === undefined);
    // A drill that did not reach its end (Ctrl-C, a failed restore) stops the run: later scenarios say so.
    if (report.error) this.#stop = report.error;
    const outcome: ScenarioOutcome = {
      name: report.scenario.name,
      file: entry?.file ?? report.scenario.file,
      verdict: report.verdict,
      exitCode,
      dir,
      reportJson: join(dir, "report.json"),
      junitXml: join(dir, "junit.xml"),
      summaryMd: join(dir, "summary.md"),
      error: report.error,
      budgets: report.budgets,
    };
    if (entry) entry.outcome = outcome;
    await this.#publish(dir, renderMarkdown(report));
  }

  /**
   * Write what the scenarios without a report need (junit.xml and summary.md saying why), and
   * return the run's document. `exitCode` is the run's.
   */
  async finish(exitCode: ExitCode): Promise<RunDocument> {
    for (const entry of this.#entries) {
      if (entry.outcome) continue;
      const code = entry.loadError !== undefined ? exitCodeOf(entry.loadError) : exitCode;
      const failure: RunFailure = {
        name: entry.scenario?.name ?? nameOfFile(entry.file),
        file: entry.file,
        startedAt: this.#startedAt.toISOString(),
        durationMs: Date.now() - this.#startedAt.getTime(),
        error: entry.loadError !== undefined ? errorOf(entry.loadError) : (this.#stop ?? { code: "VIPDRILL_INTERNAL", message: "not run, for no reason vipdrill recorded (please report it)" }),
        exitCode: code,
      };
      const dir = await writeFailureReport(failure, this.reportsDir);
      entry.outcome = {
        name: failure.name,
        file: failure.file,
        verdict: "error",
        exitCode: code,
        dir,
        reportJson: null,
        junitXml: join(dir, "junit.xml"),
        summaryMd: join(dir, "summary.md"),
        error: failure.error,
        budgets: null,
      };
      await this.#publish(dir, renderFailureMarkdown(failure));
      process.stdout.write(`no drill ran for ${failure.name}: ${entry.outcome.junitXml} says why\n`);
    }
    return {
      ok: exitCode === 0,
      exitCode,
      reports: this.reportsDir,
      latest: this.#latest,
      scenarios: this.#entries.map((e) => e.outcome!),
    };
  }

  /** reports/latest → dir, and its summary to GitHub's job summary; neither may fail the run. */
  async #publish(dir: string, markdown: string): Promise<void> {
    this.#latest = dir;
    try {
      await pointLatestAt(this.reportsDir, dir);
    } catch (error) {
      process.stderr.write(`vipdrill: could not point ${join(this.reportsDir, "latest")} at ${dir}: ${errorMessage(error)}\n`);
    }
    try {
      await appendStepSummary(markdown, this.env);
    } catch (error) {
      process.stderr.write(`vipdrill: could not append to $GITHUB_STEP_SUMMARY (${this.env.GITHUB_STEP_SUMMARY}): ${errorMessage(error)}\n`);
    }
  }
}
