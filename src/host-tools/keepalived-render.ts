import type { ConfStatement } from "./keepalived-conf.js";
import { renderedOf, type ConfOrigin, type RenderedConfig } from "./rendered-config.js";

/** A word written so that keepalived's lexer reads it back as one word (lib/parser.c: quotes group, no escapes inside). */
export function keepalivedQuote(word: string): string {
  return word !== "" && !/[\s#!{}"]/.test(word) ? word : `"${word}"`;
}

/**
 * keepalived.conf from statements: one statement a line, blocks indented. Comments and blank lines
 * are not kept; every line keeps the file and line of the statement it came from, so what the
 * daemon says of a line can be traced to the user's file.
 */
export function renderKeepalivedConf(statements: readonly ConfStatement[]): RenderedConfig {
  const lines: Array<{ text: string; origin: ConfOrigin | null }> = [];
  const walk = (list: readonly ConfStatement[], depth: number): void => {
    const indent = "    ".repeat(depth);
    for (const s of list) {
      const origin = s.line > 0 ? { file: s.file, line: s.line } : null;
      const words = s.words.map(keepalivedQuote).join(" ");
      if (s.block === undefined) {
        lines.push({ text: indent + words, origin });
        continue;
      }
      lines.push({ text: `${indent}${words} {`, origin });
      walk(s.block, depth + 1);
      lines.push({ text: `${indent}}`, origin });
    }
  };
  walk(statements, 0);
  return renderedOf(lines);
}
