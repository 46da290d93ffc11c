// Source: REFERENCE-NOTES.md, "BWE: seed-jitter-cap"
//
// JitterMonitor: every 1 s read the inbound video jitter (ms) and keep the last 60 samples; when their
// average exceeds 50 ms, cap the video sender's maxBitrate at 500 kbps.
//
// Readings of the rule:
// - The average is over the samples kept so far (1 to 60): the source averages its array, whatever its
//   length. A reading needs a jitter value; until one is known nothing is read.
// - The source never lifts the cap. We lift it when the 60-sample average has stayed under 30 ms for
//   10 consecutive readings (10 s): well under the 50 ms trigger, so the cap does not flap around it,
//   and sustained, so one calm second does not undo it.
// - Uncapped, the decision passes the available outgoing bitrate through (applies 'maxBitrate': no cap);
//   before any is known, the 2 Mbps top simulcast layer of the same material stands in.

import { kbps } from './gcc/aimd-rate-controller.ts';
import type { BandwidthEstimator, BweContext, BweCreateOptions, BweDecision, BweFactory } from './types.ts';

export const JITTER_PERIOD_MS = 1000;
export const JITTER_SAMPLES = 60;
export const JITTER_CAP_ABOVE_MS = 50;
export const JITTER_CAP_BPS = 500_000;
export const JITTER_LIFT_BELOW_MS = 30;
export const JITTER_LIFT_READINGS = 10;
const UNCAPPED_DEFAULT_BPS = 2_000_000;

export class SeedJitterCap implements BandwidthEstimator {
  readonly name = 'seed-jitter-cap';
  readonly applies = 'maxBitrate' as const;
  private readonly samples: number[] = [];
  private capped = false;
  private calmReadings = 0;
  private nextReadMs: number | null = null;
  private latestJitterMs: number | null = null;
  private latestAvailableBps: number | null = null;
  private readonly uncappedDefaultBps: number;
  private lastReason = 'no jitter reading yet: no cap';

  constructor(uncappedDefaultBps = UNCAPPED_DEFAULT_BPS) {
    this.uncappedDefaultBps = uncappedDefaultBps;
  }

  /** The average of the samples kept (0 before any). */
  get averageJitterMs(): number {
    if (this.samples.length === 0) return 0;
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / this.samples.length;
  }

  get isCapped(): boolean {
    return this.capped;
  }

  decide(ctx: BweContext): BweDecision {
    const j = ctx.inboundJitterMs ?? ctx.report?.jitterMs;
    if (j !== undefined && Number.isFinite(j) && j >= 0) this.latestJitterMs = j;
    const avail = ctx.availableOutgoingBitrateBps;
    if (avail !== undefined && Number.isFinite(avail) && avail > 0) this.latestAvailableBps = avail;
    if (this.nextReadMs === null) this.nextReadMs = ctx.tMs + JITTER_PERIOD_MS;
    if (ctx.tMs >= this.nextReadMs && this.latestJitterMs !== null) {
      this.nextReadMs = ctx.tMs + JITTER_PERIOD_MS;
      this.read(this.latestJitterMs);
    }
    if (this.capped) return { targetBps: JITTER_CAP_BPS, reason: this.lastReason };
    return { targetBps: this.latestAvailableBps ?? this.uncappedDefaultBps, reason: this.lastReason };
  }

  private read(jitterMs: number): void {
    this.samples.push(jitterMs);
    if (this.samples.length > JITTER_SAMPLES) this.samples.shift();
    const avg = this.averageJitterMs;
    const stat = `jitter ${jitterMs.toFixed(1)} ms, average of ${this.samples.length} ${avg.toFixed(1)} ms`;
    if (avg > JITTER_CAP_ABOVE_MS) {
      this.calmReadings = 0;
      this.lastReason = `${stat} > ${JITTER_CAP_ABOVE_MS} ms: maxBitrate ${kbps(JITTER_CAP_BPS)}`;
      this.capped = true;
      return;
    }
    if (!this.capped) {
      this.lastReason = `${stat} <= ${JITTER_CAP_ABOVE_MS} ms: no cap`;
      return;
    }
    this.calmReadings = avg < JITTER_LIFT_BELOW_MS ? this.calmReadings + 1 : 0;
    if (this.calmReadings >= JITTER_LIFT_READINGS) {
      this.capped = false;
      this.calmReadings = 0;
      this.lastReason = `${stat}: under ${JITTER_LIFT_BELOW_MS} ms for ${JITTER_LIFT_READINGS} s: cap lifted`;
    } else {
      this.lastReason = `${stat}: keep the ${kbps(JITTER_CAP_BPS)} cap (${this.calmReadings}/${JITTER_LIFT_READINGS} calm readings under ${JITTER_LIFT_BELOW_MS} ms)`;
    }
  }
}

export const seedJitterCapBwe: BweFactory = {
  name: 'seed-jitter-cap',
  source: 'REFERENCE-NOTES.md, "BWE: seed-jitter-cap"',
  description: 'maxBitrate 500 kbps while the 60-sample (1/s) inbound jitter average exceeds 50 ms; lifted after 10 s under 30 ms',
  create: (_opts: BweCreateOptions = {}) => new SeedJitterCap(),
};
