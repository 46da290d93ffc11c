// Per-second WebRTC stats of one browser peer, as the pages collect them from getStats (W3C webrtc-stats).
// Rates are deltas between two consecutive reports; counters are cumulative as the browser reports them.

export type PeerRole = 'publisher' | 'subscriber';

/** One outbound RTP stream: a simulcast layer (rid) of a publisher. */
export interface OutboundLayerStats {
  rid: string | null;
  ssrc: number;
  bitrateBps: number;
  /** RTCRtpEncodingParameters.active as the stats report it (a layer Chrome paused reports false). */
  active: boolean | null;
  framesEncoded: number;
  framesPerSecond: number | null;
  keyFramesEncoded: number | null;
  frameWidth: number | null;
  frameHeight: number | null;
  qualityLimitationReason: string | null;
  targetBitrateBps: number | null;
  packetsSent: number;
  retransmittedPacketsSent: number | null;
  nackCount: number;
  pliCount: number;
  firCount: number;
  encoderImplementation: string | null;
}

/** One inbound video stream of a subscriber (one publisher's m-line). */
export interface InboundVideoStats {
  mid: string | null;
  /** The publisher it carries (from the SFU's mid -> publisher map), null when unknown. */
  publisherId: string | null;
  ssrc: number;
  bitrateBps: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  keyFramesDecoded: number;
  framesPerSecond: number | null;
  frameWidth: number | null;
  frameHeight: number | null;
  freezeCount: number;
  totalFreezesDurationS: number;
  jitterMs: number;
  /** Mean jitter-buffer delay of the frames emitted in the last interval (ms), null when none. */
  jitterBufferDelayMs: number | null;
  packetsReceived: number;
  packetsLost: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  decoderImplementation: string | null;
}

/** The selected ICE candidate pair. */
export interface CandidatePairStats {
  currentRoundTripTimeMs: number | null;
  availableOutgoingBitrateBps: number | null;
  availableIncomingBitrateBps: number | null;
  /** Bytes received on the pair so far (whole SRTP/SRTCP packets, as the transport sees them); absent in older records. */
  bytesReceived?: number | null;
  localAddress: string | null;
  remoteAddress: string | null;
}

export interface PeerStatsSample {
  /** ms on the session's clock (the SFU's start when given, else the session's). */
  tMs: number;
  peerId: string;
  role: PeerRole;
  connectionState: string;
  outbound: OutboundLayerStats[];
  inbound: InboundVideoStats[];
  candidatePair: CandidatePairStats | null;
}

/** What a page posts each second: the sample with the report's own epoch timestamp instead of tMs. */
export type PageStatsSample = Omit<PeerStatsSample, 'tMs'> & { timestampEpochMs: number };
