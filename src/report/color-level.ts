/**
 * How richly to colour what goes to a stream: 0 (none), 1 (16 colours), 2 (256), 3 (16 million). The
 * one place vipdrill decides colour (as Playwright's terminalScreen does), so every output agrees. It
 * follows Node's own rules (tty.WriteStream#getColorDepth): FORCE_COLOR decides when it is set ("",
 * "1", "true": 16 colours; "2": 256; "3": 16 million; "0", "false" or anything else: none), even when
 * the output is not a terminal (CI logs that render colour); otherwise NO_COLOR set to anything but ""
 * turns colour off (no-color.org); otherwise a terminal gets colour unless TERM=dumb.
 */
export function colorLevel(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCED[force] ?? 0;
  if (env.NO_COLOR) return 0;
  return stream.isTTY && env.TERM !== "dumb" ? 1 : 0;
}

const FORCED: Partial<Record<string, 1 | 2 | 3>> = { "": 1, "1": 1, true: 1, "2": 2, "3": 3 };
