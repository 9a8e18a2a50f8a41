/**
 * Two sets of runs of one scenario, figure by figure (README "Repeats, compare and trends"): each
 * side with its ± or its distribution, the difference, whether it is beyond noise, and which figures
 * regressed beyond --max-regression.
 */
import { compareFigure, type FigureComparison } from "../../analysis/figure-comparison.js";
import { RUN_FIGURE_KEYS, type RunFigureKey } from "../../analysis/run-figures.js";
import { UsageError } from "../../common/errors.js";
import type { CompareSide } from "./compare-side.js";
import { regressionOf, type MaxRegression } from "./max-regression.js";

export interface Comparison {
  base: CompareSide;
  new: CompareSide;
  rows: Array<FigureComparison & { regression: string | null }>;
  /** What else differs between the sides (settings, versions), or that --force set a mismatch aside. */
  notes: string[];
  maxRegression: MaxRegression | null;
}

export interface CompareOptions {
  /** Compare different scenarios all the same. */
  force?: boolean;
  maxRegression?: MaxRegression;
  /** Only these figures; default every one. */
  figures?: readonly RunFigureKey[];
}

export function compareSides(base: CompareSide, next: CompareSide, options: CompareOptions = {}): Comparison {
  const notes: string[] = [];
  const mismatch = scenarioMismatch(base, next);
  if (mismatch !== null) {
    if (!options.force) {
      throw new UsageError("VIPDRILL_COMPARE_MISMATCH", `${base.label} and ${next.label} are different drills (${mismatch}): their figures measure different things; --force compares them all the same`);
    }
    notes.push(`compared with --force although ${mismatch}`);
  }
  notes.push(...settingDifferences(base.spec, next.spec));
  if (base.vipdrill !== next.vipdrill) notes.push(`vipdrill ${base.vipdrill} (base) vs ${next.vipdrill} (new)`);
  const max = options.maxRegression ?? null;
  const rows = (options.figures ?? RUN_FIGURE_KEYS).map((figure) => {
    const row = compareFigure(figure, base.samples[figure], next.samples[figure]);
    return { ...row, regression: max === null ? null : regressionOf(row, max) };
  });
  return { base, new: next, rows, notes, maxRegression: max };
}

/** Why two sides are not the same drill, or null: another scenario, or another fault under its name. */
function scenarioMismatch(base: CompareSide, next: CompareSide): string | null {
  if (base.scenario !== next.scenario) return `scenario ${base.scenario} vs ${next.scenario}`;
  if (base.fault !== null && next.fault !== null && base.fault !== next.fault) return `fault ${base.fault} vs ${next.fault}`;
  return null;
}

/** Top-level scenario settings that differ ("lab: … vs …"): often the change being judged. */
function settingDifferences(a: unknown, b: unknown): string[] {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return [];
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((k) => k !== "file" && k !== "description");
  return keys
    .filter((k) => JSON.stringify(left[k]) !== JSON.stringify(right[k]))
    .map((k) => `scenario ${k} differs: ${JSON.stringify(left[k]) ?? "none"} (base) vs ${JSON.stringify(right[k]) ?? "none"} (new)`);
}
