import { readFile, readdir } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type { z } from "zod";
import { UsageError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { describeInput } from "./duration.js";
import { scenarioSchema } from "./schema.js";
import type { Scenario } from "./types.js";

export const DEFAULT_SCENARIO = "link-pull-vip-owner.yaml";
const INVALID = "VIPDRILL_SCENARIO_INVALID";

/** The shipped scenarios: `scenarios/` beside package.json, whether running from src/ or dist/. */
export function builtinScenariosDir(): string {
  return join(packageRoot(), "scenarios");
}

export function defaultScenarioFile(): string {
  return join(builtinScenariosDir(), DEFAULT_SCENARIO);
}

/** The shipped scenario files (absolute paths), sorted by name. */
export async function listScenarios(): Promise<string[]> {
  const dir = builtinScenariosDir();
  return (await readdir(dir))
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}

/** Paths in messages: relative to the working directory when under it, else absolute. */
function display(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel === "" || rel.startsWith("..") || rel.startsWith(sep) ? resolve(file) : rel;
}

/**
 * Read, parse and validate a scenario file. A bare name that is not a file here (`keepalived-stop-vip-owner`)
 * is looked up among the shipped scenarios.
 */
export async function loadScenario(file: string): Promise<Scenario> {
  const candidates = [file];
  if (!file.includes("/") && !file.includes(sep)) {
    candidates.push(join(builtinScenariosDir(), file));
    if (extname(file) === "") candidates.push(join(builtinScenariosDir(), `${file}.yaml`));
  }
  for (const candidate of candidates) {
    let text: string;
    try {
      text = await readFile(candidate, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") continue;
      const why = code === "EISDIR" ? "is a directory, not a scenario file" : `cannot be read (${code ?? String(error)})`;
      throw new UsageError("VIPDRILL_SCENARIO_UNREADABLE", `${display(candidate)}: ${why}`, { cause: error });
    }
    return parseScenario(text, candidate);
  }
  throw new UsageError(
    "VIPDRILL_SCENARIO_NOT_FOUND",
    `${display(file)}: no such file (scenarios are in ${display(builtinScenariosDir())}/; \`vipdrill validate\` lists them)`,
  );
}

/**
 * Validate scenario text. Every problem is one line, `file:line: path: expected …, got …`, sorted by
 * line; they are thrown together as one UsageError (VIPDRILL_SCENARIO_INVALID).
 */
export function parseScenario(text: string, file: string): Scenario {
  const name = display(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One line per position: yaml often reports a second, consequential error at the same spot.
    const seen = new Set<number>();
    const lines: string[] = [];
    for (const error of doc.errors) {
      if (seen.has(error.pos[0])) continue;
      seen.add(error.pos[0]);
      const { line, col } = lineCounter.linePos(error.pos[0]);
      lines.push(`${name}:${line}:${col}: ${yamlMessage(error.code, error.message, keyAt(doc, error.pos[0]))}`);
    }
    throw new UsageError(INVALID, lines.join("\n"));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to an anchor that does not exist (or an alias bomb): point at the first alias.
    let line = 1;
    visit(doc, {
      Alias(_, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    throw new UsageError(INVALID, `${name}:${line}: ${(error as Error).message}`, { cause: error });
  }
  if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data)) {
    const got = data === null || data === undefined ? "an empty file" : describeInput(data);
    throw new UsageError(INVALID, `${name}:${locate(doc, lineCounter, []) ?? 1}: expected a scenario mapping (version, name, description, fault, …), got ${got}`);
  }
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues
      .flatMap((issue) => formatIssue(issue, doc, lineCounter, data))
      .sort((a, b) => a.line - b.line)
      .map((l) => `${name}:${l.line}: ${l.text}`);
    throw new UsageError(INVALID, [...new Set(lines)].join("\n"));
  }
  return { file: resolve(file), ...result.data };
}

/** The mapping key that starts at an offset, if any (to name a duplicate key). */
function keyAt(doc: Document, offset: number): string | undefined {
  let key: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key;
}

function yamlMessage(code: string, message: string, key: string | undefined): string {
  if (code === "MULTIPLE_DOCS") return "a scenario is one YAML document, but there is a second one here (after ---)";
  if (code === "DUPLICATE_KEY" && key !== undefined) return `duplicate key ${JSON.stringify(key)} (map keys must be unique)`;
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+$/, "");
}

type Path = readonly (string | number)[];

/** The line of the node at a path, or of the nearest one above it that exists (a missing key: its parent's key). */
function locate(doc: Document, lineCounter: LineCounter, path: Path): number | undefined {
  const startLine = (n: unknown): number | undefined => {
    const offset = (n as Node | null | undefined)?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  let node: unknown = doc.contents;
  let line = startLine(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(key));
      if (!pair) return line;
      // The key's line, not the value's: a block mapping or a folded string starts below its key.
      line = startLine(pair.key) ?? startLine(pair.value) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number" && node.items[key] !== undefined) {
      node = node.items[key];
      line = startLine(node) ?? line;
    } else {
      return line;
    }
  }
  return line;
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const key of path) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function dotted(path: Path): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

const quote = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** One zod issue → one or more `{ line, "path: expected …, got …" }`. Never zod's own JSON. */
function formatIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, data: unknown): Array<{ line: number; text: string }> {
  const path: Path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const at = (p: Path, text: string): { line: number; text: string } => ({
    line: locate(doc, lineCounter, p) ?? 1,
    text: p.length > 0 ? `${dotted(p)}: ${text}` : text,
  });
  const value = valueAt(data, path);
  const got = `got ${describeInput(value)}`;
  switch (issue.code) {
    case "unrecognized_keys":
      // Our strict() mappings put the keys there are in the message.
      return issue.keys.map((key) => at([...path, key], `unknown key ${JSON.stringify(key)} (${issue.message})`));
    case "invalid_union": {
      const discriminator = "discriminator" in issue ? (issue as { discriminator?: string }).discriminator : undefined;
      if (discriminator !== undefined) {
        // zod puts the tag's name on the path already; older versions did not.
        const tagPath = path[path.length - 1] === discriminator ? path : [...path, discriminator];
        const options = ((issue as { options?: unknown[] }).options ?? []).map(quote).join(", ");
        return [at(tagPath, `expected one of ${options}, got ${describeInput(valueAt(data, tagPath))}`)];
      }
      break;
    }
    case "invalid_value":
      if (issue.message.startsWith("expected ")) break;
      return [at(path, issue.values.length === 1 ? `expected ${quote(issue.values[0])}, ${got}` : `expected one of ${issue.values.map(quote).join(", ")}, ${got}`)];
    case "invalid_type":
      if (issue.message.startsWith("expected ")) break;
      return [at(path, `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got}`)];
    case "too_small":
    case "too_big": {
      if (issue.message.startsWith("expected ")) break;
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small" ? (issue.inclusive ? "at least" : "more than") : issue.inclusive ? "at most" : "less than";
      return [at(path, `expected ${op} ${String(bound)}, ${got}`)];
    }
    case "invalid_format":
      if (issue.message.startsWith("expected ")) break;
      return [at(path, `expected ${issue.pattern ? `a string matching ${issue.pattern}` : `a ${issue.format}`}, ${got}`)];
    default:
      break;
  }
  // Our own messages are whole ("expected …, got …"); anything else gets the value appended.
  return [at(path, issue.message.startsWith("expected ") ? issue.message : `${issue.message}, ${got}`)];
}
