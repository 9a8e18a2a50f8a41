// Make a fresh clone ready to run: node dependencies, the compiled CLI (--build), and a Docker
// engine (installed and started by lab/setup-engine.sh where that is possible: root on Debian/Ubuntu).
// Plain JavaScript with no dependencies, because it runs before `npm ci`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = new Set(process.argv.slice(2));
const say = (message) => process.stderr.write(`vipdrill setup: ${message}\n`);
// A failed step has already printed its own output; end with one line, not a stack trace.
function step(what, argv) {
  try {
    execFileSync(argv[0], argv.slice(1), { cwd: root, stdio: ["ignore", 2, 2] });
  } catch (error) {
    say(`${what} failed (${argv.join(" ")} exited ${error.status ?? error.code})`);
    process.exit(1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  say("installing node dependencies (npm ci)");
  step("installing node dependencies", ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]);
}

if (args.has("--build")) {
  const built = join(root, "dist", "cli", "main.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(root, "src"))) {
    say("compiling (tsc)");
    step("compiling", [process.execPath, join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  }
}

const engineUp = () =>
  spawnSync("curl", ["-sf", "--max-time", "3", "--unix-socket", "/var/run/docker.sock", "http://localhost/_ping"]).status === 0;
if (!process.env.DOCKER_HOST && !engineUp()) {
  if (process.getuid?.() === 0) {
    const result = spawnSync("bash", [join(root, "lab", "setup-engine.sh")], { stdio: ["ignore", 2, 2] });
    if (result.status !== 0) process.exit(result.status ?? 1);
  } else {
    say("no Docker engine answers at /var/run/docker.sock; as root, lab/setup-engine.sh installs and starts one");
  }
}
