import type Docker from "dockerode";
import { request } from "node:http";
import { LabError, errorMessage } from "../../common/errors.js";

/** Where the engine is expected when DOCKER_HOST does not say. */
export function engineSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) return host.slice("unix://".length);
  return "/var/run/docker.sock";
}

function pingSocket(socketPath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`);
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.end();
  });
}

/**
 * Connect to the Docker engine the way testcontainers finds it (DOCKER_HOST, ~/.testcontainers.properties,
 * the usual sockets), with its reaper disabled: the reaper image cannot be pulled without a registry,
 * and every lab object carries a vipdrill.lab label that `vipdrill lab down` cleans up by.
 */
export async function connectEngine(env: NodeJS.ProcessEnv = process.env): Promise<Docker> {
  env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  const socket = engineSocketPath(env);
  // Diagnose the common cases first: testcontainers' own error does not say what to do.
  if (!env.DOCKER_HOST || env.DOCKER_HOST.startsWith("unix://")) {
    const problem = await pingSocket(socket);
    if (problem === "EACCES" || problem === "EPERM") {
      throw new LabError(
        "VIPDRILL_DOCKER_PERMISSION",
        `Docker socket ${socket}: permission denied: run as root, or add your user to the "docker" group and log in again`,
      );
    }
    if (problem === "ENOENT" || problem === "ECONNREFUSED") {
      throw new LabError(
        "VIPDRILL_NO_DOCKER",
        `no Docker engine at ${socket}: start one (as root on Debian/Ubuntu, lab/setup-engine.sh installs and starts it)`,
      );
    }
  }
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const client = await getContainerRuntimeClient();
    return client.container.dockerode;
  } catch (error) {
    throw new LabError("VIPDRILL_DOCKER_UNREACHABLE", `no usable Docker engine (${socket}): ${errorMessage(error)}`, {
      cause: error,
    });
  }
}
