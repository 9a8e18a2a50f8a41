import type { Clock } from "../common/clock.js";
import type { Timeline } from "../engine/timeline.js";
import type { ExecStream, Host } from "../targets/host.js";
import { HostWatch } from "./host-watch.js";
import { hostTimeToRunMs } from "./host-time.js";

/** `(VI_1) Entering MASTER STATE`, Keepalived 2.x; 1.x wrote `VRRP_Instance(VI_1) Entering …`. */
const TRANSITION = /\(([^)]+)\)\s+Entering\s+([A-Z]+)\s+STATE/;

export function parseKeepalivedLine(line: string): { instance: string; state: string } | undefined {
  const match = TRANSITION.exec(line);
  return match ? { instance: match[1]!, state: match[2]! } : undefined;
}

/** Where Keepalived logs when there is no journald: its own file if set up, else the syslog daemon's. */
export const SYSLOG_FILES = ["/var/log/keepalived.log", "/var/log/syslog", "/var/log/messages"] as const;

/**
 * Prints `journal`, or the log file to follow: the first readable one whose tail mentions
 * Keepalived, else the first readable one (Keepalived may not have logged since the last rotation).
 * The files come as arguments ($1…), never spliced into the script.
 */
const FIND_LOG = [
  'if command -v journalctl >/dev/null 2>&1 && test -d /run/systemd/journal; then echo journal; exit 0; fi',
  "first=",
  'for f in "$@"; do',
  '  test -r "$f" || continue',
  '  if tail -n 5000 "$f" 2>/dev/null | grep -q Keepalived; then echo "$f"; exit 0; fi',
  '  test -n "$first" || first=$f',
  "done",
  'test -n "$first" && echo "$first"',
  "exit 0",
].join("\n");

// short-unix: each line starts with the journal's own timestamp (when Keepalived logged it); lines
// reach us 0.25–0.75 s later, so the arrival time would be the wrong one.
export const JOURNAL_FOLLOW = ["journalctl", "--follow", "--lines=0", "--output=short-unix", "--unit=keepalived"] as const;
/** -F follows the name across a rotation; -n 0 skips what was logged before the drill. */
export const tailFollow = (file: string): string[] => ["tail", "-n", "0", "-F", file];

/** journalctl short-unix: `1796028836.123456 host Keepalived_vrrp[42]: …`. */
const UNIX_STAMP = /^(\d{9,})\.(\d{1,6})\s/;
/** rsyslog's default since Debian 12 (and RSYSLOG_FileFormat): `2026-11-30T08:53:56.123456+00:00 host …`. */
const RFC3339_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)\s/;

/**
 * The host's own time of a log line, ms since the epoch, where the line carries one that says its
 * zone: the journal's and RFC 3339 syslog stamps. The traditional `Nov 30 08:53:56` has neither a
 * zone nor a year nor sub-second digits, so such a line keeps its arrival time (undefined here).
 */
export function logLineEpochMs(line: string): number | undefined {
  const unix = UNIX_STAMP.exec(line);
  if (unix) return Number(unix[1]) * 1000 + Number(unix[2]!.padEnd(6, "0")) / 1000;
  const iso = RFC3339_STAMP.exec(line);
  if (!iso) return undefined;
  const wholeMs = Date.parse(`${iso[1]!}${iso[3]!}`);
  if (Number.isNaN(wholeMs)) return undefined;
  return wholeMs + Number((iso[2] ?? "0").padEnd(9, "0")) / 1e6;
}

/**
 * Follows Keepalived's log on each load balancer; transitions become vrrp-state events. The journal
 * where the host has journald, else the syslog file Keepalived writes to (hosts without systemd).
 */
export class KeepalivedObserver {
  readonly #watch: HostWatch;
  /** Hosts whose source was already noted in the timeline (a reconnect does not repeat it). */
  readonly #noted = new Set<string>();
  constructor(
    private readonly hosts: readonly Host[],
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    /** Where to look when a host has no journald, in order. */
    private readonly logFiles: readonly string[] = SYSLOG_FILES,
  ) {
    this.#watch = new HostWatch((host) => this.#follow(host));
  }

  async start(): Promise<void> {
    await this.#watch.start(this.hosts);
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
  }

  async #follow(host: Host): Promise<ExecStream> {
    const found = await host.transport.exec(["sh", "-c", FIND_LOG, "find-log", ...this.logFiles], { timeoutMs: 10_000 });
    const source = found.exitCode === 0 ? found.stdout.trim() : "";
    if (source === "journal") {
      return host.transport.stream(JOURNAL_FOLLOW, (line) => this.#onLine(host, line));
    }
    if (source === "") {
      // Nothing to follow: watch nothing rather than retry forever, and say so (once) so an empty
      // Keepalived lane in the report is not read as "no transitions".
      this.#noteOnce(host, `${host.id}: no journald and none of ${this.logFiles.join(", ")} readable, so Keepalived's state changes are not observed there (the VIP itself still is)`);
      return { done: new Promise<void>(() => undefined), stop: async () => undefined };
    }
    this.#noteOnce(host, `${host.id}: no journald; Keepalived's state changes are read from ${source} (host-stamped where its lines carry RFC 3339 times, else at arrival)`);
    return host.transport.stream(tailFollow(source), (line) => this.#onLine(host, line));
  }

  #onLine(host: Host, line: string): void {
    const arrivedMs = this.clock.nowMs();
    const parsed = parseKeepalivedLine(line);
    if (!parsed) return;
    this.timeline.append({ type: "vrrp-state", host: host.id, ...parsed, atMs: hostTimeToRunMs(host.transport, logLineEpochMs(line), this.clock, arrivedMs) });
  }

  #noteOnce(host: Host, message: string): void {
    if (this.#noted.has(host.id)) return;
    this.#noted.add(host.id);
    this.timeline.append({ type: "note", atMs: this.clock.nowMs(), message });
  }
}
