// Source: draft-ietf-rmcat-gcc-02 section 5.5 (rate control) and libwebrtc AimdRateController.
//
// A three-state machine driven by the detector: overusing -> decrease, underusing -> hold (let the
// queue drain), normal -> increase (from hold). Increase is multiplicative (8% per second) when far
// from convergence and additive (about one packet per response time) near the link capacity last seen
// at an overuse; decrease goes to 0.85 x the acknowledged (received) rate. An increase never takes the
// rate above 1.5 x the acknowledged rate + 10 kbps: a sender that does not fill its target must not
// let the target run away.

import type { BandwidthUsage } from './overuse-detector.ts';
import { LinkCapacityEstimator } from './link-capacity-estimator.ts';

export type RateControlState = 'hold' | 'increase' | 'decrease';

export interface AimdOptions {
  startBps?: number;
  minBps?: number;
  maxBps?: number;
  /** Decrease to beta x acknowledged rate. */
  beta?: number;
  /** Multiplicative increase per second (0.08: x1.08 per second). */
  multiplicativeIncreasePerS?: number;
  /** RTT assumed until one is measured (libwebrtc: 200 ms). */
  defaultRttMs?: number;
}

export interface AimdInput {
  usage: BandwidthUsage;
  /** Acknowledged (received) bitrate; null when not yet known. */
  ackedBps: number | null;
  nowMs: number;
  rttMs?: number;
}

export interface AimdOutput {
  bps: number;
  /** What this update did (after a decrease the controller itself waits in hold). */
  state: RateControlState;
  reason: string;
}

const PACKET_BITS = 1200 * 8;
const FRAME_RATE = 30;

export class AimdRateController {
  private readonly minBps: number;
  private readonly maxBps: number;
  private readonly beta: number;
  private readonly increasePerS: number;
  private readonly linkCapacity = new LinkCapacityEstimator();
  private bps: number;
  private state: RateControlState = 'increase';
  private lastChangeMs: number | null = null;
  private rttMs: number;

  constructor(opts: AimdOptions = {}) {
    this.minBps = opts.minBps ?? 30_000;
    this.maxBps = opts.maxBps ?? 100_000_000;
    this.bps = clamp(opts.startBps ?? 300_000, this.minBps, this.maxBps);
    this.beta = opts.beta ?? 0.85;
    this.increasePerS = opts.multiplicativeIncreasePerS ?? 0.08;
    this.rttMs = opts.defaultRttMs ?? 200;
  }

  get estimateBps(): number {
    return this.bps;
  }

  get currentState(): RateControlState {
    return this.state;
  }

  get linkCapacityBps(): number | null {
    return this.linkCapacity.estimateBps;
  }

  setRtt(rttMs: number): void {
    if (rttMs > 0 && Number.isFinite(rttMs)) this.rttMs = rttMs;
  }

  /**
   * A probe measured this rate: jump to it (libwebrtc SetEstimate). The link capacity estimate is left
   * alone, as libwebrtc does: only overuses teach it what the link carries.
   */
  setEstimate(bps: number, nowMs: number): void {
    this.bps = clamp(bps, this.minBps, this.maxBps);
    this.lastChangeMs = nowMs;
  }

  /**
   * After a decrease, another is allowed once per RTT (clamped to 10..200 ms), or at once when the
   * acknowledged rate fell below half the estimate (the first cut was not enough).
   */
  timeToReduceFurther(nowMs: number, ackedBps: number): boolean {
    const intervalMs = clamp(this.rttMs, 10, 200);
    if (this.lastChangeMs === null || nowMs - this.lastChangeMs >= intervalMs) return true;
    return ackedBps < 0.5 * this.bps;
  }

  update(input: AimdInput): AimdOutput {
    if (input.rttMs !== undefined) this.setRtt(input.rttMs);
    this.changeState(input.usage, input.nowMs);
    const action = this.state;
    const dtMs = this.lastChangeMs === null ? 0 : Math.max(0, input.nowMs - this.lastChangeMs);
    let reason: string;
    switch (this.state) {
      case 'hold':
        reason = `${input.usage}: hold ${kbps(this.bps)}`;
        break;
      case 'increase': {
        const acked = input.ackedBps;
        if (acked !== null && acked > this.linkCapacity.upperBoundBps()) this.linkCapacity.reset();
        const limit = acked === null ? Infinity : 1.5 * acked + 10_000;
        if (this.bps >= limit) {
          reason = `normal: at 1.5 x acked ${kbps(acked ?? 0)} + 10 kbps, no increase`;
        } else if (this.linkCapacity.hasEstimate) {
          const inc = (this.nearMaxIncreaseBpsPerS() * dtMs) / 1000;
          this.bps = Math.min(this.bps + inc, limit);
          reason = `normal: additive +${kbps(inc)} near link capacity ${kbps(this.linkCapacity.estimateBps ?? 0)}`;
        } else {
          const alpha = Math.pow(1 + this.increasePerS, Math.min(dtMs / 1000, 1));
          const inc = Math.max(this.bps * (alpha - 1), 1000);
          this.bps = Math.min(this.bps + inc, limit);
          reason = `normal: multiplicative +${(this.increasePerS * 100).toFixed(0)}%/s`;
        }
        this.lastChangeMs = input.nowMs;
        break;
      }
      case 'decrease': {
        const acked = input.ackedBps;
        let decreased = this.beta * (acked ?? this.bps);
        let basis = acked === null ? `estimate ${kbps(this.bps)}` : `acked ${kbps(acked)}`;
        if (decreased > this.bps && this.linkCapacity.hasEstimate) {
          decreased = this.beta * (this.linkCapacity.estimateBps ?? this.bps);
          basis = `link capacity ${kbps(this.linkCapacity.estimateBps ?? 0)}`;
        }
        // Never increase on overuse.
        if (decreased < this.bps) this.bps = decreased;
        // The acknowledged rate fell well below what the link used to carry: it changed, forget it.
        if (acked !== null && acked < this.linkCapacity.lowerBoundBps()) this.linkCapacity.reset();
        if (acked !== null) this.linkCapacity.onOveruseDetected(acked);
        reason = `overuse: ${this.beta} x ${basis}`;
        this.state = 'hold';
        this.lastChangeMs = input.nowMs;
        break;
      }
    }
    this.bps = clamp(this.bps, this.minBps, this.maxBps);
    return { bps: this.bps, state: action, reason };
  }

  private changeState(usage: BandwidthUsage, nowMs: number): void {
    switch (usage) {
      case 'overusing':
        if (this.state !== 'decrease') this.state = 'decrease';
        break;
      case 'underusing':
        this.state = 'hold';
        break;
      case 'normal':
        if (this.state === 'hold') {
          this.lastChangeMs = nowMs;
          this.state = 'increase';
        }
        break;
    }
  }

  /** About one average packet per response time (RTT + 100 ms), at least 4 kbps per second. */
  private nearMaxIncreaseBpsPerS(): number {
    const bitsPerFrame = this.bps / FRAME_RATE;
    const packetsPerFrame = Math.ceil(bitsPerFrame / PACKET_BITS);
    const avgPacketBits = bitsPerFrame / packetsPerFrame;
    const responseTimeMs = this.rttMs + 100;
    return Math.max(4000, (avgPacketBits * 1000) / responseTimeMs);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export function kbps(bps: number): string {
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbps` : `${Math.round(bps / 1000)} kbps`;
}
