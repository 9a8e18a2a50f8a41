import { keepalivedLogSource } from "../../observers/keepalived-observer.js";
import { MONITOR, MONITOR_HINT } from "../../observers/vip-observer.js";
import { vipCandidateHosts } from "../../model/host.js";
import type { Host } from "../../model/host.js";
import { everyHostPasses, execFailure, execOn, unreachable, type CheckContext, type CheckDefinition, type HostFinding } from "./context.js";

/** How long the monitor must keep running to count as working (one that cannot run ends at once). */
const MONITOR_TRIAL_S = 1;

/**
 * Runs "$@" for a moment: prints `running` if it was still running when killed, else how it ended
 * (its exit status and the start of what it wrote to stderr).
 */
const TRIAL_SCRIPT = [
  'e=$(mktemp) || exit 3',
  '"$@" >/dev/null 2>"$e" &',
  "p=$!",
  `sleep ${MONITOR_TRIAL_S}`,
  'if kill "$p" 2>/dev/null; then echo running; else wait "$p"; s=$?; echo "ended (exit $s): $(head -c 160 "$e" | tr "\\n" " ")"; fi',
  'rm -f "$e"',
].join("\n");

async function inspect(context: CheckContext, host: Host): Promise<HostFinding> {
  try {
    const trial = await execOn(context, host, ["sh", "-c", TRIAL_SCRIPT, "trial", ...MONITOR]);
    if (trial.exitCode !== 0) return { id: host.id, status: "fail", seen: `could not try \`${MONITOR.join(" ")}\`: ${execFailure(trial)}` };
    const said = trial.stdout.trim();
    const monitor = said === "running";
    const parts = [monitor ? "ip monitor runs" : `\`${MONITOR.join(" ")}\` ${said} (${MONITOR_HINT})`];
    if (host.roles.includes("load-balancer")) {
      // Keepalived's log is evidence only: where there is none the drill says so, and this only tells.
      const source = await context.on(host.id, keepalivedLogSource(host, undefined, context.remainingMs()));
      parts.push(source === undefined ? "no Keepalived log to follow (its transitions will not be shown)" : `Keepalived's log from ${source === "journal" ? "the journal" : source}`);
    }
    return { id: host.id, status: monitor ? "pass" : "fail", seen: parts.join(", ") };
  } catch (error) {
    return { id: host.id, status: "fail", seen: unreachable(error) };
  }
}

/** What the drill's observers need: `ip -ts monitor` keeps running on every host that can hold the VIP. */
export const observersCheck: CheckDefinition = {
  id: "observers",
  title: "the VIP can be watched on every host that can hold it",
  async run(context) {
    const hosts = await Promise.all(vipCandidateHosts(context.topology).map((host) => inspect(context, host)));
    if (hosts.length === 0) return { status: "skip", seen: "no host can hold the VIP" };
    return everyHostPasses(hosts);
  },
};
