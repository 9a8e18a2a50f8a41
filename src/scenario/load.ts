import { readFile, readdir } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { UsageError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { display, parseYamlWithSchema } from "../common/yaml-document.js";
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
  const scenario = parseYamlWithSchema(text, file, scenarioSchema, {
    what: "a scenario mapping (version, name, description, fault, …)",
    kind: "a scenario",
    code: "VIPDRILL_SCENARIO_INVALID",
  });
  return { file: resolve(file), ...scenario, lab: withConfigPaths(scenario.lab, dirname(resolve(file))) };
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
