// ITU-T P.1203.3 (10/2017, with Amendment 1 options): audiovisual integration O.34/O.35 and final O.46 with stalling and quality oscillations (clauses 8.1-8.4, eqs. 5-31).

import { clamp, percentileLinear } from './p1203-shared.ts';
import { p1203RandomForestFeatures, type P1203RandomForest } from './p1203-random-forest.ts';

/** A stall in media time: where playback stopped (0 = initial loading) and for how long. */
export interface P1203Stall {
  positionS: number;
  durationS: number;
}

export interface P1203IntegrationInput {
  /** O.21 per second; empty = no audio track, scored as constant 5 (what P.1203.3 does without I.11). */
  o21: readonly number[];
  /** O.22 per second (required). */
  o22: readonly number[];
  stalls: readonly P1203Stall[];
  /** The trees of P.1203.3's random-forest part; without them O.46 uses the parametric part alone (see below). */
  randomForest?: P1203RandomForest | null;
  /** Amendment 1 clause 8.2: low audio quality pulls O.34 down. */
  amendment1Audiovisual?: boolean;
  /** Amendment 1 clause 8.4: long total stalling scales O.46 down. */
  amendment1Stalling?: boolean;
}

export interface P1203IntegrationResult {
  /** Audiovisual quality per second. */
  o34: number[];
  /** Audiovisual quality of the session without stalling (the oscillation and negative-bias corrections applied). */
  o35: number;
  /** 1 + 4 x the stalling impact: the session as the stalls alone would rate it (the reference output's "O23"). */
  stallingMos: number;
  /** Final audiovisual quality O.46, 1..5. */
  o46: number;
  /** Whether O.46 includes the random-forest part (false: parametric only). */
  randomForestUsed: boolean;
  /** Seconds scored (the shorter of audio and video). */
  durationS: number;
}

const C = {
  cRef7: 0.48412879,
  cRef8: 10,
  av1: -0.00069084,
  av2: 0.15374283,
  av3: 0.97153861,
  av4: 0.02461776,
  amd1AThreshold: 2.0,
  t1: 0.00666620027943848,
  t2: 0.0000404018840273729,
  t3: 0.156497800436237,
  t4: 0.143179744942738,
  t5: 0.0238641564518876,
  c1: 1.87403625,
  c2: 7.85416481,
  c23: 0.0185382,
  s1: 9.35158684,
  s2: 0.91890815,
  s3: 11.0567558,
  amd1A1: -0.066667,
  amd1A2: 2.0,
  comp1: 0.6775608,
  comp2: -8.05533303,
  comp3: 0.17332553,
  comp4: -0.01035647,
  f1: 0.02833052,
  f2: 0.98117059,
} as const;

/** P.1203.3's exponential weighting: 1 at x = 0, decaying by half every d towards b. */
function decay(b: number, d: number, x: number): number {
  return b + (1 - b) * Math.pow(0.5, x / d);
}

// Eq. 21's time weight w1 of each second, per session length: computed once per length (sessions of a run
// share a few lengths); Math.exp per second was the largest part of the integration.
const TIME_WEIGHT_LENGTHS = 64;
const timeWeightCache = new Map<number, Float64Array>();
function timeWeights(durationS: number): Float64Array {
  let w = timeWeightCache.get(durationS);
  if (!w) {
    w = new Float64Array(durationS);
    for (let t = 0; t < durationS; t++) w[t] = C.t1 + C.t2 * Math.exp(t / durationS / C.t3);
    if (timeWeightCache.size >= TIME_WEIGHT_LENGTHS) timeWeightCache.delete(timeWeightCache.keys().next().value!);
    timeWeightCache.set(durationS, w);
  }
  return w;
}

/**
 * percentileLinear(values, 10) by selecting the two ranks it reads (Hoare's quickselect) instead of sorting.
 * Equal to it for finite values (a -0 may come where the sort gave 0: the bias max(0, -x) is the same);
 * anything else goes through percentileLinear itself. Reorders values.
 */
function percentile10(values: Float64Array): number {
  const n = values.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) return percentileLinear(Array.from(values), 10);
  if (n === 0) return NaN;
  const pos = ((n - 1) * 10) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const atLo = selectRank(values, lo);
  // After the selection everything right of lo is >= values[lo]: rank lo + 1 is their minimum.
  let atHi = atLo;
  if (hi > lo) {
    atHi = values[lo + 1];
    for (let i = lo + 2; i < n; i++) if (values[i] < atHi) atHi = values[i];
  }
  return atLo + (atHi - atLo) * (pos - lo);
}

