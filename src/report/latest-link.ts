import { rename, rm, symlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

/**
 * reports/latest → the newest run's directory: a relative symlink (so the reports directory can
 * move), replaced atomically by renaming a new link over it; where symlinks cannot be made (some
 * file systems, Windows without the right), a `latest` text file holding the directory's path.
 * Returns what was made.
 */
export async function pointLatestAt(
  reportsDir: string,
  runDir: string,
  makeSymlink: (target: string, path: string) => Promise<void> = symlink,
): Promise<"symlink" | "file"> {
  const latest = join(reportsDir, "latest");
  const temporary = join(reportsDir, `.latest-${process.pid}`);
  try {
    await rm(temporary, { force: true });
    await makeSymlink(basename(runDir), temporary);
    await rename(temporary, latest);
    return "symlink";
  } catch {
    await rm(temporary, { force: true });
    await rm(latest, { force: true });
    await writeFile(latest, `${runDir}\n`);
    return "file";
  }
}
