// Source: draft-ietf-rmcat-gcc-02 section 2 (send-side estimation from per-packet feedback); harness/bwe-sim/simulate.ts (how an estimator is fed).
//
// An algorithms/bwe estimator (gcc, gcc-libwebrtc, seed-smooth, seed-jitter-cap or a user's file) as
// the SFU's per-subscriber DownlinkEstimator. It is fed as the BWE simulator feeds it:
// - decide(ctx) on every TWCC feedback (its per-packet results, converted by bwe-feedback.ts), and at
//   least every tickMs without one, so time-based rules see time pass;
// - a receiver report (Chrome's RR: loss fraction, jitter; RTT from werift's SR/RR exchange or, before
//   one, from the feedback; the rate received over the interval from the TWCC arrivals) with the next
//   decision after it arrives;
// - a 'maxBitrate' estimator (the seed rules) caps a transport gcc fed the same feedback, as Chrome's
//   own controller plays that part in the simulator: the estimate is min(transport, cap).
// The estimate is the decision's target, with its reason.
//
// Probing. The simulator's sender always sends at the target; an SFU forwards whatever the chosen layer
// carries (application-limited), and gcc never lets its target exceed 1.5 x the acknowledged rate: a
// subscriber moved to a lower layer would never earn the estimate back. Two remedies:
// - probe clusters: the estimator is created with applicationLimited (gcc then probes at 2x its
//   estimate every 5 s while the acknowledged rate is well below it, libwebrtc's ALR probing), and
//   each cluster it asks for becomes a padding window (probe-schedule.ts) whose packets, media or
//   padding, carry the cluster id: the estimator measures what the link took;
// - padding up to the target, for an estimator that never asks for a probe (padding 'auto'), or
//   always ('target'); it pauses after a decrease of the target it caused (backoff 1 s doubling to 5 s).
// Neither goes above ceilingBps, past which no layer needs more (the runner passes the top layer's
// ceiling with the selector's margins). Use with the room option downlinkTransportCc: true
// (bweDownlinkRoomOptions).

import type { DownlinkStats } from '../../algorithms/layer/types.ts';
import { gccBwe } from '../../algorithms/bwe/gcc/gcc.ts';
import { kbps } from '../../algorithms/bwe/gcc/aimd-rate-controller.ts';
import { BWE_MODULE, BweLoadError, loadBwe, toBweFactory } from '../../algorithms/bwe/load-user.ts';
import { getBwe } from '../../algorithms/bwe/registry.ts';
import type { BandwidthEstimator, BweContext, BweDecision, BweFactory, PacketResult, ReceiverReport } from '../../algorithms/bwe/types.ts';
import { userModuleFile, warnOnStderr } from '../../algorithms/load-module.ts';
import { ReceiveRateMeter, TwccFeedbackConverter } from './bwe-feedback.ts';
import type { DownlinkEstimate, DownlinkEstimator, DownlinkEstimatorFactory, DownlinkFeedback, SentPacket } from './downlink-estimator.ts';
import { ProbeSchedule, WholeClusterBuffer } from './probe-schedule.ts';
import { createRequire } from 'node:module';

export interface BweAdapterOptions {
  /** Where the estimator starts (BweCreateOptions.startBps); default the estimator's own (gcc: 300 kbps). */
  startBps?: number;
  /** Decide at least this often without feedback. Default 100 ms (the BWE interface's rhythm). */
  tickMs?: number;
  /** No probe and no padding above this (no layer needs more). Default 2.5 Mbps (the default 2 Mbps top layer with margins). */
  ceilingBps?: number;
  /**
   * Padding up to the target: 'auto' (default) only for an estimator that has not asked for a probe
   * cluster (one that probes finds headroom by itself), 'target' always, 'off' never.
   */
  padding?: 'auto' | 'target' | 'off';
  /**
   * After padding ended in a decrease of the target (the link did not take it), no padding for this
   * long, doubling per such decrease up to paddingBackoffMaxMs; back to the start once the target
   * reaches the ceiling. Defaults 1000 ms and 5000 ms.
   */
  paddingBackoffMs?: number;
  paddingBackoffMaxMs?: number;
  /** Honour the estimator's probe requests. Default true. */
  probeClusters?: boolean;
  /**
   * Minimum probe window (see probe-schedule.ts). Default 100 ms (5 padding ticks): a 250 ms window at
   * 2x the estimate over a saturated 600 kbps link filled its 200 ms queue, and the loss took the layer down.
   */
  minProbeWindowMs?: number;
  /** The transport estimator under a 'maxBitrate' estimator. Default gcc. */
  transport?: BweFactory;
  /** For a user file given by a relative path. Default process.cwd(). */
  baseDir?: string;
  /** An estimator that throws (or returns a bad target): the last estimate is kept and this is told of the first error. */
  onError?: (err: Error) => void;
  warn?: (message: string) => void;
  /** Told every decision with its context (observability, tests). */
  onDecide?: (ctx: BweContext, decision: BweDecision) => void;
}