/** Moves the k-th smallest value to index k, smaller ones before it, larger or equal ones after; returns it. */
function selectRank(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}

// Reused for each session's recency-weighted differences (allocating them per call cost more than using them).
let diffScratch = new Float64Array(1024);

// decay(c1, c2, x) for x = 0, 1, 2, ... s before the end, grown as longer sessions come: the same numbers for
// every session, so they are computed once.
let recencyTable = new Float64Array(0);
function recencyWeights(durationS: number): Float64Array {
  if (recencyTable.length < durationS) {
    const grown = new Float64Array(Math.max(durationS, 2 * recencyTable.length, 1024));
    for (let x = 0; x < grown.length; x++) grown[x] = decay(C.c1, C.c2, x);
    recencyTable = grown;
  }
  return recencyTable;
}

export function p1203Integrate(input: P1203IntegrationInput): P1203IntegrationResult {
  const { o22 } = input;
  if (o22.length === 0) throw new RangeError('P.1203.3 needs at least one second of video (O.22)');
  const hasAudio = input.o21.length > 0;
  const durationS = hasAudio ? Math.min(input.o21.length, o22.length) : o22.length;
  const o21 = hasAudio ? input.o21 : new Array<number>(durationS).fill(5);

  // Stalls outside the media, or of no length, do not count.
  const stalls = input.stalls.filter((s) => s.positionS <= durationS && s.durationS > 0).sort((a, b) => a.positionS - b.positionS);
  const { totalStallS, numStalls, avgStallIntervalS } = stallFeatures(stalls, durationS);

  // Clauses 8.1.2.2-8.1.2.5: quality spread, change rate and direction changes of O.22.
  let o22Max = -Infinity;
  let o22Min = Infinity;
  for (let i = 0; i < o22.length; i++) {
    o22Max = Math.max(o22Max, o22[i]);
    o22Min = Math.min(o22Min, o22[i]);
  }
  const spread = o22Max - o22Min;
  let changes = 0;
  for (let i = 1; i < durationS; i++) if (Math.abs(o22[i] - o22[i - 1]) > 0.2) changes++;
  const changeRate = changes / durationS;
  const { longestS, total: dirChanges } = qualityDirectionChanges(o22);

  // Eqs. 19-21: per-second audiovisual quality and its recency-weighted mean.
  const o34 = new Array<number>(durationS);
  const w1s = timeWeights(durationS);
  let num = 0;
  let den = 0;
  for (let t = 0; t < durationS; t++) {
    let q = clamp(C.av1 + C.av2 * o21[t] + C.av3 * o22[t] + C.av4 * o21[t] * o22[t], 1, 5);
    if (input.amendment1Audiovisual) q = (1 - Math.max(0, C.amd1AThreshold - o21[t])) * (q - 1) + 1;
    o34[t] = q;
    const w1 = w1s[t];
    const w2 = C.t4 - C.t5 * q;
    num += w1 * w2 * q;
    den += w1 * w2;
  }
  const o35Baseline = num / den;

  // Eqs. 5-7: the negative bias of recent drops below the baseline.
  const recency = recencyWeights(durationS);
  if (diffScratch.length < durationS) diffScratch = new Float64Array(Math.max(durationS, 2 * diffScratch.length));
  const diffs = diffScratch.subarray(0, durationS);
  for (let i = 0; i < durationS; i++) diffs[i] = (o34[i] - o35Baseline) * recency[durationS - i - 1];
  const negativeBias = Math.max(0, -percentile10(diffs)) * C.c23;
  // Eqs. 23-27: oscillation and adaptation compensation, only when the direction changes are short-lived.
  let oscComp = 0;
  if (longestS / durationS < 0.25 && longestS < 30) {
    const qDiff = Math.max(0, 1 + Math.log10(spread + 0.001));
    oscComp = clamp(qDiff * Math.exp(C.comp1 * dirChanges + C.comp2), 0, 1.5);
  }
  let adaptComp = 0;
  if (longestS / durationS < 0.25) adaptComp = clamp(C.comp3 * spread * changeRate + C.comp4, 0, 0.5);
  const o35 = o35Baseline - negativeBias - oscComp - adaptComp; // eq. 18

  // Eqs. 29, 31, 28, 30.
  const stallImpact = stallImpactOf(numStalls, totalStallS, avgStallIntervalS, durationS);
  const stallingMos = 1 + 4 * stallImpact;
  const parametric = clamp(1 + (o35 - 1) * stallImpact, 1, 5);
  const rf = input.randomForest ?? null;
  // Without the trees the random-forest quarter is replaced by the parametric estimate (documented in docs/scoring.md).
  const rfScore = rf ? rf.predict(p1203RandomForestFeatures(o21.slice(0, durationS), o22.slice(0, durationS), stalls, durationS)) : parametric;
  let o46 = 0.75 * parametric + 0.25 * rfScore;
  if (input.amendment1Stalling) {
    const qFac = clamp(C.amd1A1 * totalStallS + C.amd1A2, 0, 1);
    o46 = 1 + (o46 - 1) * qFac;
  }
  o46 = C.f1 + C.f2 * o46;
  return { o34, o35, stallingMos, o46, randomForestUsed: rf !== null, durationS };
}

