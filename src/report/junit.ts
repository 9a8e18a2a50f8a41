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

/** A scenario's report as one testsuite; `iteration` (from 1) names one run of a repeated scenario. */
export function junitSuiteOf(report: Report, options: { iteration?: number } = {}): JunitSuite {
  const { iteration } = options;
  const drill: JunitCase = {
    name: DRILL_CASE,
    durationMs: report.durationMs,
    properties: [],
    systemOut: report.error ? `the drill did not reach its end: ${report.error.message}` : "the drill ran to its end",
  };
  if (report.error) drill.error = { type: report.error.code, message: report.error.message, text: report.error.message };
  return {
    name: iteration === undefined ? report.scenario.name : `${report.scenario.name} #${iteration}`,
    classname: `vipdrill.${report.scenario.name}${iteration === undefined ? "" : `.iteration-${iteration}`}`,
    timestamp: report.startedAt,
    durationMs: report.durationMs,
    properties: [
      ["verdict", report.verdict],
      ["scenario.file", report.scenario.file],
      ["target", `${report.target.kind} ${report.target.name}`],
      ["endpoint", `${report.target.endpoint.vip}:${report.target.endpoint.port} (${report.target.endpoint.dns})`],
      ["vipdrill", report.vipdrill],
      ...(iteration === undefined ? [] : ([["iteration", iteration]] as Array<[string, number]>)),
    ],
    cases: [drill, ...report.budgets.map(budgetCase)],
    systemOut: figureLines(report)
      .map(([label, text]) => `${label.padEnd(14)} ${text}`)
      .join("\n"),
  };
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
  const line = `${b.name}: ${b.measured} (limit ${b.limit}) — ${b.pass ? "held" : "breached"}${b.detail ? `; ${b.detail}` : ""}`;
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
