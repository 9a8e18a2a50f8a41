import { Chalk } from "chalk";
import type { PreflightResult } from "./preflight.js";

const ID_WIDTH = 20;

/**
 * One line per check — `✓ dns                 api.cluster.local → 172.30.99.200`,
 * `✗ haproxy-backends    lb-1: cp-3 DOWN (L7STS) …`, `– dns                 skipped: …` — then
 * `preflight: 5 passed, 1 failed, 0 skipped`. Lines joined with "\n", no trailing newline.
 */
export function renderPreflight(result: PreflightResult, options: { color: boolean }): string {
  return renderPreflightLines(result, options).join("\n");
}

/** The same, as lines (no trailing newline). */
export function renderPreflightLines(result: PreflightResult, options: { color: boolean }): string[] {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines = result.checks.map((check) => {
    const id = check.id.padEnd(ID_WIDTH - 1);
    switch (check.status) {
      case "pass":
        return `${paint.green("✓")} ${id} ${check.seen}`;
      case "fail":
        return `${paint.red("✗")} ${paint.bold(id)} ${paint.red(check.seen)}`;
      case "skip":
        return `${paint.dim("–")} ${paint.dim(id)} ${paint.dim(`skipped: ${check.seen}`)}`;
    }
  });
  const count = (status: string): number => result.checks.filter((c) => c.status === status).length;
  const failed = count("fail");
  const summary = `preflight: ${count("pass")} passed, ${failed} failed, ${count("skip")} skipped`;
  lines.push(failed > 0 ? paint.red(summary) : paint.green(summary));
  return lines;
}
