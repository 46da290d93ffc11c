// Source: draft-alvestrand-rmcat-remb-03 (a receiver's estimate as REMB) and RFC 3550 6.4.2 (receiver reports).
//
// The SFU's estimate of one subscriber's downlink: the seam where algorithms/bwe estimators plug in.
// The feedback arrives as plain values (no werift types), so an estimator stays pure and runs in the
// BWE simulator unchanged. The default trusts the subscriber's own receive-side estimate: Chrome
// sends REMB from the abs-send-time of the packets the SFU forwards.

import type { DownlinkStats } from '../../algorithms/layer/types.ts';

export type DownlinkFeedback =
  /** The subscriber's receive-side estimate. */
  | { kind: 'remb'; tMs: number; bps: number }
  /** A report block about the forwarded stream: loss fraction 0..1 since the last report, jitter in ms. */
  | { kind: 'receiver-report'; tMs: number; fractionLost: number; cumulativeLost: number; jitterMs: number; /** SR/RR round trip (werift's, smoothed), once measured. */ rttMs?: number }
  /**
   * Transport-wide feedback (room option downlinkTransportCc): each packet's arrival on the
   * subscriber's clock (µs), null when lost; match transportSeq with SentPacket.transportSeq.
   */
  | { kind: 'twcc'; tMs: number; packets: { transportSeq: number; receivedAtUs: number | null }[] };

/** One packet the SFU sent to the subscriber (media, retransmissions aside, or padding). */
export interface SentPacket {
  /** Whole RTP packet (header + payload + padding). */
  bytes: number;
  /** When it left, on the SFU's clock. */
  tMs: number;
  /** Its transport-wide sequence number (16 bits) when transport-cc is negotiated, else null. */
  transportSeq: number | null;
  /** Padding sent because the estimator asked for a probe. */
  probe: boolean;
}

export interface DownlinkEstimate {
  bps: number;
  reason: string;
}

export interface DownlinkEstimator {
  readonly name: string;
  onFeedback(f: DownlinkFeedback): void;
  /** Every packet the SFU sends to this subscriber (the sent-rate side of an estimator). */
  onSent(p: SentPacket): void;
  estimate(tMs: number): DownlinkEstimate;
  /**
   * Optional probing: the total rate (media + padding) the estimator wants sent to this subscriber
   * now, e.g. a GCC probe cluster or ALR probing; 0 or absent: no padding. The SFU fills the gap
   * between what it forwards and this rate with padding-only packets between frames.
   */
  probeBps?(tMs: number): number;
  /** Loss/jitter/RTT as last reported, for the layer selector. */
  stats(): DownlinkStats;
}

export type DownlinkEstimatorFactory = (subscriberId: string) => DownlinkEstimator;

export interface ReceiverRembOptions {
  /**
   * The estimate before the first REMB. Default 3 Mbps: subscribers start on the top layer and the
   * first REMB (within ~1 s) corrects it, rather than starting low and never learning more.
   */
  initialBps?: number;
  /** A REMB older than this is stale: fall back to initialBps. Default 5000 ms. */
  staleMs?: number;
}

/** Common to the estimators here: keep the last receiver report's loss and jitter. */
function reportKeeper() {
  let lossRate: number | undefined;
  let jitterMs: number | undefined;
  return {
    take(f: DownlinkFeedback) {
      if (f.kind === 'receiver-report') {
        lossRate = f.fractionLost;
        jitterMs = f.jitterMs;
      }
    },
    stats(): DownlinkStats {
      return { lossRate, jitterMs };
    },
  };
}

export function createReceiverRembEstimator(opts: ReceiverRembOptions = {}): DownlinkEstimator {
  const initialBps = opts.initialBps ?? 3_000_000;
  const staleMs = opts.staleMs ?? 5000;
  let last: { tMs: number; bps: number } | null = null;
  const reports = reportKeeper();
  return {
    name: 'receiver-remb',
    onFeedback(f) {
      reports.take(f);
      if (f.kind === 'remb') last = { tMs: f.tMs, bps: f.bps };
    },
    onSent() {},
    estimate(tMs) {
      if (last === null) return { bps: initialBps, reason: `no REMB yet: initial ${Math.round(initialBps / 1000)} kbps` };
      if (tMs - last.tMs > staleMs) return { bps: initialBps, reason: `REMB stale (${Math.round(tMs - last.tMs)} ms): initial ${Math.round(initialBps / 1000)} kbps` };
      return { bps: last.bps, reason: `receiver REMB ${Math.round(last.bps / 1000)} kbps` };
    },
    stats: () => reports.stats(),
  };
}

/** A constant estimate: tests, and scenarios that force a downlink. */
export function createFixedEstimator(bps: number, label = 'fixed'): DownlinkEstimator & { set(bps: number): void } {
  let value = bps;
  const reports = reportKeeper();
  return {
    name: 'fixed',
    set(v: number) {
      value = v;
    },
    onFeedback: (f) => reports.take(f),
    onSent() {},
    estimate: () => ({ bps: value, reason: `${label} ${Math.round(value / 1000)} kbps` }),
    stats: () => reports.stats(),
  };
}
