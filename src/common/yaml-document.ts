/**
 * YAML files validated by a zod schema, with every problem reported as `file:line: path: expected …,
 * got …` (syntax errors as `file:line:col: …`). Shared by scenarios and inventories.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { z } from "zod";
import { display, dotted } from "./display-path.js";
import { describeInput } from "./duration.js";
import type { CodeOf } from "./error-codes.js";
import { UsageError } from "./errors.js";

export type YamlPath = readonly (string | number)[];

export interface YamlDocumentOptions {
  /** What the file must hold, shown after "expected": "a scenario mapping (version, name, description, fault, …)". */
  what: string;
  /** What one file is, for the one-document rule ("a scenario is one YAML document"): "a scenario". */
  kind: string;
  /** The UsageError code of every problem found in the file. */
  code: CodeOf<"usage">;
}

/** A problem found after validation (a file it names cannot be read, …), at a path in the document. */
export interface YamlProblem {
  path: YamlPath;
  /** "expected …, got …" or "cannot read …", without the path. */
  text: string;
}

/** A parsed YAML file whose top level is a mapping. */
export interface YamlDocument {
  /** The top-level mapping as plain data (aliases resolved). */
  readonly data: Record<string, unknown>;
  /** The line of the node at a path, or of the nearest one above it that exists (a missing key: its parent's key). */
  lineOf(path: YamlPath): number;
  /** The data through the schema; every issue is one line, all thrown together as one UsageError. */
  validate<T>(schema: z.ZodType<T>): T;
  /** Throw problems as one UsageError, `file:line: path: text`, one per line, sorted by line. */
  fail(problems: readonly YamlProblem[]): never;
}

// Where a file and a path in it are shown without parsing any YAML (report.json and history readers).
export { display, dotted } from "./display-path.js";

/** Parse and validate in one go: what the schema outputs, or a UsageError listing every problem. */
export function parseYamlWithSchema<T>(text: string, file: string, schema: z.ZodType<T>, options: YamlDocumentOptions): T {
  return parseYamlDocument(text, file, options).validate(schema);
}

/**
 * Parse YAML text that must be one document holding a mapping. Syntax errors (one line per position,
 * `file:line:col: …`), a second document, a broken alias or a top level that is not a mapping are
 * thrown as a UsageError with `options.code`.
 */
export function parseYamlDocument(text: string, file: string, options: YamlDocumentOptions): YamlDocument {
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
      lines.push(`${name}:${line}:${col}: ${yamlMessage(error.code, error.message, keyAt(doc, error.pos[0]), options.kind)}`);
    }
    throw new UsageError(options.code, lines.join("\n"));
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
    throw new UsageError(options.code, `${name}:${line}: ${(error as Error).message}`, { cause: error });
  }
  if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data)) {
    const got = data === null || data === undefined ? "an empty file" : describeInput(data);
    throw new UsageError(options.code, `${name}:${locate(doc, lineCounter, []) ?? 1}: expected ${options.what}, got ${got}`);
  }
  const mapping = data as Record<string, unknown>;
  const lineOf = (path: YamlPath): number => locate(doc, lineCounter, path) ?? 1;
  const throwLines = (lines: Array<{ line: number; text: string }>): never => {
    const sorted = lines.sort((a, b) => a.line - b.line).map((l) => `${name}:${l.line}: ${l.text}`);
    throw new UsageError(options.code, [...new Set(sorted)].join("\n"));
  };
  return {
    data: mapping,
    lineOf,
    validate<T>(schema: z.ZodType<T>): T {
      const result = schema.safeParse(mapping);
      if (result.success) return result.data;
      return throwLines(result.error.issues.flatMap((issue) => formatIssue(issue, lineOf, mapping)));
    },
    fail(problems: readonly YamlProblem[]): never {
      return throwLines(problems.map((p) => ({ line: lineOf(p.path), text: p.path.length > 0 ? `${dotted(p.path)}: ${p.text}` : p.text })));
    },
  };
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

function yamlMessage(code: string, message: string, key: string | undefined, kind: string): string {
  if (code === "MULTIPLE_DOCS") return `${kind} is one YAML document, but there is a second one here (after ---)`;
  if (code === "DUPLICATE_KEY" && key !== undefined) return `duplicate key ${JSON.stringify(key)} (map keys must be unique)`;
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+$/, "");
}

/** The line of the node at a path, or of the nearest one above it that exists (a missing key: its parent's key). */
function locate(doc: Document, lineCounter: LineCounter, path: YamlPath): number | undefined {
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

function valueAt(data: unknown, path: YamlPath): unknown {
  let value = data;
  for (const key of path) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value;
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
function formatIssue(issue: z.core.$ZodIssue, lineOf: (path: YamlPath) => number, data: unknown): Array<{ line: number; text: string }> {
  const path: YamlPath = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const at = (p: YamlPath, text: string): { line: number; text: string } => ({
    line: lineOf(p),
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
