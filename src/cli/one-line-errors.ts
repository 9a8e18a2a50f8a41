import type { Command } from "commander";

/** "lab up" for `vipdrill lab up`: the words a user types after `vipdrill`. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * commander's error, made one line like every other vipdrill error: `error: unknown option '--keep-lap'
 * (Did you mean --keep-lab?)` becomes `vipdrill run: unknown option '--keep-lap' — did you mean
 * --keep-lab? (see vipdrill run --help)`.
 */
export function oneLineError(message: string, path: string): string {
  const [first = "", ...rest] = message.trim().replace(/^error: /, "").split("\n");
  const suggestion = rest
    .join(" ")
    .trim()
    .replace(/^\((.*)\)$/, "$1")
    .replace(/^Did you/, "did you");
  const where = path === "" ? "vipdrill" : `vipdrill ${path}`;
  return `${where}: ${first}${suggestion ? ` — ${suggestion}` : ""} (see ${where} --help)\n`;
}

/** Make every command's parse errors (unknown options and commands, missing arguments) one line, recursively. */
export function oneLineErrors(command: Command): void {
  const path = pathOf(command);
  command.configureOutput({ outputError: (message, write) => write(oneLineError(message, path)) });
  for (const sub of command.commands) oneLineErrors(sub);
}
