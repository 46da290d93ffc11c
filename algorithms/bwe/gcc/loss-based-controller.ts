// Source: draft-ietf-rmcat-gcc-02 section 6 (loss-based control), with libwebrtc's
// SendSideBandwidthEstimation guards (decrease at most once per 300 ms + RTT; the estimate never above
// the delay-based one; trust the delay-based estimate in a loss-free first 2 s so probes can lift it).
//
// Loss fraction p over the last report: p < 2%: As = 1.05 x As; 2% <= p <= 10%: hold;
// p > 10%: As = As x (1 - 0.5 p). Small loss is the price of probing for more; heavy loss means the
// queue overflows or the path is lossy beyond what the codec can repair.

import { kbps } from './aimd-rate-controller.ts';

export type LossBand = 'increase' | 'hold' | 'decrease';

export interface LossBasedOptions {
  startBps?: number;
  minBps?: number;
  lowLoss?: number;
  highLoss?: number;
  increaseFactor?: number;
  decreaseIntervalMs?: number;
  startPhaseMs?: number;
}

export interface LossBasedInput {
  /** 0..1 over the last report or window. */
  lossFraction: number;
  nowMs: number;
  rttMs?: number;
  /** The delay-based estimate: the loss-based one never exceeds it. */
  delayBasedBps?: number;
}

export interface LossBasedOutput {
  bps: number;
  band: LossBand;
  reason: string;
}

export class LossBasedController {
  private readonly minBps: number;
  private readonly lowLoss: number;
  private readonly highLoss: number;
  private readonly increaseFactor: number;
  private readonly decreaseIntervalMs: number;
  private readonly startPhaseMs: number;
  private bps: number;
  private firstUpdateMs: number | null = null;
  private lastDecreaseMs = -Infinity;
  private anyLoss = false;

  constructor(opts: LossBasedOptions = {}) {
    this.minBps = opts.minBps ?? 30_000;
    this.bps = Math.max(this.minBps, opts.startBps ?? 300_000);
    this.lowLoss = opts.lowLoss ?? 0.02;
    this.highLoss = opts.highLoss ?? 0.1;
    this.increaseFactor = opts.increaseFactor ?? 1.05;
    this.decreaseIntervalMs = opts.decreaseIntervalMs ?? 300;
    this.startPhaseMs = opts.startPhaseMs ?? 2000;
  }

  get estimateBps(): number {
    return this.bps;
  }

  static band(lossFraction: number, lowLoss = 0.02, highLoss = 0.1): LossBand {
    if (lossFraction < lowLoss) return 'increase';
    if (lossFraction <= highLoss) return 'hold';
    return 'decrease';
  }

  update(input: LossBasedInput): LossBasedOutput {
    const p = Math.min(1, Math.max(0, input.lossFraction));
    if (this.firstUpdateMs === null) this.firstUpdateMs = input.nowMs;
    if (p > 0) this.anyLoss = true;
    const band = LossBasedController.band(p, this.lowLoss, this.highLoss);
    const pct = `loss ${(p * 100).toFixed(1)}%`;
    let reason: string;
    switch (band) {
      case 'increase': {
        const inStart = !this.anyLoss && input.nowMs - this.firstUpdateMs < this.startPhaseMs;
        this.bps *= this.increaseFactor;
        if (inStart && input.delayBasedBps !== undefined && input.delayBasedBps > this.bps) {
          this.bps = input.delayBasedBps;
          reason = `${pct} in a loss-free start: follow the delay-based estimate`;
        } else {
          reason = `${pct} < ${this.lowLoss * 100}%: x${this.increaseFactor}`;
        }
        break;
      }
      case 'hold':
        reason = `${pct} in ${this.lowLoss * 100}-${this.highLoss * 100}%: hold`;
        break;
      case 'decrease': {
        const intervalMs = this.decreaseIntervalMs + (input.rttMs ?? 0);
        if (input.nowMs - this.lastDecreaseMs >= intervalMs) {
          this.bps *= 1 - 0.5 * p;
          this.lastDecreaseMs = input.nowMs;
          reason = `${pct} > ${this.highLoss * 100}%: x(1 - 0.5 x ${p.toFixed(3)})`;
        } else {
          reason = `${pct} > ${this.highLoss * 100}%: decreased less than ${Math.round(intervalMs)} ms ago, hold`;
        }
        break;
      }
    }
    if (input.delayBasedBps !== undefined && this.bps > input.delayBasedBps) this.bps = input.delayBasedBps;
    this.bps = Math.max(this.minBps, this.bps);
    return { bps: this.bps, band, reason: `${reason}: ${kbps(this.bps)}` };
  }
}
