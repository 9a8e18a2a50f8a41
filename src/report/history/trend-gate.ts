/**
 * Gates on a history, for nightly CI (README "Repeats, compare and trends"):
 *
 *   p50(failover, last 7) > +20%    the p50 of the last 7 runs rose more than 20 % over the 7 before
 *   p95(outage, last 10) > +200ms   … rose more than 200 ms
 *   max(failover, last 5) > 4.5s    … is above 4.5 s
 *
 * A statistic is pN (nearest rank), median, min or max of the runs' values (a repeated run counts
 * with its median), a run that never recovered ranking above every value. A gate holds — and the
 * command exits 1 — when the comparison is true.
 */
import { rankedSamples, sampleAtPercentile, type FigureSample } from "../../analysis/distribution.js";
import { formatDurationMs } from "../../analysis/format.js";
import { RUN_FIGURE_KEYS, RUN_FIGURES, type RunFigureKey } from "../../analysis/run-figures.js";
import { tryParseDuration } from "../../common/duration.js";
import { UsageError } from "../../common/errors.js";
import { parsePercentileName, PERCENTILE_NAME_HELP } from "../../model/percentile.js";
import type { HistoryRecord } from "./history-record.js";

export interface TrendGate {
  text: string;
  stat: string;
  percentile: number;
  figure: RunFigureKey;
  /** The last N runs; undefined: every run. */
  last: number | undefined;
  limit: { kind: "rise-share"; fraction: number } | { kind: "rise"; value: number } | { kind: "above"; value: number };
}

const RULE = /^\s*([a-z][\w.]*)\s*\(\s*([A-Za-z][\w-]*)\s*(?:,\s*last\s+(\d+)\s*)?\)\s*>\s*(\+?)\s*(.+?)(%?)\s*$/;
const EXAMPLE = "STAT(FIGURE, last N) > LIMIT, such as 'p50(failover, last 7) > +20%'";

export function parseGate(text: string): TrendGate {
  const bad = (why: string): never => {
    throw new UsageError("VIPDRILL_GATE_INVALID", `--gate ${JSON.stringify(text)}: ${why}`);
  };
  const m = RULE.exec(text);
  if (!m) return bad(`expected ${EXAMPLE}`);
  const [, stat, figureName, lastText, plus, amount, percent] = m as unknown as [string, string, string, string | undefined, string, string, string];
  const percentile = stat === "median" ? 50 : stat === "min" ? 0 : parsePercentileName(stat);
  if (percentile === undefined) return bad(`expected median, min or ${PERCENTILE_NAME_HELP}, got ${JSON.stringify(stat)}`);
  const squash = (s: string): string => s.toLowerCase().replace(/[-_]/g, "");
  const figure = RUN_FIGURE_KEYS.find((k) => squash(k) === squash(figureName));
  if (figure === undefined) return bad(`expected a figure among ${RUN_FIGURE_KEYS.join(", ")}, got ${JSON.stringify(figureName)}`);
  const last = lastText === undefined ? undefined : Number(lastText);
  if (last === 0) return bad("expected last 1 or more");
  const isMs = RUN_FIGURES[figure].unit === "ms";
  const value = percent ? Number(amount) : isMs ? tryParseDuration(amount) : /^\d+(\.\d+)?$/.test(amount) ? Number(amount) : undefined;
  if (value === undefined || Number.isNaN(value)) return bad(`expected a limit such as +20%, ${isMs ? "+200ms or 4.5s" : "+5 or 10"}, got ${JSON.stringify(`${plus}${amount}${percent}`)}`);
  if (percent && !plus) return bad("a share is a rise: write it +20%");
  if (plus && last === undefined) return bad(`a rise compares the last N runs with the N before: write (${figureName}, last N)`);
  const limit: TrendGate["limit"] = percent ? { kind: "rise-share", fraction: value / 100 } : plus ? { kind: "rise", value } : { kind: "above", value };
  return { text: text.trim(), stat, percentile, figure, last, limit };
}

export interface GateResult {
  gate: TrendGate;
  scenario: string;
  /** The rule held: the build should fail. */
  tripped: boolean;
  /** What was found, in words. */
  words: string;
}

export function evaluateGate(gate: TrendGate, scenario: string, runs: readonly HistoryRecord[]): GateResult {
  const spec = RUN_FIGURES[gate.figure];
  const show = (v: number | null): string => (v === null ? "not measured" : spec.unit === "ms" ? formatDurationMs(v) : String(v));
  const n = gate.last ?? runs.length;
  const window = runs.slice(-n);
  const statOf = (rs: readonly HistoryRecord[]): number | null => {
    const samples: FigureSample[] = rs.map((r, i) => ({ iteration: i + 1, value: r.figures[gate.figure].value, precision: r.figures[gate.figure].precision }));
    const at = sampleAtPercentile(rankedSamples(samples, spec.unmeasured), gate.percentile);
    // A run that never recovered is the worst of all: a statistic that lands on one is unbounded.
    return at === null ? null : (at.value ?? Infinity);
  };
  const result = (tripped: boolean, words: string): GateResult => ({ gate, scenario, tripped, words });
  if (window.length < n) return result(false, `not judged: ${runs.length} run${runs.length === 1 ? "" : "s"}, needs ${n}`);
  const now = statOf(window);
  if (now === null) return result(false, `not judged: no run measured ${spec.label}`);
  const label = `${gate.stat}(${gate.figure}${gate.last === undefined ? "" : `, last ${gate.last}`})`;
  if (gate.limit.kind === "above") return result(now > gate.limit.value, `${label} = ${show(now)}, limit ${show(gate.limit.value)}`);
  const before = runs.slice(0, -n).slice(-n);
  if (before.length === 0) return result(false, `not judged: ${runs.length} runs, needs more than ${n} to compare the last ${n} with those before`);
  const then = statOf(before);
  if (then === null) return result(false, `not judged: no earlier run measured ${spec.label}`);
  const rise = now - then;
  const over = `${label} = ${show(now)} against ${show(then)} over the ${before.length} runs before`;
  if (gate.limit.kind === "rise") return result(rise > gate.limit.value, `${over}: ${rise >= 0 ? "+" : "−"}${show(Math.abs(rise))}, limit +${show(gate.limit.value)}`);
  const share = then === 0 ? (rise > 0 ? Infinity : 0) : rise / then;
  return result(share > gate.limit.fraction, `${over}: ${rise >= 0 ? "+" : "−"}${Number.isFinite(share) ? (Math.abs(share) * 100).toFixed(1) : "∞"}%, limit +${(gate.limit.fraction * 100).toFixed(0)}%`);
}