/**
 * Clauses 8.1.2.4-8.1.2.5: O.22 smoothed by a 5-tap moving average (padded with its end values), compared
 * every 3 s with a +-0.2 dead band; `total` counts the runs of same-direction changes, `longestS` is the
 * longest stretch (s) between direction changes.
 */
export function qualityDirectionChanges(o22: readonly number[]): { longestS: number; total: number } {
  const order = 5;
  const step = 3;
  const n = o22.length;
  const pad = order - 1;
  const padded = new Float64Array(n + 2 * pad);
  padded.fill(o22[0], 0, pad);
  for (let i = 0; i < n; i++) padded[pad + i] = o22[i];
  padded.fill(o22[n - 1], pad + n);
  const maLength = padded.length - order + 1;
  // The moving average at i, summed in the same order as a loop over the window from 0.
  const ma = (i: number) => (0 + padded[i] + padded[i + 1] + padded[i + 2] + padded[i + 3] + padded[i + 4]) / order;
  // Directions every step s (only those points of the average are needed); a flip is a non-zero direction other
  // than the last one (the first non-zero one counts); the longest stretch runs between flips, or from the start
  // or to the end.
  let dirCount = 0;
  let lastDir = 0;
  let flips = 0;
  let lastFlip = 0;
  let longest = 0;
  let prev = maLength > 0 ? ma(0) : NaN;
  for (let i = 0; i + step < maLength; i += step) {
    const next = ma(i + step);
    const d = next - prev;
    prev = next;
    const dir = d > 0.2 ? 1 : d > -0.2 && d < 0.2 ? 0 : -1;
    if (dir !== 0 && dir !== lastDir) {
      longest = Math.max(longest, dirCount - lastFlip);
      lastFlip = dirCount;
      flips++;
      lastDir = dir;
    }
    dirCount++;
  }
  longest = Math.max(longest, dirCount - lastFlip);
  return { longestS: longest * step, total: flips };
}

/** Clause 8.1.1.1: stall length weighted by recency, number of stalls, mean interval between them. */
function stallFeatures(stalls: readonly P1203Stall[], durationS: number): { totalStallS: number; numStalls: number; avgStallIntervalS: number } {
  const totalStallS = stalls.reduce((sum, s) => sum + s.durationS * decay(C.cRef7, C.cRef8, durationS - s.positionS), 0);
  const numStalls = stalls.length;
  const avgStallIntervalS = numStalls > 1 ? (stalls[numStalls - 1].positionS - stalls[0].positionS) / (numStalls - 1) : 0;
  return { totalStallS, numStalls, avgStallIntervalS };
}

/** Eq. 29: the multiplicative impact (0..1] of the stalls on the session's quality. */
function stallImpactOf(numStalls: number, totalStallS: number, avgStallIntervalS: number, durationS: number): number {
  return Math.exp(-numStalls / C.s1) * Math.exp(-totalStallS / durationS / C.s2) * Math.exp(-avgStallIntervalS / durationS / C.s3);
}

/** P.1203.3 eq. 29 for stalls (media-time positions) in a session of durationS seconds: 1 = no impact. */
export function p1203StallingImpact(stalls: readonly P1203Stall[], durationS: number): number {
  if (!(durationS > 0)) throw new RangeError(`stalling impact needs a session longer than 0 s, got ${durationS}`);
  const kept = [...stalls].filter((s) => s.positionS <= durationS && s.durationS > 0).sort((a, b) => a.positionS - b.positionS);
  const f = stallFeatures(kept, durationS);
  return stallImpactOf(f.numStalls, f.totalStallS, f.avgStallIntervalS, durationS);
}
