import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** "250ms", "5s", "1.5s", "1m", "2m30s", "0" → milliseconds; anything else → undefined. */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(PART)) total += Number(value) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

export const durationMessage = (got: unknown): string =>
  `expected a duration such as 250ms, 5s or 1m, got ${JSON.stringify(got)}`;

/** A duration string in YAML, milliseconds after parsing. */
export const durationMs = z
  .string({ error: (issue) => durationMessage(issue.input) })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.issues.push({ code: "custom", message: durationMessage(text), input: text });
      return z.NEVER;
    }
    return ms;
  });
