import { z } from "zod";
import { UsageError } from "./errors.js";

/**
 * Durations as users write them: one or more `<number><unit>` parts, largest unit first, each unit
 * at most once (`2m30s`, `1.5s`, `250ms`), or a bare `0`. Units: h, m, s, ms. No spaces, no signs,
 * no upper case, no bare numbers other than 0 (is `5` seconds or milliseconds? say which).
 */
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const DURATION = new RegExp(`^(?=\\d)(?:${NUMBER}h)?(?:${NUMBER}m(?!s))?(?:${NUMBER}s)?(?:${NUMBER}ms)?$`);
const UNIT_MS = [3_600_000, 60_000, 1000, 1] as const;

/** The same grammar for editors (JSON Schema `pattern`). */
export const DURATION_PATTERN = `^(0|${DURATION.source.slice(1, -1)})$`;

/** "250ms", "5s", "1.5s", "1m", "2m30s", "0" → milliseconds; anything else → undefined. */
export function tryParseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  let total = 0;
  UNIT_MS.forEach((unitMs, i) => {
    const value = match[i + 1];
    if (value !== undefined) total += Number(value) * unitMs;
  });
  // 1.1s is 1100 ms, not 1100.0000000000002: keep microsecond resolution, drop float noise.
  return Math.round(total * 1000) / 1000;
}

/** "250ms", "5s", "1.5s", "1m", "2m30s", "0" → milliseconds; anything else is a UsageError. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new UsageError("VIPDRILL_DURATION_INVALID", durationMessage(text));
  return ms;
}

/** How a value the user wrote is shown after "got": strings quoted, numbers bare, shapes named. */
export function describeInput(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value;
}

export const durationMessage = (got: unknown): string => `expected a duration such as 250ms, 5s or 1m, got ${describeInput(got)}`;

/**
 * A duration in YAML (a string such as "5s", or 0), milliseconds after parsing. The regex is there
 * for the JSON Schema (editors flag "5 sec" as you type); the transform does the arithmetic.
 */
export const durationMs = z
  .union([z.literal(0), z.string().regex(new RegExp(DURATION_PATTERN), { error: (issue) => durationMessage(issue.input) })], {
    error: (issue) => durationMessage(issue.input),
  })
  .transform((value) => (value === 0 ? 0 : tryParseDuration(value)!));

/** Durations for people: "3.412 s" from 1 s up, else "412 ms" / "7.3 ms" (at most one decimal). */
export function formatDurationMs(ms: number): string {
  const tenths = Math.round(ms * 10) / 10;
  if (Math.abs(tenths) >= 1000) return `${(ms / 1000).toFixed(3)} s`;
  // Number() drops a trailing ".0"; the + 0 turns -0 into 0.
  return `${Number(tenths.toFixed(1)) + 0} ms`;
}
