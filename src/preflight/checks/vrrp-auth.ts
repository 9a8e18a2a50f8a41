import { errorMessage } from "../../common/errors.js";
import type { Host } from "../../model/host.js";
import { judgeInstance, loadKeepalivedConf, vrrpInstances, type ConfSource, type LoadedConf } from "../keepalived-conf.js";
import { execFailure, execOn, listing, onEveryLoadBalancer, unreachable, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

export const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";

/**
 * Expands an include pattern on the host: the pattern is the script's argument, and an unquoted `$1`
 * with an empty IFS undergoes pathname expansion only (no splitting, no command substitution), as
 * keepalived's glob(3) would; only regular files are listed.
 */
const EXPAND_SCRIPT = 'IFS=; for f in $1; do if [ -f "$f" ]; then printf "%s\\n" "$f"; fi; done; exit 0';

/** A file the host would not give (missing, unreadable): the host answered, so not a transport problem. */
class ConfReadError extends Error {}

/** Files read through the host's transport, argv only. */
export function transportConfSource(context: CheckContext, host: Host): ConfSource {
  return {
    async read(path) {
      const result = await execOn(context, host, ["cat", "--", path]);
      if (result.exitCode !== 0) throw new ConfReadError(execFailure(result));
      return result.stdout;
    },
    async expand(pattern) {
      const result = await execOn(context, host, ["sh", "-c", EXPAND_SCRIPT, "sh", pattern]);
      if (result.exitCode !== 0) throw new ConfReadError(execFailure(result));
      return result.stdout.split("\n").filter((line) => line !== "");
    },
  };
}

/** One balancer's verdict from its configuration. */
export function judgeKeepalived(hostId: string, loaded: LoadedConf): HostFinding {
  const instances = vrrpInstances(loaded.statements);
  const notes = loaded.notes.length > 0 ? ` (${loaded.notes.join("; ")})` : "";
  if (instances.length === 0) {
    return { id: hostId, status: "fail", seen: `no vrrp_instance in ${listing(loaded.files)}${notes}` };
  }
  const judged = instances.map(judgeInstance);
  return { id: hostId, status: judged.every((j) => j.ok) ? "pass" : "fail", seen: judged.map((j) => j.seen).join(", ") + notes };
}

/** The runbook: VRRP authentication configured to prevent spoofing (or unicast peers only). */
export const vrrpAuthCheck: CheckDefinition = {
  id: "vrrp-auth",
  title: "every VRRP instance authenticates its adverts or sends them unicast",
  run: (context) =>
    onEveryLoadBalancer(context, "Keepalived", async (host): Promise<HostFinding> => {
      let loaded: LoadedConf;
      try {
        loaded = await loadKeepalivedConf(KEEPALIVED_CONF, transportConfSource(context, host));
      } catch (error) {
        const seen = error instanceof ConfReadError ? `cannot read ${KEEPALIVED_CONF}: ${errorMessage(error)}` : unreachable(error);
        return { id: host.id, status: "fail", seen };
      }
      return judgeKeepalived(host.id, loaded);
    }),
};
