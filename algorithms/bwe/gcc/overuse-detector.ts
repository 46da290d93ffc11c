// Source: draft-ietf-rmcat-gcc-02 section 5.4 (over-use detector) and libwebrtc TrendlineEstimator::Detect.
//
// Signal above +threshold for more than 10 ms (of send time, and at least two groups in a row) with a
// trend that is not falling: overusing. Below -threshold: underusing (the queue drains). Otherwise
// normal. Overuse is signalled once per episode; the state then stays overusing until the signal drops.

import { AdaptiveThreshold, type AdaptiveThresholdOptions } from './adaptive-threshold.ts';

export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

export interface OveruseDetectorOptions {
  overuseTimeThresholdMs?: number;
  threshold?: AdaptiveThresholdOptions;
}

export interface DetectorInput {
  /** The trendline's modifiedTrend (ms-comparable signal m). */
  signalMs: number;
  /** The raw slope, to check the trend is not already falling. */
  trend: number;
  /** Send-time delta of the group that produced this signal. */
  sendDeltaMs: number;
  nowMs: number;
  /** With fewer than 2 deltas the detector stays normal. */
  numDeltas: number;
}

export class OveruseDetector {
  private readonly overuseTimeThresholdMs: number;
  private readonly threshold: AdaptiveThreshold;
  private state: BandwidthUsage = 'normal';
  /** -1: not over the threshold. */
  private timeOverusingMs = -1;
  private overuseCounter = 0;
  private prevTrend = 0;

  constructor(opts: OveruseDetectorOptions = {}) {
    this.overuseTimeThresholdMs = opts.overuseTimeThresholdMs ?? 10;
    this.threshold = new AdaptiveThreshold(opts.threshold);
  }

  get usage(): BandwidthUsage {
    return this.state;
  }

  get thresholdMs(): number {
    return this.threshold.valueMs;
  }

  detect(input: DetectorInput): BandwidthUsage {
    if (input.numDeltas < 2) {
      this.state = 'normal';
      return this.state;
    }
    const th = this.threshold.valueMs;
    if (input.signalMs > th) {
      // The overuse started somewhere within this group's interval: count half of it the first time.
      this.timeOverusingMs = this.timeOverusingMs < 0 ? input.sendDeltaMs / 2 : this.timeOverusingMs + input.sendDeltaMs;
      this.overuseCounter++;
      if (this.timeOverusingMs > this.overuseTimeThresholdMs && this.overuseCounter > 1 && input.trend >= this.prevTrend) {
        this.timeOverusingMs = 0;
        this.overuseCounter = 0;
        this.state = 'overusing';
      }
    } else if (input.signalMs < -th) {
      this.timeOverusingMs = -1;
      this.overuseCounter = 0;
      this.state = 'underusing';
    } else {
      this.timeOverusingMs = -1;
      this.overuseCounter = 0;
      this.state = 'normal';
    }
    this.prevTrend = input.trend;
    this.threshold.update(input.signalMs, input.nowMs);
    return this.state;
  }
}
