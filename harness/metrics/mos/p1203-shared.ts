// ITU-T P.1203.1 (10/2017) MOSfromR/RfromMOS: the mapping between the 1..5 MOS scale and the 0..100 quality scale the modules use internally.

/** P.1203's MOS floor and ceiling on the quality scale's ends (not 1 and 5: the ends of the rating scale are rarely used). */
export const P1203_MOS_MIN = 1.05;
export const P1203_MOS_MAX = 4.9;

/** MOSfromR: quality Q (0..100) -> MOS (1.05..4.9), the E-model's cubic with P.1203's end points. */
export function p1203MosFromQ(q: number): number {
  if (q <= 0) return P1203_MOS_MIN;
  if (q >= 100) return P1203_MOS_MAX;
  return P1203_MOS_MIN + ((P1203_MOS_MAX - P1203_MOS_MIN) * q) / 100 + q * (q - 60) * (100 - q) * 0.000007;
}

// The cubic dips below MOS_MIN for 0 < Q < 3.2 (by up to 0.003, at Q = 1.6), so the inverse is taken on its
// increasing branch: Q = 0 for MOS_MIN, then Q from 3.25 up. Linear interpolation on a 0.25 grid of Q, as
// the reference implementation (itu-p1203 utils.r_from_mos) tabulates it, so both give the same numbers.
const GRID_Q: readonly number[] = [0, ...Array.from({ length: (100 - 3.25) / 0.25 + 1 }, (_, i) => 3.25 + i * 0.25)];
const GRID_MOS: readonly number[] = GRID_Q.map((q) => (q === 0 ? P1203_MOS_MIN : p1203MosFromQ(q)));

/** RfromMOS: MOS -> quality Q (0..100), the inverse of p1203MosFromQ; MOS is clamped to 1.05..4.9 first. */
export function p1203QFromMos(mos: number): number {
  const m = Math.min(P1203_MOS_MAX, Math.max(P1203_MOS_MIN, mos));
  let lo = 0;
  let hi = GRID_MOS.length - 1;
  // Binary search for the grid cell holding m (GRID_MOS is strictly increasing).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (GRID_MOS[mid] <= m) lo = mid;
    else hi = mid;
  }
  const m0 = GRID_MOS[lo];
  const m1 = GRID_MOS[hi];
  if (m >= m1) return GRID_Q[hi];
  return GRID_Q[lo] + ((GRID_Q[hi] - GRID_Q[lo]) * (m - m0)) / (m1 - m0);
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Number of 1 s output samples for media of this length: whole seconds, one more when the remainder is over
 * 0.99 s (P.1203's measurement window emits a score per full second).
 */
export function p1203SampleCount(mediaS: number): number {
  const whole = Math.floor(mediaS);
  return mediaS - whole > 0.99 ? Math.ceil(mediaS) : whole;
}

/** Percentile with linear interpolation between closest ranks (numpy's default 'linear' method). */
export function percentileLinear(values: readonly number[], p: number): number {
  return percentileOfSorted([...values].sort((a, b) => a - b), p);
}

/** percentileLinear of values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * P.1203's measurement window works on frames: a segment of d s at f fps is trunc(d x f) frames of 1/f s
 * each, their decode times summed one after the other (in float64, as any implementation does), and the
 * score for second t (t = 1, 2, ...) is the model's output for the last frame that starts before t. This
 * returns, per output second, the index of the segment that frame belongs to. Segments are taken in order;
 * frame rates are > 0.
 */
export function p1203FrameSampling(segments: readonly { durationS: number; framesPerS: number }[]): number[] {
  return p1203SampleSegments(segments, null);
}

/**
 * p1203FrameSampling mapped through values (values[k] for segment k; null: k itself). The last frame starting
 * before t belongs to the last segment with frames whose first frame starts before t, so only each segment's
 * first decode time is kept, not one per frame; those are the same float64 sums (see sumFromZero).
 */
export function p1203SampleSegments(segments: readonly { durationS: number; framesPerS: number }[], values: readonly number[] | null): number[] {
  if (scratchDts.length < segments.length) {
    scratchDts = new Float64Array(Math.max(segments.length, 2 * scratchDts.length));
    scratchIndex = new Int32Array(scratchDts.length);
  }
  const firstDts = scratchDts;
  const index = scratchIndex;
  let withFrames = 0;
  let dts = 0;
  let runFrameS = NaN; // frame length of the run of frames that started at 0, while no other length came between
  let runFrames = 0;
  let runSums: SumTable | null = null;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const n = Math.trunc(seg.durationS * seg.framesPerS);
    if (!(n > 0)) continue;
    const frameS = 1 / seg.framesPerS;
    firstDts[withFrames] = dts;
    index[withFrames] = k;
    withFrames++;
    if (withFrames === 1 || (runFrames > 0 && frameS === runFrameS)) {
      if (withFrames === 1) runSums = sumCache.get(frameS) ?? null;
      runFrameS = frameS;
      runFrames += n;
      if ((runFrames < SUM_CACHE_MIN_FRAMES && runSums === null) || runFrames >= SUM_CACHE_MAX_FRAMES) {
        dts = addRepeatedly(dts, frameS, n);
      } else {
        if (runSums === null || runFrames >= runSums.length) runSums = sumTable(frameS, runFrames);
        dts = runSums.sums[runFrames];
      }
    } else {
      runFrames = 0;
      dts = addRepeatedly(dts, frameS, n);
    }
  }
  const count = p1203SampleCount(dts);
  // Segment j is shown for the seconds t with firstDts[j] < t <= firstDts[j + 1]: out[floor(firstDts[j])] up to
  // out[floor(firstDts[j + 1]) - 1].
  const out = new Array<number>(count);
  for (let j = 0; j < withFrames; j++) {
    const from = Math.min(count, Math.floor(firstDts[j]));
    const to = j + 1 < withFrames ? Math.min(count, Math.floor(firstDts[j + 1])) : count;
    const v = values === null ? index[j] : values[index[j]];
    for (let i = from; i < to; i++) out[i] = v;
  }
  return out;
}

