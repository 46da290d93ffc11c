// Source: REFERENCE-NOTES.md, "BWE: seed-smooth"
//
// SmoothBitrateController: start at 2 Mbps (current = target = 2 Mbps). Every 2 s read the available
// outgoing bitrate; target = 0.9 x target + 0.1 x available. When |current - target| / current > 0.2,
// apply maxBitrate = floor(0.9 x target) to the video sender and set current = target.
//
// Readings of the rule, as a production engineer would make them:
// - "Every 2 s" is a timer started with the session: the first reading is 2 s after the first call,
//   and each next one 2 s after the previous (never faster, even if the caller is late once).
// - A reading needs an available bitrate; until one is known (or while none comes) nothing is read.
// - Until the first application no maxBitrate is set: the decision passes the available bitrate through
//   (applies 'maxBitrate': the sender sends at min(available, target), so that is no cap). The
//   2 Mbps start value is only the EMA's seed.

import { kbps } from './gcc/aimd-rate-controller.ts';
import type { BandwidthEstimator, BweContext, BweCreateOptions, BweDecision, BweFactory } from './types.ts';

export const SMOOTH_START_BPS = 2_000_000;
export const SMOOTH_PERIOD_MS = 2000;
export const SMOOTH_ALPHA = 0.1;
export const SMOOTH_MIN_CHANGE = 0.2;
export const SMOOTH_CAP_FACTOR = 0.9;

export class SeedSmooth implements BandwidthEstimator {
  readonly name = 'seed-smooth';
  readonly applies = 'maxBitrate' as const;
  private currentBps: number;
  private targetBps: number;
  private appliedBps: number | null = null;
  private nextReadMs: number | null = null;
  private latestAvailableBps: number | null = null;
  private lastReason: string;

  constructor(startBps = SMOOTH_START_BPS) {
    this.currentBps = startBps;
    this.targetBps = startBps;
    this.lastReason = `start: EMA seeded at ${kbps(startBps)}, no maxBitrate applied`;
  }

  decide(ctx: BweContext): BweDecision {
    const avail = ctx.availableOutgoingBitrateBps;
    if (avail !== undefined && Number.isFinite(avail) && avail > 0) this.latestAvailableBps = avail;
    if (this.nextReadMs === null) this.nextReadMs = ctx.tMs + SMOOTH_PERIOD_MS;
    if (ctx.tMs >= this.nextReadMs && this.latestAvailableBps !== null) {
      this.nextReadMs = ctx.tMs + SMOOTH_PERIOD_MS;
      this.read(this.latestAvailableBps);
    }
    return { targetBps: this.outputBps(), reason: this.lastReason };
  }

  private read(availableBps: number): void {
    this.targetBps = (1 - SMOOTH_ALPHA) * this.targetBps + SMOOTH_ALPHA * availableBps;
    const change = Math.abs(this.currentBps - this.targetBps) / this.currentBps;
    const ema = `EMA ${kbps(this.targetBps)} (available ${kbps(availableBps)})`;
    if (change > SMOOTH_MIN_CHANGE) {
      this.appliedBps = Math.floor(SMOOTH_CAP_FACTOR * this.targetBps);
      this.currentBps = this.targetBps;
      this.lastReason = `${ema}: ${(change * 100).toFixed(0)}% change > 20%: maxBitrate = 0.9 x EMA = ${kbps(this.appliedBps)}`;
    } else {
      const kept = this.appliedBps === null ? 'no maxBitrate yet' : `keep maxBitrate ${kbps(this.appliedBps)}`;
      this.lastReason = `${ema}: ${(change * 100).toFixed(0)}% change <= 20%: ${kept}`;
    }
  }

  private outputBps(): number {
    if (this.appliedBps !== null && this.appliedBps > 0) return this.appliedBps;
    return this.latestAvailableBps ?? this.currentBps;
  }
}

export const seedSmoothBwe: BweFactory = {
  name: 'seed-smooth',
  source: 'REFERENCE-NOTES.md, "BWE: seed-smooth"',
  description: 'EMA (0.1) of the available outgoing bitrate every 2 s; maxBitrate 0.9 x EMA on a change over 20%',
  create: (opts: BweCreateOptions = {}) => new SeedSmooth(opts.startBps ?? SMOOTH_START_BPS),
};
