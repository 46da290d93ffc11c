// Small statistics shared by the metrics and the algorithms. Pure; no input is mutated.

/** Arithmetic mean; 0 for an empty list (a metric over nothing is reported as 0, not NaN). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Harmonic mean n / sum(1/x): the right average for rates measured over equal amounts of work (the
 * throughput of equal-sized downloads), and robust to one lucky fast sample. 0 for an empty list or
 * when any value is <= 0 (a zero rate dominates: the harmonic mean tends to 0).
 */
export function harmonicMean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let inverseSum = 0;
  for (const v of values) {
    if (!(v > 0)) return 0;
    inverseSum += 1 / v;
  }
  return values.length / inverseSum;
}

/**
 * Nearest-rank percentile: sort ascending and take index ceil(p/100 x n) - 1, at least 0 (the
 * reference notes' rule for seed-netflix's 10th percentile). Always one of the values, never an
 * interpolation. p in [0, 100]; NaN for an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Exponential moving average with smoothing factor alpha in (0, 1]: each new sample moves the
 * average alpha of the way to it (ema = (1 - alpha) x ema + alpha x x). The first sample seeds it.
 * Returns the whole running series; its last element is the current average.
 */
export function ema(values: readonly number[], alpha: number): number[] {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`ema: alpha must be in (0, 1], got ${alpha}`);
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc = i === 0 ? values[0] : (1 - alpha) * acc + alpha * values[i];
    out.push(acc);
  }
  return out;
}
