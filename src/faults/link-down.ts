import type { FaultSpec } from "../model/scenario.js";
import type { Host } from "../model/host.js";
import { interfaceNames } from "../host-tools/interfaces.js";
import { exec, type Command } from "../model/command.js";
import type { FaultDefinition } from "./fault.js";

/** Routes the kernel re-creates by itself when the link comes back (their address stays). */
const isKernelRoute = (line: string): boolean => /\bproto kernel\b/.test(line) || /^fe80::/.test(line) || /^(multicast|local) /.test(line);

/** Words `ip route show` prints about a route's state that `ip route replace` does not accept. */
const STATE_WORDS = new Set(["linkdown", "dead", "onlink", "pervasive", "offload", "trap", "rt_offload", "rt_trap"]);

/** `ip route replace` argv for one line of `ip -o route show dev IF` (which omits the dev). */
export function routeRestoreArgv(family: "-4" | "-6", line: string, dev: string): string[] {
  const words = line.trim().split(/\s+/).filter((w) => w && !STATE_WORDS.has(w) && w !== "\\");
  return ["ip", family, "route", "replace", ...words, "dev", dev];
}

async function routesOf(host: Host, dev: string): Promise<string[][]> {
  // Both families at once: each command is a round trip (a docker exec, an SSH channel), and a
  // repeated drill pays them at every prepare and every restore's verification.
  const families = ["-4", "-6"] as const;
  const results = await Promise.all(families.map((family) => host.transport.exec(["ip", "-o", family, "route", "show", "dev", dev], { timeoutMs: 10_000 })));
  return results.flatMap((result, i) =>
    result.exitCode !== 0
      ? []
      : result.stdout
          .split("\n")
          .filter((line) => line.trim() && !isKernelRoute(line.trim()))
          .map((line) => routeRestoreArgv(families[i]!, line, dev)),
  );
}

async function linkState(host: Host, dev: string): Promise<"up" | "down" | "missing"> {
  const result = await host.transport.exec(["ip", "-o", "link", "show", "dev", dev], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) return "missing";
  return /<[^>]*\bUP\b[^>]*>/.test(result.stdout) ? "up" : "down";
}

/**
 * Whether taking dev down cuts vipdrill's own connection to the host: the route from the host back
 * to the address our connection comes from (SSH's client side, or a jump host) leaves through dev.
 */
export async function carriesTransport(host: Host, dev: string): Promise<boolean> {
  const peer = host.transport.peerAddress;
  if (!peer) return false;
  const result = await host.transport.exec(["ip", "-o", "route", "get", peer], { timeoutMs: 10_000 });
  // Unknown is taken as "yes": waiting for the host's own timer is safe, waiting for a reply that cannot come is not.
  if (result.exitCode !== 0) return true;
  return /\bdev (\S+)/.exec(result.stdout)?.[1] === dev;
}

/**
 * "Pull the link": `ip link set dev IF down`. Taking a link down deletes the routes through it, so the
 * restore puts back the ones captured just before the fault, after the link is up again.
 */
export const linkDown: FaultDefinition<Extract<FaultSpec, { type: "link-down" }>> = {
  type: "link-down",
  description: "take a network interface down on the target hosts",
  labOnly: false,
  async prepare(spec, targets, _topology, { dryRun }) {
    return Promise.all(
      targets.map(async (host) => {
        const dev = spec.interface ?? host.vipInterface;
        // The routes, the way back to us and the link's state, read at once (the precheck uses that state).
        const [routes, cutsTransport, stateNow] = dryRun
          ? [[["ip", "route", "replace", `<each non-kernel route of ${dev}, captured before the fault>`, "dev", dev]], false, undefined]
          : await Promise.all([routesOf(host, dev), carriesTransport(host, dev), linkState(host, dev)]);
        const restore: Command[] = [exec(["ip", "link", "set", "dev", dev, "up"]), ...routes.map((argv) => exec(argv))];
        return {
          host,
          cutsTransport,
          inject: [exec(["ip", "link", "set", "dev", dev, "down"])],
          restore,
          selfHealing: true,
          precheck: async () => {
            const state = stateNow ?? (await linkState(host, dev));
            if (state === "missing") {
              const names = await interfaceNames(host);
              return `no interface ${dev} on ${host.id} (it has: ${names.join(", ") || "none that ip -o link show lists"})`;
            }
            return state === "up" ? undefined : `interface ${dev} on ${host.id} is already down`;
          },
          injected: async () => ((await linkState(host, dev)) === "down" ? undefined : `${dev} on ${host.id} still up`),
          restored: async () => {
            const [state, now] = await Promise.all([linkState(host, dev), routesOf(host, dev)]);
            if (state !== "up") return `${dev} on ${host.id} still down`;
            const missing = routes.filter((argv) => !now.some((r) => r.join(" ") === argv.join(" ")));
            return missing.length === 0 ? undefined : `${host.id}: routes not back: ${missing.map((r) => r.slice(4, -2).join(" ")).join("; ")}`;
          },
        };
      }),
    );
  },
};
