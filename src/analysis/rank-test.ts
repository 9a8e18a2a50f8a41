/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), two-sided: are two sets of runs drawn from the same
 * distribution, or is one shifted? Rank-based, so one wild run does not swamp it, and nothing is
 * assumed about the shape of failover times (an advert cycle makes them uniform, not normal).
 *
 * Statistics from simple-statistics (zero dependencies, typed, maintained: 7.12 in 2026): the rank
 * sum with mid-ranks for ties (wilcoxonRankSum), the error function for the normal tail, and
 * selection in place for the median of the pairwise differences (quickselect).
 * The p-value is exact — every split of the pooled ranks counted — up to EXACT_MAX_RUNS runs in all,
 * as R's wilcox.test does for small samples, and the tie- and continuity-corrected normal
 * approximation beyond.
 */
import { errorFunction, quickselect, wilcoxonRankSum } from "simple-statistics";

/** Up to this many runs in all, the p-value is exact; the count costs about n1·N² steps. */
export const EXACT_MAX_RUNS = 60;

export interface RankTest {
  /** U of the second sample: pairs (a, b) with b > a, ties counting a half. */
  u: number;
  /** Two-sided. */
  pValue: number;
  /** The smallest p-value samples of these sizes could give: above α, no difference can be shown. */
  minPValue: number;
  method: "exact" | "normal";
  /** Hodges–Lehmann shift: the median of every difference b − a (finite values only); null without such a pair. */
  shift: number | null;
}

/** Two-sided Mann–Whitney U of `b` against `a`. Infinity stands for a run that never ended: it ranks above every value. */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  if (a.length === 0 || b.length === 0) throw new Error("mannWhitney: a sample is empty");
  // Ranks need finite values that keep ties: a run that never ended becomes the largest number there is.
  const finite = (v: number): number => (v === Infinity ? Number.MAX_VALUE : v);
  const xa = a.map(finite);
  const xb = b.map(finite);
  const n1 = xa.length;
  const n2 = xb.length;
  const rankSumB = wilcoxonRankSum(xb, xa);
  const u = rankSumB - (n2 * (n2 + 1)) / 2;
  const doubledRanks = midRanksTimesTwo([...xa, ...xb]);
  const exact = n1 + n2 <= EXACT_MAX_RUNS;
  const exactP = exact ? exactPValues(doubledRanks, n2) : undefined;
  return {
    u,
    pValue: exactP ? exactP(2 * rankSumB) : normalP(u, n1, n2, [...xa, ...xb]),
    minPValue: exactP ? exactP(extremeSum(doubledRanks, n2)) : normalP(n1 * n2, n1, n2, [...xa, ...xb]),
    method: exact ? "exact" : "normal",
    shift: hodgesLehmann(a, b),
  };
}

/** 2 × the mid-rank of each value (whole numbers, so sums of them can be counted exactly). */
function midRanksTimesTwo(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    // Ranks start+1 … end+1 share their mean; twice it is start + end + 2.
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = start + end + 2;
    start = end + 1;
  }
  return ranks;
}

/** The sum of the k largest doubled ranks: the most extreme rank sum a sample of k can have. */
function extremeSum(doubledRanks: readonly number[], k: number): number {
  return [...doubledRanks].sort((x, y) => y - x).slice(0, k).reduce((s, r) => s + r, 0);
}

/**
 * P(|S − E[S]| ≥ |observed − E[S]|) where S is the doubled rank sum of k of the pooled values drawn
 * at random, for any observed sum: ways[j][s] counts the subsets of j values whose doubled ranks sum
 * to s, counted once for both the observed and the most extreme sum.
 */
function exactPValues(doubledRanks: readonly number[], k: number): (observed: number) => number {
  const total = doubledRanks.reduce((s, r) => s + r, 0);
  const ways: Float64Array[] = Array.from({ length: k + 1 }, () => new Float64Array(total + 1));
  ways[0]![0] = 1;
  let reach = 0;
  for (const rank of doubledRanks) {
    reach += rank;
    for (let j = k; j >= 1; j--) {
      const from = ways[j - 1]!;
      const to = ways[j]!;
      for (let s = reach; s >= rank; s--) if (from[s - rank]! !== 0) to[s] = to[s]! + from[s - rank]!;
    }
  }
  const counts = ways[k]!;
  const mean = (k * total) / doubledRanks.length;
  let all = 0;
  counts.forEach((count) => (all += count));
  return (observed) => {
    const distance = Math.abs(observed - mean) - 1e-9;
    let extreme = 0;
    counts.forEach((count, s) => {
      if (Math.abs(s - mean) >= distance) extreme += count;
    });
    return Math.min(1, extreme / all);
  };
}

/** The normal approximation, with the variance corrected for ties and a continuity correction of ½. */
function normalP(u: number, n1: number, n2: number, pooled: readonly number[]): number {
  const n = n1 + n2;
  const tieTerm = [...tieSizes(pooled)].reduce((s, t) => s + t ** 3 - t, 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = Math.max(0, Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 1 - errorFunction(z / Math.SQRT2));
}

function tieSizes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}

function hodgesLehmann(a: readonly number[], b: readonly number[]): number | null {
  const xs = a.filter(Number.isFinite);
  const ys = b.filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return null;
  // A year of nights a side is 133,225 differences: selected in place (Floyd–Rivest), not sorted.
  const differences = new Float64Array(xs.length * ys.length);
  let k = 0;
  for (const y of ys) for (const x of xs) differences[k++] = y - x;
  const mid = differences.length >> 1;
  quickselect(differences as unknown as number[], mid);
  if (differences.length % 2 === 1) return differences[mid]!;
  // Everything before the mid-th is no larger than it: the lower middle is their largest.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, differences[i]!);
  return (lower + differences[mid]!) / 2;
}
