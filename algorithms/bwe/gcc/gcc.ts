// Source: draft-ietf-rmcat-gcc-02 (Google Congestion Control) and libwebrtc goog_cc; layout after pion/interceptor pkg/gcc.
//
// target = min(delay-based, loss-based). The delay-based estimate reacts to the queue growing (the
// trendline of inter-group delay variation); the loss-based one to packets lost over the last second.
// Fed by per-packet feedback (TWCC) when there is some; a receiver report's loss fraction stands in
// when there is none (RTCP-only feedback, e.g. an SFU without TWCC).

import type { BandwidthEstimator, BweContext, BweCreateOptions, BweDecision, BweFactory, PacketResult, ProbeRequest } from '../types.ts';
import { kbps } from './aimd-rate-controller.ts';
import { DelayBasedBwe, type DelayBasedOptions } from './delay-based-bwe.ts';
import { LossBasedController, type LossBasedOptions } from './loss-based-controller.ts';
import { ProbeController, type ProbeControllerOptions } from './probe-controller.ts';

export interface GccOptions {
  /** Default 'gcc'. */
  name?: string;
  startBps?: number;
  minBps?: number;
  maxBps?: number;
  delayBased?: DelayBasedOptions;
  lossBased?: LossBasedOptions;
  /** false: no probes (a sender that cannot send padding). Default true. */
  probing?: boolean;
  probe?: ProbeControllerOptions;
  /** Loss fraction is measured over the per-packet results of this window (an RR interval). */
  lossWindowMs?: number;
  /** Fewer results than this in the window: too few to judge loss, keep the loss-based estimate. */
  lossMinPackets?: number;
}

const DEFAULT_START_BPS = 300_000;

export class Gcc implements BandwidthEstimator {
  readonly name: string;
  readonly applies = 'target' as const;
  private readonly delayBased: DelayBasedBwe;
  private readonly lossBased: LossBasedController;
  private readonly probeController: ProbeController | null;
  private readonly startBps: number;
  private readonly minBps: number;
  private readonly lossWindowMs: number;
  private readonly lossMinPackets: number;
  private readonly lossWindow: { tMs: number; lost: boolean }[] = [];
  private lossHead = 0;
  private lossCount = 0;
  private started = false;
  private lastPacketsMs = -Infinity;
  private rttMs: number | undefined;
  /** The acknowledged rate of the last feedback, for the application-limited (ALR) state. */
  private ackedBps: number | null = null;
  /** libwebrtc AlrDetector's hysteresis: ALR starts below 65% of the target and ends above 80%. */
  private inAlr = false;
  private delayReason = 'start';
  private lossReason = 'no loss report yet';

  constructor(opts: GccOptions = {}) {
    this.name = opts.name ?? 'gcc';
    this.startBps = opts.startBps ?? DEFAULT_START_BPS;
    this.minBps = opts.minBps ?? 30_000;
    const maxBps = opts.maxBps ?? 30_000_000;
    this.delayBased = new DelayBasedBwe({ ...opts.delayBased, aimd: { startBps: this.startBps, minBps: this.minBps, maxBps, ...opts.delayBased?.aimd } });
    this.lossBased = new LossBasedController({ startBps: this.startBps, minBps: this.minBps, ...opts.lossBased });
    this.probeController = opts.probing === false ? null : new ProbeController({ maxBps, ...opts.probe });
    this.lossWindowMs = opts.lossWindowMs ?? 1000;
    this.lossMinPackets = opts.lossMinPackets ?? 10;
  }

