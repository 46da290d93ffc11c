// Source: draft-ietf-rmcat-gcc-02 section 5 (delay-based control) and libwebrtc DelayBasedBwe.
//
// The delay-based half of GCC, wired in the draft's order: arrival groups -> trendline filter ->
// over-use detector -> AIMD rate controller, with the acknowledged rate feeding the controller and
// probe results lifting the estimate. One update per feedback message.

import type { PacketResult, ProbeRequest } from '../types.ts';
import { AckedBitrateEstimator } from './acked-bitrate-estimator.ts';
import { AimdRateController, kbps, type AimdOptions } from './aimd-rate-controller.ts';
import { ArrivalGroupAccumulator, type ArrivalGroupOptions } from './arrival-group.ts';
import { OveruseDetector, type BandwidthUsage, type OveruseDetectorOptions } from './overuse-detector.ts';
import { ProbeBitrateEstimator } from './probe-bitrate-estimator.ts';
import { TrendlineEstimator, type TrendlineOptions } from './trendline-estimator.ts';

export interface DelayBasedOptions {
  aimd?: AimdOptions;
  trendline?: TrendlineOptions;
  detector?: OveruseDetectorOptions;
  arrivalGroup?: ArrivalGroupOptions;
  ackedWindowMs?: number;
}

export interface DelayBasedResult {
  bps: number;
  usage: BandwidthUsage;
  ackedBps: number | null;
  /** Trendline signal (modifiedTrend) and the threshold it was compared with, in ms. */
  signalMs: number;
  thresholdMs: number;
  reason: string;
}

export class DelayBasedBwe {
  private readonly groups: ArrivalGroupAccumulator;
  private readonly trendline: TrendlineEstimator;
  private readonly detector: OveruseDetector;
  private readonly aimd: AimdRateController;
  private readonly acked: AckedBitrateEstimator;
  private readonly probes = new ProbeBitrateEstimator();
  private signalMs = 0;
  private lastReason = 'start';

  constructor(opts: DelayBasedOptions = {}) {
    this.groups = new ArrivalGroupAccumulator(opts.arrivalGroup);
    this.trendline = new TrendlineEstimator(opts.trendline);
    this.detector = new OveruseDetector(opts.detector);
    this.aimd = new AimdRateController(opts.aimd);
    this.acked = new AckedBitrateEstimator(opts.ackedWindowMs);
  }

  get estimateBps(): number {
    return this.aimd.estimateBps;
  }

  get usage(): BandwidthUsage {
    return this.detector.usage;
  }

  registerProbe(request: ProbeRequest, nowMs: number): void {
    this.probes.register(request, nowMs);
  }

  /** One feedback message: packets in sequence order (lost ones have arrivalTimeMs null). */
  onPackets(packets: readonly PacketResult[], nowMs: number, rttMs?: number): DelayBasedResult {
    if (rttMs !== undefined) this.aimd.setRtt(rttMs);
    let received = 0;
    for (const p of packets) {
      if (p.arrivalTimeMs === null) continue;
      received++;
      this.acked.add(p.arrivalTimeMs, p.bytes);
      this.probes.add(p);
      const delta = this.groups.add(p.sendTimeMs, p.arrivalTimeMs, p.bytes);
      if (delta === null) continue;
      const t = this.trendline.update(delta);
      this.signalMs = t.modifiedTrend;
      this.detector.detect({ signalMs: t.modifiedTrend, trend: t.trend, sendDeltaMs: delta.sendDeltaMs, nowMs: delta.arrivalTimeMs, numDeltas: t.numDeltas });
    }
    const usage = this.detector.usage;
    const ackedBps = this.acked.bps();
    const probe = this.probes.takeResult(nowMs);
    const signal = `trend ${this.signalMs.toFixed(1)} ms vs ${this.detector.thresholdMs.toFixed(1)} ms`;
    if (received === 0) {
      this.lastReason = `no packet received in this feedback: keep ${kbps(this.aimd.estimateBps)}`;
    } else if (usage === 'overusing') {
      if (this.aimd.timeToReduceFurther(nowMs, ackedBps ?? this.aimd.estimateBps)) {
        this.lastReason = `${this.aimd.update({ usage, ackedBps, nowMs, rttMs }).reason} (${signal})`;
      } else {
        this.lastReason = `overuse (${signal}): reduced less than an RTT ago, keep ${kbps(this.aimd.estimateBps)}`;
      }
    } else if (probe !== null && probe.bps > this.aimd.estimateBps) {
      this.aimd.setEstimate(probe.bps, nowMs);
      this.lastReason = `probe ${probe.clusterId} measured ${kbps(probe.bps)}`;
    } else {
      this.lastReason = `${this.aimd.update({ usage, ackedBps, nowMs, rttMs }).reason} (${signal})`;
    }
    return {
      bps: this.aimd.estimateBps,
      usage,
      ackedBps,
      signalMs: this.signalMs,
      thresholdMs: this.detector.thresholdMs,
      reason: this.lastReason,
    };
  }
}
