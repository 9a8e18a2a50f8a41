/** A configuration file vipdrill writes for a lab node, each line traced back to the line of the user's file it came from. */
export interface ConfOrigin {
  file: string;
  line: number;
}

export interface RenderedConfig {
  text: string;
  /** origins[i]: where line i + 1 of text came from; null for a line vipdrill added. */
  origins: ReadonlyArray<ConfOrigin | null>;
}

/** Lines with their origins, joined into one file (ending in a newline). */
export function renderedOf(lines: ReadonlyArray<{ text: string; origin: ConfOrigin | null }>): RenderedConfig {
  return { text: `${lines.map((l) => l.text).join("\n")}\n`, origins: lines.map((l) => l.origin) };
}

/** "keepalived.conf:12", or the file alone where the line is unknown (0). */
export const originText = (origin: ConfOrigin): string => (origin.line > 0 ? `${origin.file}:${origin.line}` : origin.file);
