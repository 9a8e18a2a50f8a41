/** A figure's value as people read it: "3.412 s ± 5 ms", "17", or why there is none. */
import type { FigureValue, RunFigureKey } from "../../analysis/run-figures.js";
import { RUN_FIGURES } from "../../analysis/run-figures.js";
import { formatWithPrecision } from "../../analysis/format.js";

export function figureText(figure: RunFigureKey, value: FigureValue | null): string {
  const spec = RUN_FIGURES[figure];
  if (value === null || value.value === null) return spec.unmeasured === "worst" ? "not measured" : "none";
  return spec.unit === "ms" ? formatWithPrecision(value.value, value.precision) : String(value.value);
}
