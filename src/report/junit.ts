import type { BudgetResult } from "../analysis/types.js";
import { figureLines } from "./figures.js";
import type { Report, RunFailure } from "./report-types.js";
import { serializeXml, type XmlEntry } from "./xml.js";

/**
 * junit.xml for CI. Names are stable from run to run, so CI can follow a test across nights: a
 * testsuite per scenario (per iteration of a repeated run), a testcase `drill` (errored when the
 * drill did not reach its end) and one per budget, named by the budget alone. The measured value,
 * its ± and the limit are properties (numbers and words) and the case's system-out.
 */
export interface JunitSuite {
  name: string;
  /** `vipdrill.<scenario>`, plus `.iteration-<n>` for an iteration. */
  classname: string;
  /** ISO time the run started. */
  timestamp: string;
  durationMs: number;
  properties: Array<[string, string | number]>;
  cases: JunitCase[];
  /** The figures, as the terminal summary gives them. */
  systemOut: string;
}

export interface JunitCase {
  name: string;
  durationMs: number;
  properties: Array<[string, string | number]>;
  /** A breached budget. */
  failure?: { message: string; text: string };
  /** The drill did not reach its end. */
  error?: { type: string; message: string; text: string };
  systemOut: string;
}

/** The testcase that says whether the drill ran to its end. */
export const DRILL_CASE = "drill";

/** What a testsuite is made from: a scenario's report, or one iteration of a repeated run. */
interface SuiteSource {
  scenario: string;
  startedAt: string;
  durationMs: number;
  error: { code: string; message: string } | null;
  budgets: readonly BudgetResult[];
  properties: Array<[string, string | number]>;
  systemOut: string;
  iteration?: number;
}

function suiteOf(source: SuiteSource): JunitSuite {
  const { iteration, error } = source;
  const drill: JunitCase = {
    name: DRILL_CASE,
    durationMs: source.durationMs,
    properties: [],
    systemOut: error ? `the drill did not reach its end: ${error.message}` : "the drill ran to its end",
  };
  if (error) drill.error = { type: error.code, message: error.message, text: error.message };
  return {
    name: iteration === undefined ? source.scenario : `${source.scenario} #${iteration}`,
    classname: `vipdrill.${source.scenario}${iteration === undefined ? "" : `.iteration-${iteration}`}`,
    timestamp: source.startedAt,
    durationMs: source.durationMs,
    properties: [...source.properties, ...(iteration === undefined ? [] : ([["iteration", iteration]] as Array<[string, number]>))],
    cases: [drill, ...source.budgets.map(budgetCase)],
    systemOut: source.systemOut,
  };
}

/** A scenario's report as one testsuite; `iteration` (from 1) names one run of a repeated scenario. */
export function junitSuiteOf(report: Report, options: { iteration?: number } = {}): JunitSuite {
  return suiteOf({
    scenario: report.scenario.name,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    error: report.error,
    budgets: report.budgets,
    properties: [
      ["verdict", report.verdict],
      ["scenario.file", report.scenario.file],
      ["target", `${report.target.kind} ${report.target.name}`],
      ["endpoint", `${report.target.endpoint.vip}:${report.target.endpoint.port} (${report.target.endpoint.dns})`],
      ["vipdrill", report.vipdrill],
    ],
    systemOut: figureLines(report)
      .map(([label, text]) => `${label.padEnd(14)} ${text}`)
      .join("\n"),
    ...(options.iteration === undefined ? {} : { iteration: options.iteration }),
  });
}

/**
 * A report's testsuites: its own; for a repeated run (report.repeat) one per iteration, each with
 * that iteration's per-run budgets, then the run's own, whose budgets judge the whole run (percentile
 * budgets on the distribution). CI reads this file; the iterations' own folders hold theirs too.
 */
export function junitSuitesOf(report: Report): JunitSuite[] {
  const iterations = report.repeat?.iterations ?? [];
  return [
    ...iterations.map((it) =>
      suiteOf({
        scenario: report.scenario.name,
        startedAt: it.startedAt,
        // The iteration's own report has its duration; the run's keeps its figures, not its time.
        durationMs: 0,
        error: it.error,
        budgets: it.budgets,
        properties: [
          ["verdict", it.verdict],
          ["scenario.file", report.scenario.file],
          ["report", it.dir],
        ],
        systemOut: it.budgets.map(budgetLine).join("\n"),
        iteration: it.iteration,
      }),
    ),
    junitSuiteOf(report),
  ];
}

