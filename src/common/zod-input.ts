/**
 * zod pieces for what users write (scenarios, inventories): every message is `expected …, got …`,
 * which the YAML loader prints whole after `file:line: path:`.
 */
import { z } from "zod";
import { describeInput } from "./duration.js";

/**
 * A mapping whose unknown keys are errors. The message lists the keys there are; the loader puts
 * each unknown key on its own line (`hosts[0].adress: unknown key "adress" (expected one of: …)`).
 */
export function strictMapping<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape)
    .map((k) => JSON.stringify(k))
    .join(", ");
  return z.strictObject(shape, { error: (issue) => (issue.code === "unrecognized_keys" ? `expected one of: ${known}` : undefined) });
}

/** "expected <what>, got <input>" for every way a value can be wrong. */
export const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `expected ${what}, got ${describeInput(issue.input)}`;

/** A whole number from min to max; any other value is "expected <what>, got …". */
export const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: expected(what) })
    .int({ error: expected(what) })
    .min(min, { error: expected(what) })
    .max(max, { error: expected(what) });
