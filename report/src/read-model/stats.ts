/**
 * Small descriptive statistics for the charts and the summary.
 */

/**
 * The p-th percentile of a sample, by linear interpolation between the closest ranks (Hyndman & Fan
 * definition 7, the default of NumPy's `percentile` and R's `quantile`).
 * @param values the sample, any order (not modified)
 * @param p the percentile, 0 to 100
 * @returns the percentile, or null for an empty sample
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Counts of each key, in first-seen order. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Items grouped by key, groups in first-seen order, items in their given order (Node 20 lacks `Map.groupBy`). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
