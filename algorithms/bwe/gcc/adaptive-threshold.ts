// Source: draft-ietf-rmcat-gcc-02 section 5.4 (adaptive threshold gamma with K_u = 0.01, K_d = 0.00018),
// with libwebrtc's guards (no adaptation to spikes over threshold + 15 ms, time step capped at 100 ms,
// threshold kept in [6, 600] ms).
//
// gamma(i) = gamma(i-1) + dt x K x (|m(i)| - gamma(i-1)), K = K_d when |m| < gamma, else K_u: the
// threshold rises quickly towards a signal above it and decays slowly below it, so one GCC flow does
// not starve next to a loss-based TCP flow (which would keep the signal high) and stays sensitive when
// alone. libwebrtc's trendline uses K_u 0.0087 and K_d 0.039 (pass them as options to compare).

export interface AdaptiveThresholdOptions {
  initialMs?: number;
  kUp?: number;
  kDown?: number;
  minMs?: number;
  maxMs?: number;
  /** Signals further than this above the threshold are spikes (a capacity drop): do not adapt to them. */
  maxAdaptOffsetMs?: number;
  /** The time step of one update is capped at this (a gap in feedback must not swing the threshold). */
  maxTimeDeltaMs?: number;
}

export class AdaptiveThreshold {
  private readonly kUp: number;
  private readonly kDown: number;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly maxAdaptOffsetMs: number;
  private readonly maxTimeDeltaMs: number;
  private thresholdMs: number;
  private lastUpdateMs: number | null = null;

  constructor(opts: AdaptiveThresholdOptions = {}) {
    this.thresholdMs = opts.initialMs ?? 12.5;
    this.kUp = opts.kUp ?? 0.01;
    this.kDown = opts.kDown ?? 0.00018;
    this.minMs = opts.minMs ?? 6;
    this.maxMs = opts.maxMs ?? 600;
    this.maxAdaptOffsetMs = opts.maxAdaptOffsetMs ?? 15;
    this.maxTimeDeltaMs = opts.maxTimeDeltaMs ?? 100;
  }

  get valueMs(): number {
    return this.thresholdMs;
  }

  /** Adapt to the detector's signal m (ms) observed at nowMs; returns the new threshold. */
  update(signalMs: number, nowMs: number): number {
    const last = this.lastUpdateMs ?? nowMs;
    this.lastUpdateMs = nowMs;
    const magnitude = Math.abs(signalMs);
    if (magnitude > this.thresholdMs + this.maxAdaptOffsetMs) return this.thresholdMs;
    const k = magnitude < this.thresholdMs ? this.kDown : this.kUp;
    const dtMs = Math.min(Math.max(0, nowMs - last), this.maxTimeDeltaMs);
    this.thresholdMs += k * (magnitude - this.thresholdMs) * dtMs;
    this.thresholdMs = Math.min(this.maxMs, Math.max(this.minMs, this.thresholdMs));
    return this.thresholdMs;
  }
}
