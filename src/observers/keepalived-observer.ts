import type { Clock } from "../common/clock.js";
import type { Timeline } from "../model/timeline.js";
import type { ExecStream, Host } from "../model/host.js";
import { HostWatch } from "./host-watch.js";
import { HostClocks } from "../host-tools/host-clocks.js";

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

/**
 * Keepalived's entries whatever its unit is called (keepalived@vi1, a vendor's name): by the syslog
 * identifiers it logs under (Keepalived_vrrp for the VRRP process, Keepalived for its parent,
 * keepalived when it logs to the console), or its unit. Same-field matches are ORed, `+` ORs the rest.
 */
const KEEPALIVED_MATCHES = ["SYSLOG_IDENTIFIER=Keepalived_vrrp", "SYSLOG_IDENTIFIER=Keepalived", "SYSLOG_IDENTIFIER=keepalived", "+", "_SYSTEMD_UNIT=keepalived.service"] as const;

/**
 * journalctl as JSON: each entry carries the host's own time of it (when Keepalived logged it; lines
 * reach us 0.25–0.75 s later, so their arrival would be the wrong time) and a cursor. Following from the last cursor seen
 * means a stream the drill cut (a link pull over the SSH link) resumes where it stopped, and the
 * transitions logged while it was down — the cut host's own FAULT — still reach the timeline.
 */
export const JOURNAL_FOLLOW = ["journalctl", "--follow", "--output=json", ...KEEPALIVED_MATCHES] as const;
/** Where the journal ends now, so a first stream starts there and not at its beginning. */
const JOURNAL_END = ["journalctl", "--lines=0", "--show-cursor", "--quiet", ...KEEPALIVED_MATCHES] as const;

/** -F follows the name across a rotation; -n 0 skips what was logged before the drill. */
export const tailFollow = (file: string): string[] => ["tail", "-n", "0", "-F", file];

/** The hosts found to log Keepalived to journald. */
const LOG_SOURCES = new WeakMap<Host, string>();

/** Where Keepalived's state changes can be read on this host: `journal`, a log file, or nowhere (undefined). */
export async function keepalivedLogSource(host: Host, logFiles: readonly string[] = SYSLOG_FILES, timeoutMs = 10_000): Promise<string | undefined> {
  const found = await host.transport.exec(["sh", "-c", FIND_LOG, "find-log", ...logFiles], { timeoutMs });
  const source = found.exitCode === 0 ? found.stdout.trim() : "";
  return source === "" ? undefined : source;
}

/** One line of `journalctl --output=json`: the message, the host's time of it, its cursor. */
export function parseJournalEntry(line: string): { message: string; epochMs: number | undefined; cursor: string | undefined } | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== "object" || entry === null) return undefined;
  const { MESSAGE: raw, _SOURCE_REALTIME_TIMESTAMP: sourceUs, __REALTIME_TIMESTAMP: receivedUs, __CURSOR: cursor } = entry as Record<string, unknown>;
  // journald gives a message that is not valid UTF-8 as an array of bytes.
  const message = typeof raw === "string" ? raw : Array.isArray(raw) ? Buffer.from(raw.filter((b): b is number => typeof b === "number")).toString("utf8") : undefined;
  if (message === undefined) return undefined;
  // When Keepalived sent it (the socket's timestamp), else when journald received it: µs since the epoch.
  const us = [sourceUs, receivedUs].find((v): v is string => typeof v === "string" && /^\d+$/.test(v));
  const epochMs = us === undefined ? undefined : Number(us) / 1000;
  return { message, epochMs, cursor: typeof cursor === "string" ? cursor : undefined };
}

/** rsyslog's default since Debian 12 (and RSYSLOG_FileFormat): `2026-11-30T08:53:56.123456+00:00 host …`. */
const RFC3339_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)\s/;

/**
 * The host's own time of a syslog line, ms since the epoch, where the line carries one that says
 * its zone: an RFC 3339 stamp. The traditional `Nov 30 08:53:56` has neither a zone nor a year nor
 * sub-second digits, so such a line keeps its arrival time (undefined here).
 */