/** A scenario that produced no report: one errored `drill` testcase saying why. */
export function junitSuiteOfFailure(failure: RunFailure): JunitSuite {
  const text = `the drill did not run: ${failure.error.message}`;
  return {
    name: failure.name,
    classname: `vipdrill.${failure.name}`,
    timestamp: failure.startedAt,
    durationMs: failure.durationMs,
    properties: [
      ["verdict", "error"],
      ["scenario.file", failure.file],
      ["exitCode", failure.exitCode],
    ],
    cases: [
      {
        name: DRILL_CASE,
        durationMs: failure.durationMs,
        properties: [],
        error: { type: failure.error.code, message: failure.error.message, text },
        systemOut: text,
      },
    ],
    systemOut: text,
  };
}

/** `failover: 3.400 s ± 10.2 ms (limit 3.000 s) — breached`, with the detail where there is one. */
const budgetLine = (b: BudgetResult): string => `${b.name}: ${b.measured} (limit ${b.limit}) — ${b.pass ? "held" : "breached"}${b.detail ? `; ${b.detail}` : ""}`;

function budgetCase(b: BudgetResult): JunitCase {
  // Words for people, then the numbers (units in their names); a budget without one leaves it out.
  const properties: Array<[string, string | number | null | undefined]> = [
    ["measured", b.measured],
    ["limit", b.limit],
    ["precision", b.precision],
    ["detail", b.detail],
    ["measuredMs", b.measuredMs],
    ["limitMs", b.limitMs],
    ["precisionMs", b.precisionMs],
    ["measuredCount", b.measuredCount],
    ["limitCount", b.limitCount],
  ];
  const line = budgetLine(b);
  const result: JunitCase = {
    name: b.name,
    durationMs: 0,
    properties: properties.filter((p): p is [string, string | number] => p[1] !== null && p[1] !== undefined),
    systemOut: line,
  };
  if (!b.pass) result.failure = { message: `${b.name} breached: ${b.measured}, limit ${b.limit}`, text: line };
  return result;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
const propertiesEntry = (properties: Array<[string, string | number]>): XmlEntry[] =>
  properties.length === 0 ? [] : [{ name: "properties", children: properties.map(([name, value]) => ({ name: "property", attributes: { name, value } })) }];

function caseEntry(suite: JunitSuite, c: JunitCase): XmlEntry {
  const children: XmlEntry[] = [...propertiesEntry(c.properties)];
  if (c.failure) children.push({ name: "failure", attributes: { type: "budget", message: c.failure.message }, text: c.failure.text });
  if (c.error) children.push({ name: "error", attributes: { type: c.error.type, message: c.error.message }, text: c.error.text });
  children.push({ name: "system-out", text: c.systemOut });
  return { name: "testcase", attributes: { classname: suite.classname, name: c.name, time: seconds(c.durationMs) }, children };
}

const count = (suite: JunitSuite, what: "failure" | "error"): number => suite.cases.filter((c) => c[what] !== undefined).length;

/** One junit.xml from one or more suites (a repeated run: one per iteration). */
export function renderJunit(suites: readonly JunitSuite[]): string {
  const total = (f: (s: JunitSuite) => number): number => suites.reduce((sum, s) => sum + f(s), 0);
  return serializeXml({
    name: "testsuites",
    attributes: {
      name: "vipdrill",
      tests: total((s) => s.cases.length),
      failures: total((s) => count(s, "failure")),
      errors: total((s) => count(s, "error")),
      time: seconds(total((s) => s.durationMs)),
    },
    children: suites.map((suite) => ({
      name: "testsuite",
      attributes: {
        name: suite.name,
        tests: suite.cases.length,
        failures: count(suite, "failure"),
        errors: count(suite, "error"),
        skipped: 0,
        time: seconds(suite.durationMs),
        timestamp: suite.timestamp,
      },
      children: [...propertiesEntry(suite.properties), ...suite.cases.map((c) => caseEntry(suite, c)), { name: "system-out", text: suite.systemOut }],
    })),
  });
}