  decide(ctx: BweContext): BweDecision {
    const probes: ProbeRequest[] = [];
    if (!this.started) {
      this.started = true;
      if (this.probeController) probes.push(...this.probeController.start(this.startBps, ctx.tMs));
    }
    const rtt = ctx.rttMs ?? ctx.report?.rttMs;
    if (rtt !== undefined && rtt > 0) this.rttMs = rtt;

    if (ctx.packets.length > 0) {
      const delay = this.delayBased.onPackets(ctx.packets, ctx.tMs, this.rttMs);
      this.delayReason = delay.reason;
      this.ackedBps = delay.ackedBps;
      this.recordLoss(ctx.packets, ctx.tMs);
      this.lastPacketsMs = ctx.tMs;
    }
    // Per-packet results measure loss best; a receiver report's fraction counts only without them
    // (an RTCP-only peer), or it would be counted twice.
    const perPacketRecently = ctx.tMs - this.lastPacketsMs < this.lossWindowMs;
    const lossFraction = ctx.packets.length > 0 ? this.windowLossFraction(ctx.tMs) : perPacketRecently ? undefined : ctx.report?.lossFraction;
    if (lossFraction !== undefined) {
      this.lossReason = this.lossBased.update({ lossFraction, nowMs: ctx.tMs, rttMs: this.rttMs, delayBasedBps: this.delayBased.estimateBps }).reason;
    }

    const delayBps = this.delayBased.estimateBps;
    const lossBps = this.lossBased.estimateBps;
    const targetBps = Math.max(this.minBps, Math.min(delayBps, lossBps));
    if (this.ackedBps !== null) {
      if (this.ackedBps < 0.65 * targetBps) this.inAlr = true;
      else if (this.ackedBps > 0.8 * targetBps) this.inAlr = false;
    }
    if (this.probeController) probes.push(...this.probeController.onEstimate(targetBps, ctx.tMs, this.inAlr));
    for (const p of probes) this.delayBased.registerProbe(p, ctx.tMs);

    const reason =
      lossBps < delayBps
        ? `loss-based ${kbps(lossBps)} < delay-based ${kbps(delayBps)}: ${this.lossReason}`
        : `delay-based ${kbps(delayBps)}: ${this.delayReason}`;
    return probes.length > 0
      ? { targetBps, reason: `${reason}; probe at ${probes.map((p) => kbps(p.bps)).join(', ')}`, probes }
      : { targetBps, reason };
  }

  private recordLoss(packets: readonly PacketResult[], tMs: number): void {
    for (const p of packets) {
      const lost = p.arrivalTimeMs === null;
      this.lossWindow.push({ tMs, lost });
      if (lost) this.lossCount++;
    }
  }

  /** Fraction lost among the results of the last window; undefined when too few to judge. */
  private windowLossFraction(nowMs: number): number | undefined {
    const w = this.lossWindow;
    while (this.lossHead < w.length && w[this.lossHead].tMs <= nowMs - this.lossWindowMs) {
      if (w[this.lossHead].lost) this.lossCount--;
      this.lossHead++;
    }
    if (this.lossHead > 4096 && this.lossHead * 2 > w.length) {
      w.splice(0, this.lossHead);
      this.lossHead = 0;
    }
    const n = w.length - this.lossHead;
    return n < this.lossMinPackets ? undefined : this.lossCount / n;
  }
}

/** libwebrtc's trendline threshold constants, for comparison with the draft's (the default). */
export const LIBWEBRTC_THRESHOLD = { kUp: 0.0087, kDown: 0.039 } as const;

export const gccBwe: BweFactory = {
  name: 'gcc',
  source: 'draft-ietf-rmcat-gcc-02; libwebrtc goog_cc',
  description: 'Google Congestion Control: trendline delay-based AIMD + loss-based controller, initial probing',
  create: (opts: BweCreateOptions = {}) => new Gcc({ startBps: opts.startBps, probe: { periodicAlrProbing: opts.applicationLimited ?? false } }),
};

export const gccLibwebrtcBwe: BweFactory = {
  name: 'gcc-libwebrtc',
  source: 'libwebrtc goog_cc TrendlineEstimator threshold constants',
  description: "gcc with libwebrtc's threshold adaptation (K_up 0.0087, K_down 0.039) instead of the draft's (0.01, 0.00018)",
  create: (opts: BweCreateOptions = {}) =>
    new Gcc({ startBps: opts.startBps, name: 'gcc-libwebrtc', delayBased: { detector: { threshold: { ...LIBWEBRTC_THRESHOLD } } }, probe: { periodicAlrProbing: opts.applicationLimited ?? false } }),
};
