/**
 * Parse lines of `ip -o monitor address link` and `ip -o addr show` / `ip -o link show`.
 * Address:  `2: eth0    inet 172.30.213.200/24 scope global secondary eth0\ valid_lft …`
 * Deleted:  `Deleted 2: eth0    inet 172.30.213.200/24 …`
 * Link:     `2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 … state UP …`
 * When more than one object is monitored, iproute2 may prefix `[ADDR]` / `[LINK]`.
 */
export type IpMonitorEvent =
  | { kind: "addr"; deleted: boolean; dev: string; address: string }
  /** up: administratively (UP); carrier: the link has one (LOWER_UP) — a pulled cable or a disconnected virtual NIC keeps UP and loses LOWER_UP. */
  | { kind: "link"; deleted: boolean; dev: string; up: boolean; carrier: boolean };

/** A VIP on this link is held: the link is up and has a carrier (clients can reach it there). */
export const linkCarries = (link: IpMonitorEvent | undefined): boolean => link?.kind === "link" && !link.deleted && link.up && link.carrier;

/** `ip -ts monitor` prefixes `[2026-11-25T05:27:27.382630]` (the host's local time; we run it with TZ=UTC). */
export function parseMonitorTimestamp(raw: string): { epochMs: number; rest: string } | undefined {
  const match = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?\]\s*/.exec(raw);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(whole)) return undefined;
  const fraction = match[2] ? Number(match[2]) * 1000 : 0;
  return { epochMs: whole + fraction, rest: raw.slice(match[0].length) };
}

export function parseIpMonitorLine(raw: string): IpMonitorEvent | undefined {
  let line = raw.trim().replace(/^\[\d{4}-[^\]]*\]\s*/, "").replace(/^\[(ADDR|LINK)\]\s*/, "");
  const deleted = line.startsWith("Deleted ");
  if (deleted) line = line.slice("Deleted ".length);
  const addr = /^\d+:\s+(\S+)\s+inet6?\s+([0-9a-fA-F.:]+)\/\d+/.exec(line);
  if (addr) return { kind: "addr", deleted, dev: addr[1]!, address: addr[2]! };
  const link = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(line);
  if (link) {
    const flags = link[2]!.split(",");
    return { kind: "link", deleted, dev: link[1]!, up: flags.includes("UP"), carrier: flags.includes("LOWER_UP") };
  }
  return undefined;
}
