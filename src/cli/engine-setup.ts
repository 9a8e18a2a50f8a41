import { spawn } from "node:child_process";
import { join } from "node:path";
import { LabError } from "../common/errors.js";
import { packageRoot } from "../common/package-root.js";
import { connectEngine } from "../targets/docker/engine.js";

/**
 * The Docker engine; where none answers and VIPDRILL_SETUP_ENGINE=1 (set by the `./vipdrill` wrapper of
 * a clone), set one up first with lab/setup-engine.sh (Debian's docker.io, as root). Only commands
 * that need the engine call this, so --help, --version, validate and plan never install or start
 * anything.
 */
export async function connectOrSetUpEngine(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof connectEngine> {
  try {
    return await connectEngine(env);
  } catch (error) {
    if (!(error instanceof LabError) || error.code !== "VIPDRILL_NO_DOCKER" || env.VIPDRILL_SETUP_ENGINE !== "1") throw error;
  }
  const script = join(packageRoot(), "lab", "setup-engine.sh");
  // The script says what it does and, when it cannot, what to install, on stderr.
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", process.stderr, process.stderr] });
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (status !== 0) throw new LabError("VIPDRILL_NO_DOCKER", `no Docker engine, and ${script} could not set one up (exit ${status ?? "by a signal"}): see its message above`);
  return connectEngine(env);
}
