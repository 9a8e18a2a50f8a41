// The steps that make a clone ready, each done only when needed: node dependencies (npm ci), the
// compiled CLI (tsc), a Docker engine (lab/setup-engine.sh). Plain JavaScript with no dependencies,
// because it runs before `npm ci`. Used by scripts/vipdrill.mjs (the ./vipdrill wrapper: the CLI
// only) and scripts/prepare.mjs (npm test's pretest: dependencies and the engine).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const say = (message) => process.stderr.write(`vipdrill setup: ${message}\n`);

// A failed step has already printed its own output; end with one line, not a stack trace.
function step(what, argv) {
  try {
    execFileSync(argv[0], argv.slice(1), { cwd: root, stdio: ["ignore", 2, 2] });
  } catch (error) {
    say(`${what} failed (${argv.join(" ")} exited ${error.status ?? error.code})`);
    process.exit(1);
  }
}

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureDependencies() {
  const installed = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, "package-lock.json")).mtimeMs) {
    say("installing node dependencies (npm ci)");
    step("installing node dependencies", ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]);
  }
}

/** tsc when dist/ is missing or older than any file in src/. */
export function ensureCompiled() {
  const built = join(root, "dist", "cli", "main.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtimeMs(join(root, "src"))) {
    say("compiling (tsc)");
    step("compiling", [process.execPath, join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  }
}

/**
 * A Docker engine at /var/run/docker.sock (or DOCKER_HOST): as root, lab/setup-engine.sh installs
 * and starts one where none answers; otherwise say how. For the tests; the CLI sets the engine up
 * itself when a command needs it (src/cli/engine-setup.ts).
 */
export function ensureEngine() {
  const engineUp = () =>
    spawnSync("curl", ["-sf", "--max-time", "3", "--unix-socket", "/var/run/docker.sock", "http://localhost/_ping"]).status === 0;
  if (process.env.DOCKER_HOST || engineUp()) return;
  if (process.getuid?.() === 0) {
    const result = spawnSync("bash", [join(root, "lab", "setup-engine.sh")], { stdio: ["ignore", 2, 2] });
    if (result.status !== 0) process.exit(result.status ?? 1);
  } else {
    say("no Docker engine answers at /var/run/docker.sock; as root, lab/setup-engine.sh installs and starts one");
  }
}

/**
 * Debian's Chromium for the HTML report's browser test (test/e2e/html-report.test.ts): installed by
 * scripts/setup-browser.sh where it is missing and we are root; elsewhere that script says what to install.
 */
export function ensureBrowser() {
  if (existsSync("/usr/bin/chromium")) return;
  const result = spawnSync("bash", [join(root, "scripts", "setup-browser.sh")], { stdio: ["ignore", 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
