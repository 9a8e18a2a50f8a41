/**
 * HAProxy's health-check timers for one backend, from its configuration (doc/configuration.txt
 * §5.2 server options, §4 retries / option redispatch): what the predicted windows need. The
 * backend's `defaults` section is the last one before it; its `default-server` line, then the
 * backend's own, then the first server's options decide. Defaults: inter 2s, fall 3, rise 2,
 * fastinter and downinter as inter, retries 3.
 */
import { HAPROXY_CHECK_DEFAULTS, type HaproxyChecks } from "../model/keepalived.js";
import type { HaproxyLine } from "./haproxy-cfg.js";

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** HAProxy's time format: a number in ms unless a unit follows (us, ms, s, m, h, d). */
export function haproxyTimeMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)?$/.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2] ?? "ms"]! : undefined;
}

const TIMES = ["inter", "fastinter", "downinter"] as const;
const COUNTS = ["fall", "rise"] as const;
type CheckOptions = Partial<Record<(typeof TIMES)[number] | (typeof COUNTS)[number], number>>;

/** The check options among a server or default-server line's words. */
function checkOptions(words: readonly string[]): CheckOptions {
  const options: CheckOptions = {};
  words.forEach((word, i) => {
    const value = words[i + 1];
    if (value === undefined) return;
    if ((TIMES as readonly string[]).includes(word)) {
      const ms = haproxyTimeMs(value);
      if (ms !== undefined) options[word as (typeof TIMES)[number]] = ms;
    } else if ((COUNTS as readonly string[]).includes(word) && /^\d+$/.test(value)) {
      options[word as (typeof COUNTS)[number]] = Number(value);
    }
  });
  return options;
}

/** The check timers of `backend` (a backend or listen section); undefined when there is no such section. */
export function haproxyChecksOf(lines: readonly HaproxyLine[], backend: string): HaproxyChecks | undefined {
  const start = lines.findIndex((l) => (l.section?.keyword === "backend" || l.section?.keyword === "listen") && l.section.name === backend);
  if (start < 0) return undefined;
  const section = lines[start]!.section!;
  const defaultsLine = lines.slice(0, start).filter((l) => l.section?.keyword === "defaults").at(-1)?.section;
  const inSection = (s: HaproxyLine["section"]) => (l: HaproxyLine) => s !== null && s !== undefined && l.section === s && l.line !== s.line;
  const defaults = defaultsLine ? lines.filter(inSection(defaultsLine)) : [];
  const own = lines.filter(inSection(section));
  let options: CheckOptions = {};
  let retries = 3;
  let redispatch = false;
  for (const l of [...defaults, ...own]) {
    const [first, second, third] = l.words;
    if (first === "default-server") options = { ...options, ...checkOptions(l.words.slice(1)) };
    else if (first === "retries" && second !== undefined && /^\d+$/.test(second)) retries = Number(second);
    else if (first === "option" && second === "redispatch") redispatch = true;
    else if (first === "no" && second === "option" && third === "redispatch") redispatch = false;
  }
  const server = own.find((l) => l.words[0] === "server");
  if (server) options = { ...options, ...checkOptions(server.words.slice(3)) };
  const interMs = options.inter ?? HAPROXY_CHECK_DEFAULTS.interMs;
  return {
    interMs,
    fastInterMs: options.fastinter ?? interMs,
    downInterMs: options.downinter ?? interMs,
    fall: options.fall ?? HAPROXY_CHECK_DEFAULTS.fall,
    rise: options.rise ?? HAPROXY_CHECK_DEFAULTS.rise,
    redispatch: redispatch && retries >= 1,
  };
}
