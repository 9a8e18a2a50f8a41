import { UsageError } from "../common/errors.js";

/** An option that counts something (--last 30): a whole number from 1, else a usage error naming the option. */
export function wholeNumberOption(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError("VIPDRILL_USAGE", `${option}: expected a whole number from 1, got ${JSON.stringify(text)}`);
  return Number(text);
}