// Per-call scratch (allocating typed arrays per call cost more than the loops); grown as needed.
let scratchDts = new Float64Array(256);
let scratchIndex = new Int32Array(256);

// Sums 0 + s + s + ... (m terms, in order) per frame length s, kept across calls: sessions share their frame
// rates (video 30 fps, audio 100 frames a second), and re-adding 60,000 audio frames per session was most of
// P.1203's cost. Only runs that reach SUM_CACHE_MIN_FRAMES start a table, for a few frame lengths, so odd
// rates (live stats) do not fill memory; a table once there serves shorter runs too.
const SUM_CACHE_MIN_FRAMES = 1000;
const SUM_CACHE_MAX_FRAMES = 1 << 20;
const SUM_CACHE_RATES = 6;
interface SumTable {
  sums: Float64Array;
  /** sums[0..length - 1] are filled. */
  length: number;
}
const sumCache = new Map<number, SumTable>();

/** The sums for frame length frameS, filled up to m at least (m < SUM_CACHE_MAX_FRAMES). */
function sumTable(frameS: number, m: number): SumTable {
  let entry = sumCache.get(frameS);
  if (!entry) {
    if (sumCache.size >= SUM_CACHE_RATES) sumCache.delete(sumCache.keys().next().value!);
    entry = { sums: new Float64Array(Math.max(m + 1, 4096)), length: 1 };
    sumCache.set(frameS, entry);
  }
  if (m < entry.length) return entry;
  if (m >= entry.sums.length) {
    const grown = new Float64Array(Math.min(SUM_CACHE_MAX_FRAMES, Math.max(m + 1, entry.sums.length * 2)));
    grown.set(entry.sums.subarray(0, entry.length));
    entry.sums = grown;
  }
  const sums = entry.sums;
  let dts = sums[entry.length - 1];
  for (let i = entry.length; i <= m; i++) {
    dts += frameS;
    sums[i] = dts;
  }
  entry.length = m + 1;
  return entry;
}

function addRepeatedly(start: number, frameS: number, m: number): number {
  let dts = start;
  for (let i = 0; i < m; i++) dts += frameS;
  return dts;
}
