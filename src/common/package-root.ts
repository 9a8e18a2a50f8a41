import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The directory holding vipdrill's package.json, whether running from src/ (tsx) or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("vipdrill: cannot find the package root (no package.json above the code)");
    dir = parent;
  }
  cached = dir;
  return dir;
}