export function logLineEpochMs(line: string): number | undefined {
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
  /** Per host, the journal cursor of the last entry read: a reopened stream goes on after it. */
  readonly #cursors = new Map<string, string>();
  constructor(
    private readonly hosts: readonly Host[],
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    /** Where to look when a host has no journald, in order. */
    private readonly logFiles: readonly string[] = SYSLOG_FILES,
    /** Host stamps onto the run's clock (the runner shares one among observers and the fault). */
    private readonly hostClocks: HostClocks = new HostClocks(clock),
  ) {
    this.#watch = new HostWatch((host) => this.#follow(host), {
      onBroken: (host, quickEnds) =>
        this.timeline.append({
          type: "note",
          atMs: this.clock.nowMs(),
          message: `${host.id}: following Keepalived's log ended as soon as it started, ${quickEnds} times in a row, so its state changes are not observed there from here on`,
        }),
    });
  }

  async start(): Promise<void> {
    await this.#watch.start(this.hosts);
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
  }

  async #follow(host: Host): Promise<ExecStream> {
    const source = LOG_SOURCES.get(host) ?? (await keepalivedLogSource(host, this.logFiles));
    // A host whose Keepalived logs to journald does so while vipdrill runs: the next drill on it (a
    // repeat) skips the round trip. A log file is looked for again each time (one may appear later).
    if (source === "journal") LOG_SOURCES.set(host, source);
    if (source === "journal") {
      let cursor = this.#cursors.get(host.id);
      if (cursor === undefined) {
        const end = await host.transport.exec(JOURNAL_END, { timeoutMs: 10_000 });
        cursor = /^-- cursor: (\S+)/m.exec(end.stdout)?.[1];
        if (cursor !== undefined) this.#cursors.set(host.id, cursor);
      }
      const from = cursor === undefined ? "--lines=0" : `--after-cursor=${cursor}`;
      return host.transport.stream([...JOURNAL_FOLLOW, from], (line) => this.#onJournalEntry(host, line));
    }
    if (source === undefined) {
      // Nothing to follow: watch nothing rather than retry forever, and say so (once) so an empty
      // Keepalived lane in the report is not read as "no transitions".
      this.#noteOnce(host, `${host.id}: no journald and none of ${this.logFiles.join(", ")} readable, so Keepalived's state changes are not observed there (the VIP itself still is)`);
      return { done: new Promise<void>(() => undefined), stop: async () => undefined };
    }
    this.#noteOnce(host, `${host.id}: no journald; Keepalived's state changes are read from ${source} (host-stamped where its lines carry RFC 3339 times, else at arrival)`);
    return host.transport.stream(tailFollow(source), (line) => this.#onLine(host, line));
  }

  #onJournalEntry(host: Host, line: string): void {
    const arrivedMs = this.clock.nowMs();
    const entry = parseJournalEntry(line);
    if (!entry) return;
    if (entry.cursor) this.#cursors.set(host.id, entry.cursor);
    this.#transition(host, entry.message, entry.epochMs, arrivedMs);
  }

  #onLine(host: Host, line: string): void {
    this.#transition(host, line, logLineEpochMs(line), this.clock.nowMs());
  }

  /** A line that records a state change becomes a vrrp-state event at the host's time of it. */
  #transition(host: Host, message: string, hostEpochMs: number | undefined, arrivedMs: number): void {
    const parsed = parseKeepalivedLine(message);
    if (!parsed) return;
    this.timeline.append({ type: "vrrp-state", host: host.id, ...parsed, atMs: this.hostClocks.toRunMs(host, hostEpochMs, arrivedMs) });
  }

  #noteOnce(host: Host, message: string): void {
    if (this.#noted.has(host.id)) return;
    this.#noted.add(host.id);
    this.timeline.append({ type: "note", atMs: this.clock.nowMs(), message });
  }
}
