import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../../src/common/package-root.js";
import { listScenarios } from "../../src/scenario/load.js";

/**
 * The example pipelines in examples/ci/ are what a team copies for its nightly drill: they must call
 * vipdrill as the README does, with shipped scenarios, keep reports/ whatever the outcome, and hand
 * CI the JUnit files of every run folder (and not reports/latest's, the same files again).
 */
const root = packageRoot();
const load = async (file: string): Promise<Record<string, unknown>> => parse(await readFile(join(root, "examples", "ci", file), "utf8")) as Record<string, unknown>;

/** `./vipdrill <command> …` lines of a script, as the README writes them. */
const vipdrillCalls = (scripts: string[]): string[][] =>
  scripts.flatMap((script) => script.split("\n")).flatMap((line) => {
    const words = line.trim().split(/\s+/);
    return words[0] === "./vipdrill" ? [words.slice(1)] : [];
  });

/** The README's own `./vipdrill <command>` lines (its shell blocks). */
async function readmeCommands(): Promise<Set<string>> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return new Set(vipdrillCalls(blocks).map((words) => words[0]!));
}

/** A CI glob with `*` (one path segment) as a RegExp. */
const globRegExp = (glob: string): RegExp => new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);

async function checkCalls(calls: string[][]): Promise<void> {
  const documented = await readmeCommands();
  const shipped = new Set((await listScenarios()).map((file) => basename(file, ".yaml")));
  expect(calls.map((words) => words[0])).toContain("run");
  for (const [command, ...rest] of calls) {
    expect(documented, `./vipdrill ${command} is not in the README's commands`).toContain(command);
    // Bare words after the command are scenarios: each must be a shipped one.
    for (const word of rest.filter((w) => !w.startsWith("-") && !w.startsWith(">") && !w.includes("."))) expect(shipped).toContain(word);
  }
}

/** What a JUnit glob picks from a reports/ folder with two runs and the latest link. */
const junitPicked = (glob: string): string[] =>
  ["reports/2026-11-25T03-17-02Z-link-pull-vip-owner/junit.xml", "reports/2026-11-25T03-18-40Z-drain-control-plane/junit.xml", "reports/latest/junit.xml"].filter((p) =>
    globRegExp(glob).test(p),
  );

describe("examples/ci/github-actions.yml", () => {
  it("runs nightly, calls the README's commands on shipped scenarios, keeps reports/ and publishes every run's JUnit", async () => {
    const workflow = await load("github-actions.yml");
    expect((workflow.on as { schedule: Array<{ cron: string }> }).schedule[0]!.cron).toMatch(/^\S+ \S+ \* \* \*$/);
    const steps = Object.values(workflow.jobs as Record<string, { steps: Array<Record<string, unknown>> }>).flatMap((job) => job.steps);
    await checkCalls(vipdrillCalls(steps.flatMap((s) => (typeof s.run === "string" ? [s.run] : []))));
    const upload = steps.find((s) => String(s.uses).startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("always()");
    const paths = String((upload?.with as { path: string }).path).split("\n");
    expect(paths).toContain("reports/");
    const junit = steps.find((s) => String(s.uses).startsWith("mikepenz/action-junit-report@"));
    expect(junit?.if).toBe("always()");
    expect(junitPicked(String((junit?.with as { report_paths: string }).report_paths))).toHaveLength(2);
  });
});

describe("examples/ci/gitlab-ci.yml", () => {
  it("calls the README's commands on shipped scenarios, keeps reports/ whatever the outcome and hands GitLab every run's JUnit", async () => {
    const pipeline = await load("gitlab-ci.yml");
    const jobs = Object.values(pipeline).filter((v): v is { script: string[]; artifacts?: Record<string, unknown>; rules?: Array<{ if: string }> } =>
      Array.isArray((v as { script?: unknown }).script),
    );
    await checkCalls(vipdrillCalls(jobs.flatMap((job) => job.script)));
    const drill = jobs.find((job) => vipdrillCalls(job.script).some((words) => words[0] === "run"))!;
    expect(drill.rules?.map((r) => r.if)).toContain('$CI_PIPELINE_SOURCE == "schedule"');
    expect(drill.artifacts).toMatchObject({ when: "always" });
    expect(drill.artifacts?.paths).toContain("reports/");
    expect(junitPicked(String((drill.artifacts?.reports as { junit: string }).junit))).toHaveLength(2);
  });
});
