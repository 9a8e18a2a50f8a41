import { appendFile } from "node:fs/promises";

/**
 * Append a run's summary.md to GitHub Actions' job summary: the file `GITHUB_STEP_SUMMARY` names,
 * when the variable is set (on GitHub's runners only). Several scenarios append one after another.
 */
export async function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, markdown.endsWith("\n") ? `${markdown}\n` : `${markdown}\n\n`);
  return true;
}
