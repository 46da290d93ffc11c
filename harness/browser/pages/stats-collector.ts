// Turns two consecutive getStats reports into one per-second sample (rates from byte deltas).

import type { CandidatePairStats, InboundVideoStats, OutboundLayerStats, PageStatsSample, PeerRole } from '../stats-types.ts';

type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function rate(cur: Stat, prev: Stat | undefined, field: string): number {
  const b1 = num(cur[field]);
  const b0 = prev ? num(prev[field]) : null;
  if (b1 === null || b0 === null || !prev) return 0;
  const dtMs = cur.timestamp - prev.timestamp;
  return dtMs > 0 ? Math.max(0, ((b1 - b0) * 8000) / dtMs) : 0;
}

export interface StatsCollectorOptions {
  peerId: string;
  role: PeerRole;
  /** mid -> publisher, for subscribers. */
  publisherOfMid?: () => Record<string, string>;
}

export function createStatsCollector(pc: RTCPeerConnection, opts: StatsCollectorOptions) {
  let prev = new Map<string, Stat>();
  return async function collect(): Promise<PageStatsSample> {
    const report = await pc.getStats();
    const cur = new Map<string, Stat>();
    report.forEach((s: Stat) => cur.set(s.id, s));
    const outbound: OutboundLayerStats[] = [];
    const inbound: InboundVideoStats[] = [];
    let pair: CandidatePairStats | null = null;
    let timestamp = 0;
    for (const s of cur.values()) {
      timestamp = Math.max(timestamp, s.timestamp);
      const p = prev.get(s.id);
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        outbound.push({
          rid: str(s.rid),
          ssrc: num(s.ssrc) ?? 0,
          bitrateBps: Math.round(rate(s, p, 'bytesSent')),
          active: typeof s.active === 'boolean' ? s.active : null,
          framesEncoded: num(s.framesEncoded) ?? 0,
          framesPerSecond: num(s.framesPerSecond),
          keyFramesEncoded: num(s.keyFramesEncoded),
          frameWidth: num(s.frameWidth),
          frameHeight: num(s.frameHeight),
          qualityLimitationReason: str(s.qualityLimitationReason),
          targetBitrateBps: num(s.targetBitrate),
          packetsSent: num(s.packetsSent) ?? 0,
          retransmittedPacketsSent: num(s.retransmittedPacketsSent),
          nackCount: num(s.nackCount) ?? 0,
          pliCount: num(s.pliCount) ?? 0,
          firCount: num(s.firCount) ?? 0,
          encoderImplementation: str(s.encoderImplementation),
        });
      } else if (s.type === 'inbound-rtp' && s.kind === 'video') {
        const mid = str(s.mid);
        const emitted = (num(s.jitterBufferEmittedCount) ?? 0) - (p ? (num(p.jitterBufferEmittedCount) ?? 0) : 0);
        const delayS = (num(s.jitterBufferDelay) ?? 0) - (p ? (num(p.jitterBufferDelay) ?? 0) : 0);
        inbound.push({
          mid,
          publisherId: mid !== null ? (opts.publisherOfMid?.()[mid] ?? null) : null,
          ssrc: num(s.ssrc) ?? 0,
          bitrateBps: Math.round(rate(s, p, 'bytesReceived')),
          framesReceived: num(s.framesReceived) ?? 0,
          framesDecoded: num(s.framesDecoded) ?? 0,
          framesDropped: num(s.framesDropped) ?? 0,
          keyFramesDecoded: num(s.keyFramesDecoded) ?? 0,
          framesPerSecond: num(s.framesPerSecond),
          frameWidth: num(s.frameWidth),
          frameHeight: num(s.frameHeight),
          freezeCount: num(s.freezeCount) ?? 0,
          totalFreezesDurationS: num(s.totalFreezesDuration) ?? 0,
          jitterMs: (num(s.jitter) ?? 0) * 1000,
          jitterBufferDelayMs: emitted > 0 ? (delayS / emitted) * 1000 : null,
          packetsReceived: num(s.packetsReceived) ?? 0,
          packetsLost: num(s.packetsLost) ?? 0,
          nackCount: num(s.nackCount) ?? 0,
          pliCount: num(s.pliCount) ?? 0,
          firCount: num(s.firCount) ?? 0,
          decoderImplementation: str(s.decoderImplementation),
        });
      }
    }
    const transport = [...cur.values()].find((s) => s.type === 'transport');
    const pairId = transport ? str(transport.selectedCandidatePairId) : null;
    const selected = pairId ? cur.get(pairId) : [...cur.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
    if (selected) {
      const local = cur.get(String(selected.localCandidateId));
      const remote = cur.get(String(selected.remoteCandidateId));
      const rtt = num(selected.currentRoundTripTime);
      pair = {
        currentRoundTripTimeMs: rtt === null ? null : rtt * 1000,
        availableOutgoingBitrateBps: num(selected.availableOutgoingBitrate),
        availableIncomingBitrateBps: num(selected.availableIncomingBitrate),
        bytesReceived: num(selected.bytesReceived),
        localAddress: local ? `${str(local.address) ?? '?'}:${num(local.port) ?? '?'}` : null,
        remoteAddress: remote ? `${str(remote.address) ?? '?'}:${num(remote.port) ?? '?'}` : null,
      };
    }
    prev = cur;
    outbound.sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? ''));
    return {
      timestampEpochMs: timestamp || performance.timeOrigin + performance.now(),
      peerId: opts.peerId,
      role: opts.role,
      connectionState: pc.connectionState,
      outbound,
      inbound,
      candidatePair: pair,
    };
  };
}
