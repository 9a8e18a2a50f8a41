/**
 * A small reader of haproxy.cfg, line by line as HAProxy reads it (doc/configuration.txt §2.2): `#`
 * starts a comment outside quotes, words are split on spaces and tabs, double quotes keep spaces
 * (with \" and \\ escapes), single quotes keep everything, a backslash escapes the next character
 * outside quotes. A line whose first word is a section keyword opens that section.
 */

export const HAPROXY_SECTIONS = [
  "global",
  "defaults",
  "frontend",
  "backend",
  "listen",
  "userlist",
  "peers",
  "resolvers",
  "mailers",
  "program",
  "http-errors",
  "ring",
  "cache",
  "fcgi-app",
  "log-forward",
  "crt-store",
  "traces",
] as const;

export interface HaproxyLine {
  file: string;
  /** 1-based line number. */
  line: number;
  /** The line as written. */
  raw: string;
  /** Its words, quotes and escapes resolved; empty for blank and comment-only lines. */
  words: string[];
  /** The section the line belongs to (a section line belongs to itself); null before the first. */
  section: { keyword: string; name: string; line: number } | null;
}

export function parseHaproxyCfg(text: string, file: string): HaproxyLine[] {
  let section: HaproxyLine["section"] = null;
  return text.split(/\r?\n/).map((raw, index) => {
    const words = haproxyWords(raw);
    const first = words[0];
    if (first !== undefined && (HAPROXY_SECTIONS as readonly string[]).includes(first)) {
      section = { keyword: first, name: words[1] ?? "", line: index + 1 };
    }
    return { file, line: index + 1, raw, words, section };
  });
}

/** The words of one line as HAProxy splits them. */
export function haproxyWords(raw: string): string[] {
  const words: string[] = [];
  // undefined: between words; "" is an empty quoted word.
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  const add = (text: string | undefined): void => {
    word = (word ?? "") + (text ?? "");
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else add(c);
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < raw.length) add(raw[++i]);
      else add(c);
    } else if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "#") {
      break;
    } else if (c === '"' || c === "'") {
      add("");
      quote = c;
    } else if (c === "\\" && i + 1 < raw.length) {
      add(raw[++i]);
    } else {
      add(c);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A word written so that haproxyWords reads it back unchanged. */
export function haproxyQuote(word: string): string {
  if (word !== "" && !/[\s#"'\\]/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}
