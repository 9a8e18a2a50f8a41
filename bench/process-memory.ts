import { readFile } from "node:fs/promises";

export interface ProcessMemory {
  rssBytes: number;
  /** Heaps and malloc arenas. */
  anonBytes: number;
  /** Mapped files: node's own code and the shared libraries. */
  fileBytes: number;
}

/** A process's resident memory from /proc/PID/status; undefined once it has exited. */
export async function processMemory(pid: number): Promise<ProcessMemory | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  if (status === undefined) return undefined;
  const bytes = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  const rssBytes = bytes("VmRSS");
  return Number.isNaN(rssBytes) ? undefined : { rssBytes, anonBytes: bytes("RssAnon"), fileBytes: bytes("RssFile") };
}
