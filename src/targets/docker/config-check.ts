import type Docker from "dockerode";
import { LabError, errorMessage } from "../../common/errors.js";
import type { LabFacts } from "../../host-tools/config-mapping.js";
import type { ExecTransport } from "../../model/host.js";
import { DockerExecTransport } from "./docker-exec-transport.js";
import type { LabFile } from "./lab-files.js";

/** Print each argument that is an executable path or a command on PATH (the names are arguments, never part of the script). */
const HAS_COMMAND = 'for c; do if [ -x "$c" ] || command -v -- "$c" >/dev/null 2>&1; then printf "%s\\n" "$c"; fi; done';
/** Print each argument that is a user of the image. */
const HAS_USER = 'for u; do if id -u -- "$u" >/dev/null 2>&1; then printf "%s\\n" "$u"; fi; done';

/** Long enough for every check; the container removes itself after it even if vipdrill is killed. */
const CHECK_LIFETIME_S = 300;

/**
 * A throwaway container from the lab's node image, on Docker's default network (keepalived -t wants
 * the interface it names to exist): the daemons check files in it before any lab is started, and
 * it says which commands and users the image has. Removed when `use` returns.
 */
export async function withCheckContainer<T>(docker: Docker, image: string, labName: string, use: (node: ConfigCheckNode) => Promise<T>): Promise<T> {
  const name = `vipdrill-${labName}-config-check-${process.pid}`;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      name,
      Image: image,
      Entrypoint: ["sleep", String(CHECK_LIFETIME_S)],
      Labels: { "vipdrill.config-check": labName },
      HostConfig: { AutoRemove: true, NetworkMode: "bridge" },
    });
    await container.start();
  } catch (error) {
    await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
    throw new LabError("VIPDRILL_LAB_START", `the container that checks the configuration (from ${image}) could not be started: ${errorMessage(error)}`, { cause: error });
  }
  try {
    return await use(new ConfigCheckNode(new DockerExecTransport(docker, name)));
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

export class ConfigCheckNode {
  constructor(readonly transport: ExecTransport) {}

  /** Which of these commands (absolute paths, or names on PATH) and users the image has: one command each, the names as arguments. */
  async facts(ask: { commands: readonly string[]; users: readonly string[] }): Promise<LabFacts> {
    const found = async (script: string, names: readonly string[]): Promise<Set<string>> => {
      if (names.length === 0) return new Set();
      const result = await this.transport.exec(["sh", "-c", script, "sh", ...names]);
      return new Set(result.stdout.split("\n").filter((line) => names.includes(line)));
    };
    const [commands, users] = await Promise.all([found(HAS_COMMAND, ask.commands), found(HAS_USER, ask.users)]);
    return { commands, users };
  }

  /** Put files where the lab has them (their directories made). */
  async put(files: readonly LabFile[]): Promise<void> {
    for (const file of files) {
      const result = await this.transport.exec(["install", "-D", "-m", file.mode.toString(8), "/dev/stdin", file.path], { stdin: file.content });
      if (result.exitCode !== 0) throw new LabError("VIPDRILL_LAB_START", `could not write ${file.path} into the configuration check container: ${result.stderr.trim()}`);
    }
  }

  /** Run argv (a daemon's own check) and return what it said. */
  async run(argv: readonly string[]): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
    return this.transport.exec(argv, { timeoutMs: 30_000 });
  }
}
