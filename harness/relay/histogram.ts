// Log-linear histogram of non-negative durations (the HdrHistogram idea, Gil Tene): values in microseconds,
// exact below 128 us, then 64 sub-buckets per power of two (<= 1.6% relative error). Constant memory and
// O(1) record, so the relay can keep the whole run's distribution and one per 1 s window.

const LINEAR = 128; // exact buckets for 0..127 us
const SUB = 64; // sub-buckets per power of two above that (<= 1.6% relative error)
const MAX_EXP = 40; // 2^46 us (~2 years): far beyond anything recorded
const BUCKETS = LINEAR + SUB * MAX_EXP;

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function indexOfUs(us: number): number {
  if (us < LINEAR) return us;
  let e = Math.floor(Math.log2(us)) - 6; // us / 2^e in [64, 128)
  let m = Math.floor(us / 2 ** e);
  if (m >= 2 * SUB) { e++; m = Math.floor(us / 2 ** e); } // log2 rounding at powers of two
  else if (m < SUB) { e--; m = Math.floor(us / 2 ** e); }
  if (e > MAX_EXP) return BUCKETS - 1;
  return LINEAR + (e - 1) * SUB + (m - SUB);
}

/** Upper bound (us) of the values a bucket holds: percentiles err on the high side, never under-report. */
function upperUsOf(index: number): number {
  if (index < LINEAR) return index;
  const e = Math.floor((index - LINEAR) / SUB) + 1;
  const m = ((index - LINEAR) % SUB) + SUB;
  return (m + 1) * 2 ** e - 1;
}

export class DurationHistogram {
  private counts = new Uint32Array(BUCKETS);
  private n = 0;
  private maxUs = 0;
  private sumUs = 0;

  /** Records a duration in ms (negative values count as 0: an early release is not a delay). */
  recordMs(ms: number): void {
    const us = ms > 0 ? Math.round(ms * 1000) : 0;
    this.counts[indexOfUs(us)]++;
    this.n++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.n;
  }

  meanMs(): number {
    return this.n ? this.sumUs / this.n / 1000 : 0;
  }

  /** The q-quantile (0..1) in ms, or 0 when empty. */
  quantileMs(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperUsOf(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  percentiles(): Percentiles {
    return {
      count: this.n,
      p50: this.quantileMs(0.5),
      p95: this.quantileMs(0.95),
      p99: this.quantileMs(0.99),
      max: this.maxUs / 1000,
    };
  }

  reset(): void {
    if (this.n) this.counts.fill(0);
    this.n = 0;
    this.maxUs = 0;
    this.sumUs = 0;
  }
}
