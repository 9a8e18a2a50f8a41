import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { UsageError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { normalise, scenarioInput } from "./schema.js";
import type { Scenario } from "./types.js";

export const DEFAULT_SCENARIO = "link-pull-vip-owner.yaml";

export function builtinScenariosDir(): string {
  return join(packageRoot(), "scenarios");
}

export function defaultScenarioFile(): string {
  return join(builtinScenariosDir(), DEFAULT_SCENARIO);
}

/** The shipped scenario files. */
export async function listScenarios(): Promise<string[]> {
  const dir = builtinScenariosDir();
  return (await readdir(dir)).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort().map((f) => join(dir, f));
}

/** Paths in messages are as the user gave them, or relative to the working directory. */
function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UsageError("VIPDRILL_SCENARIO_NOT_FOUND", `${display(file)}: no such file (the shipped scenarios are in ${display(builtinScenariosDir())}/; \`vipdrill validate\` lists them)`);
    }
    throw new UsageError("VIPDRILL_SCENARIO_UNREADABLE", `${display(file)}: cannot read it (${code ?? String(error)})`);
  }
  return parseScenario(text, file);
}

/** Validate scenario text; every problem is one line `file:line: path: expected …, got …`. */
export function parseScenario(text: string, file: string): Scenario {
  const name = display(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, 1).map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `${name}:${pos.line}:${pos.col}: ${e.message.split("\n")[0]} (YAML syntax)`;
    });
    throw new UsageError("VIPDRILL_SCENARIO_INVALID", lines.join("\n"));
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError("VIPDRILL_SCENARIO_INVALID", `${name}:1: expected a mapping with version, name, description and fault, got ${data === null ? "an empty file" : typeof data}`);
  }
  const result = scenarioInput.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => formatIssue(issue, doc, lineCounter, name, data));
    throw new UsageError("VIPDRILL_SCENARIO_INVALID", [...new Set(lines)].join("\n"));
  }
  return normalise(result.data, file);
}

function nodeAt(doc: Document, path: readonly PropertyKey[]): { node: Node | undefined; keyNode: Node | undefined } {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) return { node: node, keyNode };
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      keyNode = undefined;
    } else break;
  }
  return { node: (node as Node | undefined) ?? undefined, keyNode };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

function lineOf(node: Node | undefined, lineCounter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : lineCounter.linePos(offset).line;
}

function formatIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, name: string, data: unknown): string {
  const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const where = (p: readonly (string | number)[], preferKey = false): string => {
    const { node, keyNode } = nodeAt(doc, p);
    return `${name}:${lineOf(preferKey ? (keyNode ?? node) : (node ?? keyNode), lineCounter)}`;
  };
  const got = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));
  const dotted = (p: readonly (string | number)[]): string => p.map((k) => (typeof k === "number" ? `[${k}]` : k)).join(".").replace(/\.\[/g, "[") || "(top level)";
  switch (issue.code) {
    case "unrecognized_keys": {
      const expected = Object.keys(shapeAt(path, data)).map((k) => JSON.stringify(k));
      return issue.keys
        .map((key) => `${where([...path, key], true)}: ${dotted(path)}: unknown key ${JSON.stringify(key)}${expected.length ? ` (expected one of: ${expected.join(", ")})` : ""}`)
        .join("\n");
    }
    case "invalid_value":
      return `${where(path)}: ${dotted(path)}: expected ${issue.values.map((v) => JSON.stringify(v)).join(issue.values.length === 1 ? "" : " or ").replace(/ or (?=.* or )/g, ", ")}, got ${got(valueAt(data, path))}`;
    case "invalid_union": {
      // A discriminated union whose tag matched no option: say which tags there are.
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator) {
        const tagPath = path[path.length - 1] === discriminator ? path : [...path, discriminator];
        const options = (issue as { options?: unknown[] }).options ?? [];
        const listed = options.length ? options.map((o) => JSON.stringify(o)).join(", ") : "a known value";
        return `${where(tagPath)}: ${dotted(tagPath)}: expected one of ${listed}, got ${got(valueAt(data, tagPath))}`;
      }
      return `${where(path)}: ${dotted(path)}: ${issue.message}`;
    }
    case "invalid_type": {
      const value = valueAt(data, path);
      if (value === undefined) return `${where(path.slice(0, -1))}: ${dotted(path)}: required (expected ${issue.expected})`;
      if (issue.message.startsWith("expected a duration")) return `${where(path)}: ${dotted(path)}: ${issue.message}`;
      return `${where(path)}: ${dotted(path)}: expected ${issue.expected}, got ${got(value)}`;
    }
    default: {
      const message = issue.message.startsWith("expected") ? issue.message : `${issue.message}, got ${got(valueAt(data, path))}`;
      return `${where(path)}: ${dotted(path)}: ${message}`;
    }
  }
}

/** The keys the schema knows at a path (for "unknown key" messages). */
function shapeAt(path: readonly (string | number)[], data: unknown): Record<string, unknown> {
  let schema: unknown = scenarioInput;
  const resolve = (s: unknown, at: readonly (string | number)[]): unknown => {
    const current = unwrap(s) as { shape?: Record<string, unknown>; options?: unknown[] };
    // A discriminated union: the option whose "type" is the one written.
    if (current.options) {
      const written = (valueAt(data, at) as { type?: unknown } | undefined)?.type;
      return current.options.map(unwrap).find((o) => {
        const tag = (o as { shape?: { type?: { _zod?: { def?: { values?: unknown[] } } } } }).shape?.type?._zod?.def?.values;
        return tag?.includes(written);
      });
    }
    return current;
  };
  for (let i = 0; i < path.length; i++) {
    schema = resolve(schema, path.slice(0, i));
    const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (!shape) return {};
    schema = shape[String(path[i])];
  }
  schema = resolve(schema, path);
  return (schema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
}

function unwrap(schema: unknown): unknown {
  let current = schema as { _zod?: { def?: { innerType?: unknown; in?: unknown; type?: string } } } | undefined;
  for (let i = 0; i < 8 && current?._zod?.def; i++) {
    const def = current._zod.def;
    const next = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!next) break;
    current = next;
  }
  return current;
}
