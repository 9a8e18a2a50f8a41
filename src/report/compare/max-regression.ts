/** `--max-regression 10%` (of the base's figure) or `--max-regression 200ms` (durations only). */
import { tryParseDuration } from "../../common/duration.js";
import { UsageError } from "../../common/errors.js";
import type { FigureComparison } from "../../analysis/figure-comparison.js";
import { RUN_FIGURES } from "../../analysis/run-figures.js";

export type MaxRegression = { kind: "relative"; fraction: number; text: string } | { kind: "absolute"; ms: number; text: string };

export function parseMaxRegression(text: string): MaxRegression {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) return { kind: "relative", fraction: Number(percent[1]) / 100, text };
  const ms = tryParseDuration(text);
  if (ms !== undefined) return { kind: "absolute", ms, text };
  throw new UsageError("VIPDRILL_GATE_INVALID", `--max-regression: expected a share of the base such as 10% or a duration such as 200ms, got ${JSON.stringify(text)}`);
}

/**
 * Whether a figure got worse by more than the limit, in words, or null. A worse figure counts unless
 * it is shown to be noise: beyond noise, or on too few runs to tell (change control errs on the
 * side of asking). A duration limit leaves counts alone.
 */
export function regressionOf(row: FigureComparison, max: MaxRegression): string | null {
  const { difference } = row;
  if (difference === null || difference <= 0 || row.verdict === "within-noise" || row.verdict === "not-measured") return null;
  if (difference === Infinity) return "never recovered on the new side";
  if (max.kind === "absolute") {
    if (RUN_FIGURES[row.figure].unit !== "ms" || difference <= max.ms) return null;
    return `worse by more than ${max.text}`;
  }
  const base = row.base.center?.value;
  if (row.relative === null ? base !== 0 : row.relative <= max.fraction) return null;
  return `worse by more than ${max.text}${base === 0 ? " (from 0)" : ""}`;
}
