import { access, constants, readFile, readdir, stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { UsageError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { display, parseYamlDocument, type YamlDocument, type YamlProblem } from "../common/yaml-document.js";
import { scenarioSchema } from "./schema.js";
import type { LabSpec, Scenario } from "../model/scenario.js";

export const DEFAULT_SCENARIO = "link-pull-vip-owner.yaml";

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
    const { scenario, doc } = parsedScenario(text, candidate);
    const problems = await unreadableConfigFiles(doc, scenario);
    if (problems.length > 0) doc.fail(problems);
    return scenario;
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
  return parsedScenario(text, file).scenario;
}

function parsedScenario(text: string, file: string): { scenario: Scenario; doc: YamlDocument } {
  const doc = parseYamlDocument(text, file, { what: "a scenario mapping (version, name, description, fault, …)", kind: "a scenario", code: "VIPDRILL_SCENARIO_INVALID" });
  const scenario = doc.validate(scenarioSchema);
  return { scenario: { file: resolve(file), ...scenario, lab: withConfigPaths(scenario.lab, dirname(resolve(file))) }, doc };
}

/** lab.config's files that cannot be read, at their place in the scenario: found by validate and plan, not first by a run. */
async function unreadableConfigFiles(doc: YamlDocument, scenario: Scenario): Promise<YamlProblem[]> {
  const config = scenario.lab.config;
  if (config === undefined) return [];
  const raw = (doc.data.lab as { config?: Record<string, unknown> } | undefined)?.config ?? {};
  const rawBaseline = (raw.baseline ?? {}) as Record<string, unknown>;
  const entries: Array<{ path: Array<string | number>; file: string; given: unknown }> = [];
  const add = (base: Array<string | number>, given: unknown, files: readonly string[]): void => {
    files.forEach((file, i) => entries.push({ path: Array.isArray(given) ? [...base, i] : base, file, given: Array.isArray(given) ? given[i] : given }));
  };
  add(["lab", "config", "keepalived"], raw.keepalived, config.keepalived);
  if (config.haproxy !== undefined) add(["lab", "config", "haproxy"], raw.haproxy, [config.haproxy]);
  if (config.baseline) {
    add(["lab", "config", "baseline", "keepalived"], rawBaseline.keepalived, config.baseline.keepalived);
    if (config.baseline.haproxy !== undefined) add(["lab", "config", "baseline", "haproxy"], rawBaseline.haproxy, [config.baseline.haproxy]);
  }
  const problems: YamlProblem[] = [];
  for (const entry of entries) {
    const why = await unreadable(entry.file);
    if (why !== undefined) problems.push({ path: entry.path, text: `expected a readable file (relative to the scenario's folder), got ${JSON.stringify(entry.given)}: ${why}` });
  }
  return problems;
}

async function unreadable(file: string): Promise<string | undefined> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) return info.code === "ENOENT" ? `no such file (${display(file)})` : `cannot be read (${info.code ?? info.message})`;
  if (info.isDirectory()) return `${display(file)} is a directory`;
  return access(file, constants.R_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => `cannot be read (${error.code ?? error.message})`,
  );
}

/** lab.config's paths are relative to the scenario's folder: made absolute, so two scenarios naming the same relative path elsewhere differ. */
function withConfigPaths(lab: LabSpec, dir: string): LabSpec {
  if (lab.config === undefined) return lab;
  const { keepalived, haproxy, baseline } = lab.config;
  const abs = (path: string): string => resolve(dir, path);
  return {
    ...lab,
    config: {
      keepalived: keepalived.map(abs),
      ...(haproxy !== undefined && { haproxy: abs(haproxy) }),
      ...(baseline !== undefined && { baseline: { keepalived: baseline.keepalived.map(abs), ...(baseline.haproxy !== undefined && { haproxy: abs(baseline.haproxy) }) } }),
    },
  };
}
