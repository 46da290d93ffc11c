// Source: libwebrtc TrendlineEstimator (modules/congestion_controller/goog_cc/trendline_estimator.cc),
// the delay-gradient filter that replaced the Kalman filter of draft-ietf-rmcat-gcc-02 section 5.3.
//
// Accumulate the inter-group delay variations (the queueing delay built up since the start), smooth
// them exponentially (0.9), and fit a least-squares line through the last 20 (arrival time, smoothed
// delay) points. The slope is the trend: ms of queue gained per ms, > 0 while the queue grows. The
// detector compares modifiedTrend = min(numDeltas, 60) x slope x gain 4 against its threshold in ms;
// the scaling makes a young estimator (few deltas) less trigger-happy.

import type { GroupDelta } from './arrival-group.ts';

export interface TrendlineOptions {
  windowSize?: number;
  smoothing?: number;
  gain?: number;
  /** numDeltas is capped at this when scaling the trend. */
  minNumDeltas?: number;
}

export interface TrendlineOutput {
  /** Slope of smoothed accumulated delay over arrival time (ms per ms); the previous one until the window fills. */
  trend: number;
  /** min(numDeltas, minNumDeltas) x trend x gain: what the overuse detector compares with its threshold. */
  modifiedTrend: number;
  numDeltas: number;
  /** Accumulated delay variation, smoothed (ms): an estimate of the queueing delay built up. */
  smoothedDelayMs: number;
}

const MAX_NUM_DELTAS = 1000;

export class TrendlineEstimator {
  private readonly windowSize: number;
  private readonly smoothing: number;
  private readonly gain: number;
  private readonly minNumDeltas: number;
  private numDeltas = 0;
  private firstArrivalMs: number | null = null;
  private accumulatedDelayMs = 0;
  private smoothedDelayMs = 0;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private trend = 0;

  constructor(opts: TrendlineOptions = {}) {
    this.windowSize = opts.windowSize ?? 20;
    this.smoothing = opts.smoothing ?? 0.9;
    this.gain = opts.gain ?? 4;
    this.minNumDeltas = opts.minNumDeltas ?? 60;
  }

  update(delta: Pick<GroupDelta, 'delayVariationMs' | 'arrivalTimeMs'>): TrendlineOutput {
    this.numDeltas = Math.min(this.numDeltas + 1, MAX_NUM_DELTAS);
    if (this.firstArrivalMs === null) this.firstArrivalMs = delta.arrivalTimeMs;
    this.accumulatedDelayMs += delta.delayVariationMs;
    this.smoothedDelayMs = this.smoothing * this.smoothedDelayMs + (1 - this.smoothing) * this.accumulatedDelayMs;
    this.xs.push(delta.arrivalTimeMs - this.firstArrivalMs);
    this.ys.push(this.smoothedDelayMs);
    if (this.xs.length > this.windowSize) {
      this.xs.shift();
      this.ys.shift();
    }
    if (this.xs.length === this.windowSize) {
      const slope = linearFitSlope(this.xs, this.ys);
      if (slope !== null) this.trend = slope;
    }
    return {
      trend: this.trend,
      modifiedTrend: Math.min(this.numDeltas, this.minNumDeltas) * this.trend * this.gain,
      numDeltas: this.numDeltas,
      smoothedDelayMs: this.smoothedDelayMs,
    };
  }
}

/** Least-squares slope of y over x; null when every x is the same (no time span to fit). */
export function linearFitSlope(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    sumX += xs[i];
    sumY += ys[i];
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - meanX) * (ys[i] - meanY);
    den += (xs[i] - meanX) * (xs[i] - meanX);
  }
  return den === 0 ? null : num / den;
}
