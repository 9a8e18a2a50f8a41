import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { junitSuiteOfFailure, renderJunit } from "./junit.js";
import { renderFailureMarkdown } from "./markdown.js";
import { reportDirFor } from "./report-dir.js";
import type { RunFailure } from "./report-types.js";

/**
 * reports/<time>-<scenario>/ for a scenario that produced no report: junit.xml with one errored
 * testcase and summary.md, both saying why, so CI shows a result instead of "no test results".
 * No report.json: there is no drill to describe. Returns the directory.
 */
export async function writeFailureReport(failure: RunFailure, reportsDir: string): Promise<string> {
  const dir = reportDirFor(reportsDir, failure.startedAt, failure.name);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "junit.xml"), renderJunit([junitSuiteOfFailure(failure)])),
    writeFile(join(dir, "summary.md"), renderFailureMarkdown(failure)),
  ]);
  return dir;
}
