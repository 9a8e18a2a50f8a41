import type { Host } from "../model/host.js";

/** The names of a host's network interfaces (`ip -o link show`), for messages about a wrong one. */
export async function interfaceNames(host: Host): Promise<string[]> {
  const links = await host.transport.exec(["ip", "-o", "link", "show"], { timeoutMs: 10_000 });
  return [...links.stdout.matchAll(/^\d+:\s+([^:@\s]+)/gm)].map((m) => m[1]!);
}
