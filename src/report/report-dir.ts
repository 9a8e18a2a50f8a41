import { join } from "node:path";

/**
 * reports/<time>-<name>: one directory per scenario run, named by when it started (UTC, to the second,
 * no colons: a valid name on every file system) so that the names sort by time.
 */
export function reportDirFor(reportsDir: string, startedAt: string, name: string): string {
  const stamp = startedAt.replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  return join(reportsDir, `${stamp}-${name}`);
}