/** The adapter's view beyond DownlinkEstimator, for tests and the runner. */
export interface BweDownlinkEstimator extends DownlinkEstimator {
  /** The last decision (target, reason, probes). */
  readonly lastDecision: BweDecision;
  /** Decisions taken so far (feedback-driven and ticks). */
  readonly decisions: number;
  /** Per-packet results handed to the estimator so far. */
  readonly packetResults: number;
  /** Of which belonged to a probe cluster. */
  readonly probePacketResults: number;
  readonly errors: readonly string[];
}

/**
 * A built-in estimator's name, a user file's path (loaded synchronously: Node's require of an ES module),
 * or a BweFactory already loaded (loadDownlinkEstimatorFactory).
 */
export function createDownlinkEstimatorFromBwe(name: string | BweFactory, opts: BweAdapterOptions = {}): BweDownlinkEstimator {
  const factory = typeof name === 'string' ? resolveBweSync(name, opts) : name;
  return new BweDownlinkAdapter(factory, opts);
}

/** Loads a name or user file once (async, as loadBwe) and returns the room's per-subscriber factory. */
export async function loadDownlinkEstimatorFactory(nameOrPath: string, opts: BweAdapterOptions = {}): Promise<DownlinkEstimatorFactory> {
  const factory = await loadBwe(nameOrPath, opts.baseDir, { warn: opts.warn });
  return () => createDownlinkEstimatorFromBwe(factory, opts);
}

/** Room options for a BWE-driven downlink: the estimator factory and transport-cc (the estimator's feedback). */
export function bweDownlinkRoomOptions(factory: string | BweFactory, opts: BweAdapterOptions = {}): { downlinkEstimator: DownlinkEstimatorFactory; downlinkTransportCc: true } {
  const f = typeof factory === 'string' ? resolveBweSync(factory, opts) : factory;
  return { downlinkEstimator: () => createDownlinkEstimatorFromBwe(f, opts), downlinkTransportCc: true };
}

/** As loadBwe, synchronously: built-in names, or a module file through require(esm). */
export function resolveBweSync(nameOrPath: string, opts: Pick<BweAdapterOptions, 'baseDir' | 'warn'> = {}): BweFactory {
  const builtIn = getBwe(nameOrPath);
  if (builtIn) return builtIn;
  const file = userModuleFile(nameOrPath, opts.baseDir ?? process.cwd(), BWE_MODULE, { checkExtension: false });
  let mod: Record<string, unknown>;
  try {
    mod = createRequire(import.meta.url)(file) as Record<string, unknown>;
  } catch (err) {
    throw new BweLoadError(
      `${file}: could not load the module synchronously (${err instanceof Error ? err.message : String(err)}); ` +
        'use loadDownlinkEstimatorFactory() for modules with top-level await',
    );
  }
  return toBweFactory(mod, file, opts.warn ?? warnOnStderr);
}

const DEFAULT_CEILING_BPS = 2_500_000;

class BweDownlinkAdapter implements BweDownlinkEstimator {
  readonly name: string;
  private readonly estimator: BandwidthEstimator;
  private readonly transport: BandwidthEstimator | null;
  private readonly tickMs: number;
  private readonly ceilingBps: number;
  private readonly padding: 'auto' | 'target' | 'off';
  private probesAsked = 0;
  private readonly probeClusters: boolean;
  private readonly backoffStartMs: number;
  private readonly backoffMaxMs: number;
  private backoffMs: number;
  private paddingPausedUntilMs = -Infinity;
  private lastPaddingAskMs = -Infinity;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly onDecide: ((ctx: BweContext, decision: BweDecision) => void) | undefined;
  private readonly converter = new TwccFeedbackConverter();
  private readonly schedule: ProbeSchedule;
  private readonly clusters = new WholeClusterBuffer();
  private receiveRate: ReceiveRateMeter | null = null;
  private decision: BweDecision;
  private targetBps: number;
  private reason: string;
  private lastDecideMs = -Infinity;
  private lastTMs = 0;
  private pendingReport: ReceiverReport | undefined;
  private lastReport: ReceiverReport | undefined;
  private rrRttMs: number | undefined;
  private started = false;
  private decisionCount = 0;
  private resultCount = 0;
  private probeResultCount = 0;
  private readonly errorMessages: string[] = [];

