import type Docker from "dockerode";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { LabError, errorMessage } from "../../common/errors.js";
import { packageRoot } from "../../common/package-root.js";

export const BASE_IMAGE = "vipdrill/base:bookworm";
/** Locally present Debian images that can stand in for the debootstrapped base. */
const DEBIAN_BASES = ["debian:bookworm-slim", "debian:bookworm"];

export type ProgressFn = (message: string) => void;

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Content hash of a directory tree: the node image is rebuilt only when its definition changes. */
export async function hashDirectory(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        hash.update(relative(dir, path)).update("\0").update(await readFile(path)).update("\0");
      }
    }
  };
  await walk(dir);
  return hash.digest("hex").slice(0, 12);
}

function run(argv: string[], onLine: ProgressFn): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const take = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-2000);
      const last = chunk.toString().trim().split("\n").pop();
      if (last) onLine(last);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${argv.join(" ")} exited with ${code}: ${tail.trim().split("\n").pop()}`)),
    );
  });
}

/** The base image: a local debian:bookworm(-slim) if present, else a debootstrapped rootfs imported. */
async function ensureBaseImage(docker: Docker, progress: ProgressFn): Promise<string> {
  if (await imageExists(docker, BASE_IMAGE)) return BASE_IMAGE;
  for (const name of DEBIAN_BASES) if (await imageExists(docker, name)) return name;
  if (process.getuid?.() !== 0) {
    throw new LabError(
      "VIPDRILL_BASE_IMAGE",
      `no Debian base image (${BASE_IMAGE}) and debootstrap needs root: run vipdrill once as root, or load debian:bookworm-slim into Docker`,
    );
  }
  const work = await mkdtemp(join(tmpdir(), "vipdrill-rootfs-"));
  const tar = join(work, "rootfs.tar");
  try {
    progress("base image: debootstrap bookworm (about 35 s, once)");
    await run(["bash", join(packageRoot(), "lab", "base", "make-rootfs.sh"), tar], (line) =>
      progress(`base image: ${line.slice(0, 100)}`),
    );
    progress("base image: importing");
    const [repo, tag] = BASE_IMAGE.split(":") as [string, string];
    const response = await docker.importImage(createReadStream(tar), { repo, tag });
    await followProgress(docker, response, () => undefined);
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw new LabError("VIPDRILL_BASE_IMAGE", `building the base image failed: ${errorMessage(error)}`, { cause: error });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return BASE_IMAGE;
}

function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (event: BuildEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: BuildEvent[]) => {
        if (error) return reject(error);
        const failed = output.find((event) => event.error);
        if (failed) return reject(new Error(failed.error ?? "build failed"));
        resolve();
      },
      onEvent,
    );
  });
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
}

/**
 * Make sure the lab node image for the current lab/node definition exists, building it (and the
 * base image) from Debian's packages if not. Returns the image name.
 */
export async function ensureNodeImage(docker: Docker, progress: ProgressFn = () => undefined): Promise<string> {
  const context = join(packageRoot(), "lab", "node");
  const hash = await hashDirectory(context);
  const image = `vipdrill/node:${hash}`;
  if (await imageExists(docker, image)) return image;
  const started = Date.now();
  const base = await ensureBaseImage(docker, progress);
  progress(`node image ${image}: building from ${base} (first run only, a few minutes)`);
  const files = await listFiles(context);
  try {
    const stream = await docker.buildImage(
      { context, src: files },
      { t: image, buildargs: { BASE_IMAGE: base }, labels: { "vipdrill.image": "node" }, rm: true, forcerm: true },
    );
    await followProgress(docker, stream, (event) => {
      const line = event.stream?.trim();
      if (line) progress(`node image: ${line.slice(0, 100)}`);
    });
  } catch (error) {
    throw new LabError("VIPDRILL_IMAGE_BUILD", `building ${image} from lab/node failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  progress(`node image ${image}: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return image;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else out.push(path);
  }
  return out;
}
