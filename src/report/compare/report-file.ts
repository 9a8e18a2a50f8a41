/**
 * report.json files read back (compare): a folder or a file, validated before anything is done with
 * it. Whatever is wrong is one line naming the file and the path in it (`faults[0].failoverMs:
 * expected a number or null, got "3 s"`): a file that is not vipdrill's, is truncated, or was written
 * by a newer report format.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { RUN_FIGURE_KEYS } from "../../analysis/run-figures.js";
import { describeInput } from "../../common/duration.js";
import { UsageError } from "../../common/errors.js";
import { display, dotted } from "../../common/display-path.js";
import { REPORT_SCHEMA_VERSION } from "../report-types.js";

const num = z.number();
const numOrNull = z.number().nullable();
const fault = z.looseObject({
  type: z.string(),
  target: z.string(),
  failoverMs: numOrNull,
  precisionMs: num,
  outageMs: numOrNull,
  outagePrecisionMs: num,
  vipMoveMs: numOrNull,
  vipMovePrecisionMs: numOrNull,
  failbackMs: numOrNull,
  failbackPrecisionMs: numOrNull,
  failbackRecoveryMs: numOrNull,
  failbackRecoveryPrecisionMs: numOrNull,
  vipMoveBackMs: numOrNull,
  vipMoveBackPrecisionMs: numOrNull,
  errorsAfterRecovery: numOrNull,
});
const figureValue = z.looseObject({ value: numOrNull, precision: numOrNull });
const iteration = z.looseObject({
  iteration: z.number().int().min(1),
  dir: z.string(),
  verdict: z.enum(["pass", "fail"]),
  figures: z.looseObject(Object.fromEntries(RUN_FIGURE_KEYS.map((key) => [key, figureValue])) as Record<(typeof RUN_FIGURE_KEYS)[number], typeof figureValue>),
});

/** What compare reads of a report.json; every other field is let through as it is. */
export const readableReport = z.looseObject({
  vipdrill: z.string(),
  verdict: z.enum(["pass", "fail"]),
  startedAt: z.string(),
  scenario: z.looseObject({ name: z.string(), file: z.string(), spec: z.unknown() }),
  target: z.looseObject({ kind: z.string(), name: z.string() }),
  faults: z.array(fault),
  budgets: z.array(z.looseObject({ name: z.string(), limit: z.string(), measured: z.string(), pass: z.boolean() })),
  probes: z.looseObject({ failed: num }),
  analysis: z.looseObject({ latency: z.record(z.string(), z.looseObject({ p50: numOrNull, p99: numOrNull })) }),
  repeat: z.looseObject({ requested: num, completed: num, iterations: z.array(iteration).min(1) }).optional(),
});
export type ReadableReport = z.infer<typeof readableReport>;

export interface LoadedReport {
  /** The report.json as the user named it (or found in the folder they named), for messages. */
  file: string;
  report: ReadableReport;
}

const notFound = (message: string): never => {
  throw new UsageError("VIPDRILL_REPORT_NOT_FOUND", message);
};
const invalid = (file: string, message: string): never => {
  throw new UsageError("VIPDRILL_REPORT_INVALID", `${display(file)}: ${message}`);
};

/** A report folder (reports/<time>-<scenario>/) or a report.json file. */
export async function readReport(path: string): Promise<LoadedReport> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return notFound(`${display(path)}: no such report folder or file`);
  if (!info.isDirectory() && basename(path) === "latest") {
    const target = await latestFileTarget(path);
    if (target !== undefined) return readReport(target);
  }
  const file = info.isDirectory() ? join(path, "report.json") : path;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    if (!info.isDirectory()) return notFound(`${display(file)}: cannot be read`);
    const folders = (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    const hint = folders.length > 0 ? ` (it holds folders such as ${display(join(path, folders.sort().at(-1)!))}: name one of those)` : "";
    return notFound(`${display(path)}: no report.json in this folder${hint}`);
  }
  return { file: display(file), report: parseReport(text, file) };
}

/**
 * reports/latest where symlinks cannot be made is a text file naming the newest run's folder
 * (report/latest-link.ts): that folder, as written or beside the file; undefined when it names none.
 */
async function latestFileTarget(path: string): Promise<string | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const named = text.trim();
  if (named === "" || named.includes("\n")) return undefined;
  for (const candidate of [named, join(dirname(path), basename(named))]) {
    if ((await stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  return undefined;
}

/** report.json text → the fields compare reads, or a UsageError naming the file and the path. */
export function parseReport(text: string, file: string): ReadableReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return invalid(file, `truncated or not JSON (${jsonErrorWhere(error, text)})`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data) || typeof (data as { vipdrill?: unknown }).vipdrill !== "string") {
    return invalid(file, `not a vipdrill report.json (expected an object with "vipdrill", "scenario", "faults", got ${describeInput(data)}${isObject(data) ? " without a \"vipdrill\" field" : ""})`);
  }
  const record = data as Record<string, unknown>;
  const version = record.schemaVersion ?? record.version;
  if (typeof version !== "number") return invalid(file, `schemaVersion: expected a report format version, got ${describeInput(version)}`);
  if (version > REPORT_SCHEMA_VERSION) {
    return invalid(file, `written by vipdrill ${String(record.vipdrill)} in report format ${version}; this vipdrill reads format ${REPORT_SCHEMA_VERSION} and older: upgrade vipdrill to read it`);
  }
  const result = readableReport.safeParse(data);
  if (result.success) return result.data;
  return invalid(file, issueLine(result.error.issues, data));
}

const isObject = (value: unknown): boolean => value !== null && typeof value === "object" && !Array.isArray(value);

/** The first problem, as `path: expected …, got …`, and how many more there are. */
export function issueLine(issues: readonly z.core.$ZodIssue[], data: unknown): string {
  const issue = issues[0]!;
  const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  let value: unknown = data;
  for (const key of path) value = isObject(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[key] : undefined;
  const what = issue.code === "invalid_type" ? `a${/^[aeiou]/.test(issue.expected) ? "n" : ""} ${issue.expected}` : issue.code === "invalid_value" ? `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` : issue.message;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length === 2 ? "" : "s"})` : "";
  return `${path.length > 0 ? `${dotted(path)}: ` : ""}expected ${what}, got ${describeInput(value)}${more}`;
}

/** Where JSON.parse stopped, as a line: "line 12: Unexpected end of JSON input". */
export function jsonErrorWhere(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset = position === undefined ? (/Unexpected end/.test(message) ? text.length : undefined) : Number(position);
  const short = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
  return offset === undefined ? short : `line ${text.slice(0, offset).split("\n").length}: ${short}`;
}
