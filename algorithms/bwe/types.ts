// The bandwidth-estimator interface: one object runs in the BWE simulator (harness/bwe-sim) and in the
// SFU (fed by Chrome's transport-wide feedback and RTCP receiver reports). It never knows which.
//
// The caller calls decide(ctx) whenever feedback arrives and at least every ~100 ms (so that rules that
// read a value "every 1 s" or "every 2 s" see time pass even when no feedback comes). The context holds
// what arrived since the previous call; the estimator keeps any history it needs.

/** One media packet's fate, as transport-wide congestion-control feedback (TWCC) reports it. */
export interface PacketResult {
  /** Transport-wide sequence number, increasing by one per packet sent (callers unwrap TWCC's 16 bits). */
  sequence: number;
  /** When the sender sent it, on the sender's clock. */
  sendTimeMs: number;
  /** When it arrived, on the receiver's clock (any fixed offset from the sender's); null: reported lost. */
  arrivalTimeMs: number | null;
  /** Size on the wire (payload and headers). */
  bytes: number;
  /** Set when the packet belonged to a bandwidth probe the estimator asked for (see BweDecision.probes). */
  probeClusterId?: number;
}

/** RTCP-receiver-report-like aggregates over the receiver's last report interval; each field is optional. */
export interface ReceiverReport {
  /** Fraction 0..1 of the packets expected in the interval that did not arrive. */
  lossFraction?: number;
  /** RFC 3550 interarrival jitter. */
  jitterMs?: number;
  /** Round-trip time measured by the sender from this report (LSR/DLSR). */
  rttMs?: number;
  /** What the receiver got over the interval. */
  receivedBps?: number;
}

export interface BweContext {
  /** Sender's clock: virtual in the simulator, wall clock in the live harness. Non-decreasing. */
  tMs: number;
  /** Per-packet feedback received since the previous call, in sequence order (may be empty). */
  packets: readonly PacketResult[];
  /** A receiver report received since the previous call. */
  report?: ReceiverReport;
  /** Latest round-trip time the caller knows (feedback- or RTCP-based). */
  rttMs?: number;
  /**
   * The transport's own estimate of what can be sent. Live: the candidate pair's
   * availableOutgoingBitrate from Chrome's getStats. Simulator: the built-in gcc's estimate, which plays
   * the part of Chrome's congestion controller.
   */
  availableOutgoingBitrateBps?: number;
  /** Latest inbound video jitter the receiver measured (RTCInboundRtpStreamStats.jitter, in ms). */
  inboundJitterMs?: number;
}

/** Ask the sender to send a short burst of padding at bps (libwebrtc's probe clusters). */
export interface ProbeRequest {
  clusterId: number;
  bps: number;
  /** The burst lasts at least this long ... */
  minDurationMs: number;
  /** ... and holds at least this many packets. */
  minPackets: number;
}

export interface BweDecision {
  /** Always finite and > 0. */
  targetBps: number;
  /** Human-readable, shown on hover in the report: "overuse: 0.85 x acked 1.02 Mbps". */
  reason: string;
  /** Probes the estimator wants sent now; a sender that cannot probe ignores them (the estimate still works). */
  probes?: readonly ProbeRequest[];
}

/**
 * What the decision controls:
 * - 'target': the decision is the rate to send at (an estimator: gcc, a user's own BWE);
 * - 'maxBitrate': the decision caps the transport's own estimate, like RTCRtpSender maxBitrate caps what
 *   Chrome's congestion controller allows (the seed rules). The sender sends at
 *   min(availableOutgoingBitrate, targetBps).
 */
export type BweApplies = 'target' | 'maxBitrate';

export interface BandwidthEstimator {
  readonly name: string;
  readonly applies: BweApplies;
  decide(ctx: BweContext): BweDecision;
}

export interface BweCreateOptions {
  /** Where an estimator starts before it has feedback (gcc default: 300 kbps, as Chrome). */
  startBps?: number;
  /**
   * The sender does not fill the target by itself (an SFU forwarding fixed simulcast layers), so the
   * estimate cannot grow from its own traffic: an estimator may probe periodically (gcc: ALR probing).
   * Unset in the BWE simulator, whose sender always sends at the target.
   */
  applicationLimited?: boolean;
}

/** A registry entry: estimators keep state per session, so the registry hands out factories. */
export interface BweFactory {
  name: string;
  /** First-line source: paper, RFC or reference note. */
  source: string;
  description: string;
  create(opts?: BweCreateOptions): BandwidthEstimator;
}
