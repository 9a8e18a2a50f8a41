/**
 * What `keepalived -t -f FILE` and `haproxy -c -f FILE` say of a file vipdrill rendered, turned into
 * lines that name the user's file and line: keepalived writes `(FILE: Line N) …`, HAProxy `[FILE:N]`;
 * a message without a line (a duplicate VRID, a missing default_backend) is placed on the first
 * line that names what it quotes. Secrets are redacted from every word passed on.
 */
import type { ConfigDaemon } from "../model/config-under-test.js";
import { redact } from "./config-mapping.js";
import { originText, type ConfOrigin, type RenderedConfig } from "./rendered-config.js";

/** The daemon's own check: argv for a file at `path`. */
export const CHECK_COMMANDS: Record<ConfigDaemon, (path: string) => string[]> = {
  keepalived: (path) => ["keepalived", "-t", "-f", path],
  haproxy: (path) => ["haproxy", "-c", "-f", path],
};

const CHECK_NAMES: Record<ConfigDaemon, string> = { keepalived: "keepalived -t", haproxy: "haproxy -c" };

/** HAProxy's lines that say nothing about the file (its version, the summary of what it just said). */
const HAPROXY_NOISE = [/^\[NOTICE\]/, /Fatal errors found in configuration/, /Error\(s\) found in configuration file/, /^Configuration file is valid/, /^Warnings were found/];

export interface DaemonVerdict {
  accepted: boolean;
  /** One line per message: `file:line: keepalived -t: message`. */
  lines: string[];
}

export function daemonVerdict(
  daemon: ConfigDaemon,
  result: { exitCode: number | null; stdout: string; stderr: string },
  checkedPath: string,
  rendered: RenderedConfig,
  secrets: readonly string[],
  fallback: ConfOrigin,
): DaemonVerdict {
  const raw = `${result.stderr}\n${result.stdout}`.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const messages = daemon === "haproxy" ? raw.filter((l) => !HAPROXY_NOISE.some((n) => n.test(l))) : raw;
  const lines = messages.map((message) => {
    const { line, text } = daemon === "keepalived" ? keepalivedLine(message, checkedPath) : haproxyLine(message, checkedPath);
    const origin = (line !== undefined ? rendered.origins[line - 1] : undefined) ?? locate(text, rendered) ?? fallback;
    return `${originText(origin)}: ${CHECK_NAMES[daemon]}: ${redact(text, secrets)}`;
  });
  const accepted = result.exitCode === 0;
  // A rejection always says something, even when the daemon did not.
  if (!accepted && lines.length === 0) lines.push(`${originText(fallback)}: ${CHECK_NAMES[daemon]}: rejected it (exit ${result.exitCode ?? "none"}) without saying why`);
  return { accepted, lines };
}

function keepalivedLine(message: string, path: string): { line?: number; text: string } {
  const m = /^\((.*?): Line (\d+)\) (.*)$/.exec(message) ?? /^\(Line (\d+)\) (.*)$/.exec(message);
  if (!m) return { text: message };
  if (m.length === 4) return m[1] === path ? { line: Number(m[2]), text: m[3]! } : { text: `${m[3]} (${m[1]}, line ${m[2]})` };
  return { line: Number(m[1]), text: m[2]! };
}

function haproxyLine(message: string, path: string): { line?: number; text: string } {
  const body = message.replace(/^\[(ALERT|WARNING)\]\s*\(\d+\)\s*:\s*(config\s*:\s*)?/, (_, level: string) => (level === "ALERT" ? "" : "warning: "));
  const m = /(?:parsing )?\[([^\]]+):(\d+)\]\s*:?\s*/.exec(body);
  if (!m || m[1] !== path) return { text: body };
  return { line: Number(m[2]), text: (body.slice(0, m.index) + body.slice(m.index + m[0].length)).trim() };
}

/**
 * The first line of the rendered file naming a word the message quotes ('name', "name" or (name)),
 * the last quoted first: "Proxy 'api': unable to find required default_backend: 'x'" is about x.
 */
function locate(text: string, rendered: RenderedConfig): ConfOrigin | undefined {
  const quoted = [...text.matchAll(/'([^']+)'|"([^"]+)"|\(([^)\s]+)\)|^(\S+) and \S+ both use/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!).reverse();
  const lines = rendered.text.split("\n");
  for (const word of quoted) {
    const index = lines.findIndex((l, i) => rendered.origins[i] && l.trim().split(/\s+/).slice(1).includes(word));
    if (index >= 0) return rendered.origins[index] ?? undefined;
  }
  return undefined;
}