  constructor(factory: BweFactory, opts: BweAdapterOptions) {
    // An SFU forwards fixed layers: application-limited, whatever the target.
    const create = { applicationLimited: true, ...(opts.startBps !== undefined ? { startBps: opts.startBps } : {}) };
    this.estimator = factory.create(create);
    this.name = this.estimator.name;
    this.transport = this.estimator.applies === 'maxBitrate' ? (opts.transport ?? gccBwe).create(create) : null;
    this.tickMs = opts.tickMs ?? 100;
    this.ceilingBps = opts.ceilingBps ?? DEFAULT_CEILING_BPS;
    this.padding = opts.padding ?? 'auto';
    this.probeClusters = opts.probeClusters ?? true;
    this.backoffStartMs = opts.paddingBackoffMs ?? 1000;
    this.backoffMaxMs = Math.max(this.backoffStartMs, opts.paddingBackoffMaxMs ?? 5000);
    this.backoffMs = this.backoffStartMs;
    this.onError = opts.onError;
    this.onDecide = opts.onDecide;
    this.schedule = new ProbeSchedule({ minWindowMs: opts.minProbeWindowMs ?? 100 });
    this.decision = { targetBps: opts.startBps ?? 300_000, reason: 'no feedback yet: start rate' };
    this.targetBps = this.decision.targetBps;
    this.reason = this.decision.reason;
  }

  get lastDecision(): BweDecision {
    return this.decision;
  }

  get decisions(): number {
    return this.decisionCount;
  }

  get packetResults(): number {
    return this.resultCount;
  }

  get probePacketResults(): number {
    return this.probeResultCount;
  }

  get errors(): readonly string[] {
    return this.errorMessages;
  }

  onSent(p: SentPacket): void {
    this.receiveRate ??= new ReceiveRateMeter(p.tMs);
    if (p.transportSeq === null) return;
    const w = this.probeClusters ? this.schedule.active(p.tMs) : null;
    this.converter.onSent(p.transportSeq, p.tMs, p.bytes, w?.clusterId);
  }

  onFeedback(f: DownlinkFeedback): void {
    if (f.kind === 'twcc') {
      const packets = this.converter.convert(f);
      if (!this.started && packets.some((p) => p.arrivalTimeMs !== null)) {
        // The session starts with the first acknowledged packet: before it, Chrome has not set up the
        // stream and drops padding unseen (no feedback), so the initial probes would be lost.
        this.started = true;
        this.decide(f.tMs, []);
      }
      if (!this.started) return;
      const ready = this.clusters.push(packets, f.tMs, this.holdGraceMs(f.tMs));
      if (ready.length > 0) this.decide(f.tMs, ready);
    } else if (f.kind === 'receiver-report') {
      if (f.rttMs !== undefined && f.rttMs > 0) this.rrRttMs = f.rttMs;
      const pending = this.pendingReport;
      // One RR carries a block per forwarded stream: merged, the worst loss and jitter count.
      const receivedBps = pending ? pending.receivedBps : this.receiveRate?.take(f.tMs, this.converter.receivedBytes);
      this.pendingReport = {
        lossFraction: Math.max(pending?.lossFraction ?? 0, f.fractionLost),
        jitterMs: Math.max(pending?.jitterMs ?? 0, f.jitterMs),
        ...(this.rttMs(f.tMs) !== undefined ? { rttMs: this.rttMs(f.tMs) } : {}),
        ...(receivedBps !== undefined ? { receivedBps } : {}),
      };
    }
    // REMB (Chrome's receive-side estimate) is not part of the estimator interface: ignored.
  }

  estimate(tMs: number): DownlinkEstimate {
    this.tick(tMs);
    return { bps: this.targetBps, reason: this.reason };
  }

  probeBps(tMs: number): number {
    this.tick(tMs);
    const w = this.probeClusters ? this.schedule.active(tMs) : null;
    const pad = this.paddingTarget(tMs);
    if (pad > 0) this.lastPaddingAskMs = tMs;
    return w ? Math.max(w.bps, pad) : pad;
  }

  stats(): DownlinkStats {
    const r = this.lastReport;
    const rttMs = this.rttMs(this.lastTMs);
    return { ...(rttMs !== undefined ? { rttMs } : {}), ...(r?.lossFraction !== undefined ? { lossRate: r.lossFraction } : {}), ...(r?.jitterMs !== undefined ? { jitterMs: r.jitterMs } : {}) };
  }

