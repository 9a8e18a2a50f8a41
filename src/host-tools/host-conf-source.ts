/**
 * A host's configuration files read through its transport (argv only), as the readers of
 * keepalived.conf and haproxy.cfg need them: a file's text, the files a pattern matches, the .cfg
 * files of a directory HAProxy was given.
 */
import type { ExecResult } from "../model/host.js";
import { execFailure } from "./exec-failure.js";
import type { ConfSource } from "./keepalived-conf.js";

/**
 * Expands a pattern on the host: the pattern is the script's argument, and an unquoted `$1` with
 * an empty IFS undergoes pathname expansion only (no splitting, no command substitution), as
 * keepalived's glob(3) would; only regular files are listed.
 */
const EXPAND_SCRIPT = 'IFS=; for f in $1; do if [ -f "$f" ]; then printf "%s\\n" "$f"; fi; done; exit 0';
/** HAProxy reads a directory's *.cfg files in lexical order; a file is itself. */
const CONFIG_FILES_SCRIPT = 'if [ -d "$1" ]; then for f in "$1"/*.cfg; do if [ -f "$f" ]; then printf "%s\\n" "$f"; fi; done; else printf "%s\\n" "$1"; fi';

/** A file the host would not give (missing, unreadable): the host answered, so not a transport problem. */
export class ConfReadError extends Error {}

export type HostExec = (argv: readonly string[]) => Promise<ExecResult>;

export interface HostConfSource extends ConfSource {
  /** The files HAProxy reads for a `-f` argument: a directory's *.cfg files, sorted, or the file itself. */
  configFiles(path: string): Promise<string[]>;
}

/** Files read with `exec` on one host; a file it will not give throws a ConfReadError. */
export function hostConfSource(exec: HostExec): HostConfSource {
  const lines = async (argv: readonly string[]): Promise<string[]> => {
    const result = await exec(argv);
    if (result.exitCode !== 0) throw new ConfReadError(execFailure(result));
    return result.stdout.split("\n").filter((line) => line !== "");
  };
  return {
    async read(path) {
      const result = await exec(["cat", "--", path]);
      if (result.exitCode !== 0) throw new ConfReadError(execFailure(result));
      return result.stdout;
    },
    expand: (pattern) => lines(["sh", "-c", EXPAND_SCRIPT, "sh", pattern]),
    async configFiles(path) {
      return (await lines(["sh", "-c", CONFIG_FILES_SCRIPT, "sh", path])).sort();
    },
  };
}
