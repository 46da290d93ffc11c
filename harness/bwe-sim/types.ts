// Types of the packet-level BWE simulator (virtual time, no browser).

import type { BweFactory } from '../../algorithms/bwe/types.ts';

export interface BweSimOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Direction the media flows in; feedback returns over the other one. Default 'down' (SFU -> subscriber). */
  direction?: 'down' | 'up';
  /** Sample window of the output series. */
  sampleMs?: number;
  /** The receiver sends per-packet feedback (TWCC) this often; default: libwebrtc's rule (5% of the received rate, 50..250 ms). */
  feedbackIntervalMs?: number;
  /** The receiver sends a receiver report (loss fraction, jitter, received rate) this often. */
  reportIntervalMs?: number;
  /** Video frames per second; each frame is split into packets of at most maxPacketBytes. */
  fps?: number;
  maxPacketBytes?: number;
  /** The pacer sends media at pacingFactor x target (libwebrtc: 2.5), so a frame leaves in a burst. */
  pacingFactor?: number;
  /** Handed to the estimator's create(). */
  startBps?: number;
  /**
   * For estimators that apply as a maxBitrate cap: the congestion controller whose estimate plays
   * Chrome's availableOutgoingBitrate (default: the built-in gcc).
   */
  transport?: BweFactory;
}

/** One sample window of the run: what the chart shows (capacity vs estimate vs sent vs delivered). */
export interface BweSample {
  /** Start of the window. */
  tMs: number;
  /** Mean capacity of the media direction over the window (0 in outages). */
  capacityBps: number;
  /** The send-rate target in force at the end of the window (after any maxBitrate cap). */
  targetBps: number;
  /** What the estimator decided at the end of the window (for a cap: the cap). */
  estimateBps: number;
  /** Bytes offered to the link in the window (media and probes). */
  sentBps: number;
  /** Bytes delivered to the receiver in the window. */
  deliveredBps: number;
  /** Mean queueing delay at the bottleneck of the packets that entered it in the window (0 if none). */
  queueDelayMs: number;
  /** Dropped / offered in the window (0 if none offered). */
  lossRate: number;
  /** The estimator's latest reason. */
  reason: string;
}

/** One packet offered to the media direction. */
export interface BwePacketRecord {
  sequence: number;
  sendMs: number;
  bytes: number;
  /** null: dropped (queue, loss or outage). */
  arrivalMs: number | null;
  /** Waiting time at the bottleneck before service; null when dropped. */
  queueDelayMs: number | null;
  /** Padding sent for a probe cluster (not media). */
  probe: boolean;
}

export interface BweDecisionRecord {
  tMs: number;
  targetBps: number;
  reason: string;
}

export interface BweSimResult {
  durationMs: number;
  direction: 'down' | 'up';
  estimator: string;
  samples: BweSample[];
  packets: BwePacketRecord[];
  /** Decisions that changed the target or its reason, in time order. */
  decisions: BweDecisionRecord[];
  /** Bytes the media direction could carry over the run (capacity integral). */
  capacityBytes: number;
  feedbackSent: number;
  feedbackLost: number;
}