  /** Padding brings what is sent up to the target, below the ceiling and outside a backoff. */
  private paddingTarget(tMs: number): number {
    if (!this.started || this.padding === 'off' || (this.padding === 'auto' && this.probesAsked > 0)) return 0;
    if (tMs < this.paddingPausedUntilMs) return 0;
    return this.targetBps < this.ceilingBps ? this.targetBps : 0;
  }

  /** A decrease while padding: the headroom was not there; pause padding, longer each time. */
  private notePaddingOutcome(tMs: number, previousBps: number): void {
    if (this.targetBps >= this.ceilingBps) {
      this.backoffMs = this.backoffStartMs;
      return;
    }
    const decreased = this.targetBps < 0.95 * previousBps;
    if (decreased && tMs - this.lastPaddingAskMs < 1000 && tMs >= this.paddingPausedUntilMs) {
      this.paddingPausedUntilMs = tMs + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMaxMs, this.backoffMs * 2);
    }
  }

  /** A cluster's last packets are acknowledged about a round trip and a feedback interval after it ends. */
  private holdGraceMs(nowMs: number): number {
    return Math.min(500, this.rttMs(nowMs) ?? 100) + 150;
  }

  private rttMs(nowMs: number): number | undefined {
    return this.rrRttMs ?? this.converter.feedbackRttMs(nowMs);
  }

  /** Decide without feedback when tickMs passed (or a receiver report waits). */
  private tick(tMs: number): void {
    if (!this.started) return; // nothing acknowledged yet
    if (this.clusters.holding > 0) {
      const ready = this.clusters.release(tMs, this.holdGraceMs(tMs));
      if (ready.length > 0) return this.decide(tMs, ready);
    }
    if (tMs - this.lastDecideMs >= this.tickMs || (this.pendingReport !== undefined && tMs > this.lastDecideMs)) this.decide(tMs, []);
  }

  private decide(rawTMs: number, packets: PacketResult[]): void {
    const tMs = Math.max(this.lastTMs, rawTMs); // the interface promises a non-decreasing clock
    this.lastTMs = tMs;
    const report = this.pendingReport;
    this.pendingReport = undefined;
    if (report) this.lastReport = report;
    const rttMs = this.rttMs(tMs);
    const ctx: BweContext = {
      tMs,
      packets,
      ...(report ? { report } : {}),
      ...(rttMs !== undefined ? { rttMs } : {}),
      ...(this.lastReport?.jitterMs !== undefined ? { inboundJitterMs: this.lastReport.jitterMs } : {}),
    };
    this.lastDecideMs = tMs;
    this.resultCount += packets.length;
    for (const p of packets) if (p.probeClusterId !== undefined) this.probeResultCount++;
    let transportDecision: BweDecision | null = null;
    let d: BweDecision;
    try {
      if (this.transport) transportDecision = this.transport.decide(ctx);
      d = this.estimator.decide(transportDecision ? { ...ctx, availableOutgoingBitrateBps: transportDecision.targetBps } : ctx);
      if (!(Number.isFinite(d.targetBps) && d.targetBps > 0)) {
        throw new Error(`${this.estimator.name}: decided a target of ${d.targetBps} bit/s at ${Math.round(tMs)} ms (must be finite and > 0): ${d.reason}`);
      }
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (this.errorMessages.length === 0) this.onError?.(e);
      if (this.errorMessages.length < 10) this.errorMessages.push(e.message);
      this.reason = `estimator error (${e.message}): keep ${kbps(this.targetBps)}`;
      return;
    }
    this.decisionCount++;
    this.decision = d;
    const previousBps = this.targetBps;
    this.targetBps = transportDecision ? Math.min(transportDecision.targetBps, d.targetBps) : d.targetBps;
    this.notePaddingOutcome(tMs, previousBps);
    this.onDecide?.(ctx, d);
    this.reason = transportDecision && transportDecision.targetBps < d.targetBps ? `${d.reason} [transport: ${transportDecision.reason}]` : d.reason;
    for (const p of [...(transportDecision?.probes ?? []), ...(d.probes ?? [])]) {
      this.probesAsked++;
      // Above the ceiling a probe can only tell what no layer needs: clamp it, skip it once the target is there.
      if (this.probeClusters && this.targetBps < this.ceilingBps) {
        const w = this.schedule.add({ ...p, bps: Math.min(p.bps, this.ceilingBps) }, tMs);
        if (w) this.clusters.noteWindow(w);
      }
    }
  }
}
