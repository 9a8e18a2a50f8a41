import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

let cached: string | undefined;

/** vipdrill's version, from its package.json ("unknown" when that cannot be read): for --version and every report. */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  try {
    cached = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  } catch {
    cached = "unknown";
  }
  return cached;
}
