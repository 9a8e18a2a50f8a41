/**
 * A small, tolerant reader of keepalived.conf: enough to see how each vrrp_instance protects its
 * adverts. It follows keepalived's own lexical rules (lib/parser.c): `#` and `!` start a comment
 * anywhere outside double quotes (`\#`, `\!` escape them), a quoted string is one word, `{` and `}`
 * are words of their own even when written against a keyword, a line ending in `\` continues on the
 * next, and a line that is exactly `include <pattern>` is replaced by the files the pattern matches
 * (keepalived reads them with the including file's directory as the working directory, so a
 * relative pattern is relative to that directory).
 */
import { posix } from "node:path";

export interface ConfStatement {
  /** The words before the block (or the whole line), quotes removed. */
  words: string[];
  /** The `{ … }` block that follows, when there is one. */
  block?: ConfStatement[];
  file: string;
  line: number;
}

type Token =
  | { kind: "word"; text: string; file: string; line: number }
  | { kind: "open" | "close" | "eol"; file: string; line: number };

/** Split one file into words, braces and line ends. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const physical = text.split(/\r?\n/);
  for (let index = 0; index < physical.length; index++) {
    const lineNo = index + 1;
    let line = physical[index]!;
    // A trailing backslash joins the next physical line (outside comments; good enough here).
    while (/\\\s*$/.test(stripComment(line)) && index + 1 < physical.length) {
      line = stripComment(line).replace(/\\\s*$/, " ") + physical[++index]!;
    }
    const words = splitWords(stripComment(line));
    for (const word of words) {
      if (word.quoted === false && word.text === "{") tokens.push({ kind: "open", file, line: lineNo });
      else if (word.quoted === false && word.text === "}") tokens.push({ kind: "close", file, line: lineNo });
      else tokens.push({ kind: "word", text: word.text, file, line: lineNo });
    }
    tokens.push({ kind: "eol", file, line: lineNo });
  }
  return tokens;
}

/** The line without its comment; escaped comment characters lose their backslash. */
function stripComment(line: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (c === "\\" && !quoted && (line[i + 1] === "#" || line[i + 1] === "!")) {
      out += line[++i];
    } else if (!quoted && (c === "#" || c === "!")) {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

function splitWords(line: string): Array<{ text: string; quoted: boolean }> {
  const words: Array<{ text: string; quoted: boolean }> = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "{" || c === "}") {
      words.push({ text: c, quoted: false });
      i++;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      // An unterminated quote runs to the end of the line (keepalived reports it and goes on).
      words.push({ text: line.slice(i + 1, end < 0 ? line.length : end), quoted: true });
      i = end < 0 ? line.length : end + 1;
    } else {
      let j = i;
      while (j < line.length && !/[\s{}"]/.test(line[j]!)) j++;
      words.push({ text: line.slice(i, j), quoted: false });
      i = j;
    }
  }
  return words;
}

/**
 * Statements from tokens: words up to a line end; a `{` opens the block of the statement it ends,
 * or of the previous statement when it stands on a line of its own. Unbalanced braces are
 * tolerated: a stray `}` at the top is ignored, a missing one is closed at the end.
 */
export function parseTokens(tokens: readonly Token[]): ConfStatement[] {
  let pos = 0;
  const parseBlock = (depth: number): ConfStatement[] => {
    const statements: ConfStatement[] = [];
    let current: ConfStatement | undefined;
    const finish = (): void => {
      if (current && current.words.length > 0) statements.push(current);
      current = undefined;
    };
    while (pos < tokens.length) {
      const token = tokens[pos++]!;
      if (token.kind === "word") {
        current ??= { words: [], file: token.file, line: token.line };
        current.words.push(token.text);
      } else if (token.kind === "eol") {
        finish();
      } else if (token.kind === "open") {
        const owner = current && current.words.length > 0 ? current : statements.at(-1);
        const block = parseBlock(depth + 1);
        if (owner && owner.block === undefined) {
          owner.block = block;
          if (owner === current) finish();
        } else {
          // A block without a keyword: keep its statements at this level rather than lose them.
          finish();
          statements.push(...block);
        }
      } else {
        finish();
        if (depth > 0) return statements;
      }
    }
    finish();
    return statements;
  };
  return parseBlock(0);
}

/** Parse one file's text (no includes followed). */
export function parseKeepalivedConf(text: string, file = "keepalived.conf"): ConfStatement[] {
  return parseTokens(tokenize(text, file));
}

export interface ConfSource {
  /** The text of a file; throws when it cannot be read. */
  read(path: string): Promise<string>;
  /** The regular files an include pattern matches, sorted (keepalived uses glob(3)). */
  expand(pattern: string): Promise<string[]>;
}

export interface LoadedConf {
  statements: ConfStatement[];
  /** Every file read, in reading order. */
  files: string[];
  /** Includes that matched nothing, could not be read, or recursed too deep: reported, not fatal. */
  notes: string[];
}

const MAX_INCLUDE_DEPTH = 8;

/**
 * Read `mainPath` through `source` and follow its includes (textually, where they stand). The main
 * file must be readable; an include that matches nothing is skipped, as keepalived skips it.
 */
export async function loadKeepalivedConf(mainPath: string, source: ConfSource): Promise<LoadedConf> {
  const files: string[] = [];
  const notes: string[] = [];
  const load = async (path: string, stack: readonly string[]): Promise<Token[]> => {
    files.push(path);
    const tokens = tokenize(await source.read(path), path);
    const out: Token[] = [];
    let lineStart = 0;
    for (let i = 0; i <= tokens.length; i++) {
      const token = tokens[i];
      if (token !== undefined && token.kind !== "eol") continue;
      const line = tokens.slice(lineStart, i + (token ? 1 : 0));
      lineStart = i + 1;
      const first = line[0];
      const second = line[1];
      const isInclude =
        line.length === 3 && first?.kind === "word" && first.text === "include" && second?.kind === "word" && line[2]?.kind === "eol";
      if (!isInclude || second?.kind !== "word") {
        out.push(...line);
        continue;
      }
      const pattern = posix.isAbsolute(second.text) ? second.text : posix.join(posix.dirname(path), second.text);
      if (stack.length >= MAX_INCLUDE_DEPTH) {
        notes.push(`${path}:${second.line}: include ${second.text} nested more than ${MAX_INCLUDE_DEPTH} deep, not followed`);
        continue;
      }
      const matched = await source.expand(pattern);
      if (matched.length === 0) notes.push(`${path}:${second.line}: include ${second.text} matched no file`);
      for (const included of matched) {
        if (stack.includes(included)) {
          notes.push(`${path}:${second.line}: include ${included} includes itself, not followed`);
          continue;
        }
        try {
          out.push(...(await load(included, [...stack, included])), { kind: "eol", file: included, line: 0 });
        } catch (error) {
          notes.push(`${path}:${second.line}: include ${included} unreadable (${error instanceof Error ? error.message : String(error)})`);
        }
      }
    }
    return out;
  };
  const tokens = await load(mainPath, [mainPath]);
  return { statements: parseTokens(tokens), files, notes };
}
