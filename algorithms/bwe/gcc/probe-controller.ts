// Source: libwebrtc ProbeController (modules/congestion_controller/goog_cc/probe_controller.cc), initial
// exponential probing and (opt-in) periodic ALR probing.
//
// At the start, probe at 3x and 6x the start rate; while each new estimate exceeds 70% of the last
// probe's rate (the link took it), probe again at 2x the estimate. Stop when an estimate falls short or
// no result came within 1 s. Without this, an 8%-per-second ramp from 300 kbps takes 15 s to reach 1 Mbps.
// Periodic ALR probing (libwebrtc's enable_periodic_alr_probing): while the sender is application-limited
// (it sends well below the estimate, so the estimate cannot learn from its own traffic), probe at 2x the
// estimate every 5 s. Off by default, as in Chrome for camera video; an SFU forwarding fixed layers turns
// it on (BweCreateOptions.applicationLimited).

import type { ProbeRequest } from '../types.ts';

export interface ProbeControllerOptions {
  maxBps?: number;
  initialMultipliers?: readonly number[];
  /** Probe further when the estimate exceeds this fraction of the last probe's rate. */
  furtherProbeThreshold?: number;
  furtherMultiplier?: number;
  waitForResultMs?: number;
  minDurationMs?: number;
  minPackets?: number;
  /** Probe every alrProbeIntervalMs at alrProbeScale x the estimate while application-limited. Default false. */
  periodicAlrProbing?: boolean;
  alrProbeIntervalMs?: number;
  alrProbeScale?: number;
}

export class ProbeController {
  private readonly maxBps: number;
  private readonly initialMultipliers: readonly number[];
  private readonly threshold: number;
  private readonly multiplier: number;
  private readonly waitMs: number;
  private readonly minDurationMs: number;
  private readonly minPackets: number;
  private readonly periodicAlrProbing: boolean;
  private readonly alrIntervalMs: number;
  private readonly alrScale: number;
  private nextClusterId = 1;
  private state: 'init' | 'waiting' | 'done' = 'init';
  private minBpsToProbeFurther = Infinity;
  private lastProbeMs = -Infinity;

  constructor(opts: ProbeControllerOptions = {}) {
    this.maxBps = opts.maxBps ?? 30_000_000;
    this.initialMultipliers = opts.initialMultipliers ?? [3, 6];
    this.threshold = opts.furtherProbeThreshold ?? 0.7;
    this.multiplier = opts.furtherMultiplier ?? 2;
    this.waitMs = opts.waitForResultMs ?? 1000;
    this.minDurationMs = opts.minDurationMs ?? 15;
    this.minPackets = opts.minPackets ?? 5;
    this.periodicAlrProbing = opts.periodicAlrProbing ?? false;
    this.alrIntervalMs = opts.alrProbeIntervalMs ?? 5000;
    this.alrScale = opts.alrProbeScale ?? 2;
  }

  get probing(): boolean {
    return this.state === 'waiting';
  }

  /** The initial probes, once. */
  start(startBps: number, nowMs: number): ProbeRequest[] {
    if (this.state !== 'init') return [];
    return this.initiate(this.initialMultipliers.map((m) => m * startBps), nowMs);
  }

  /**
   * A new estimate: maybe probe further (exponential start), or give up waiting; when done and the
   * sender is application-limited, a periodic ALR probe.
   */
  onEstimate(estimateBps: number, nowMs: number, applicationLimited = false): ProbeRequest[] {
    if (this.state === 'done') {
      if (this.periodicAlrProbing && applicationLimited && nowMs - this.lastProbeMs >= this.alrIntervalMs) {
        return this.initiate([this.alrScale * estimateBps], nowMs);
      }
      return [];
    }
    if (this.state !== 'waiting') return [];
    if (estimateBps > this.minBpsToProbeFurther) return this.initiate([this.multiplier * estimateBps], nowMs);
    if (nowMs - this.lastProbeMs > this.waitMs) this.state = 'done';
    return [];
  }

  private initiate(rates: number[], nowMs: number): ProbeRequest[] {
    const out: ProbeRequest[] = [];
    for (const bps of rates) {
      if (bps > this.maxBps) break;
      out.push({ clusterId: this.nextClusterId++, bps, minDurationMs: this.minDurationMs, minPackets: this.minPackets });
    }
    if (out.length === 0) {
      this.state = 'done';
      return out;
    }
    this.state = 'waiting';
    this.lastProbeMs = nowMs;
    this.minBpsToProbeFurther = this.threshold * out[out.length - 1].bps;
    return out;
  }
}
