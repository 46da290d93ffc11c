// One subscribing browser: a werift peer with one send-only video m-line per publisher in the room,
// each fed by a LayerForwarder, with the layer chosen per publisher by the room's selector.

import {
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
  RtcpRrPacket,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  TransportWideCC,
} from 'werift';
import type { RtcpPacket, RTCRtpSender, RTCRtpTransceiver } from 'werift';
import type { LayerDecision, LayerSelector } from '../../algorithms/layer/types.ts';
import { activeLayerIndices, layerRateBps } from '../../algorithms/layer/common.ts';
import { layerWithinShare, shareDownlink } from '../../algorithms/layer/share-downlink.ts';
import type { FeedLadder } from '../../algorithms/layer/share-downlink.ts';
import type { DownlinkEstimator } from './downlink-estimator.ts';
import { partsFromWerift, twccPacketResults } from './rtp/twcc.ts';
import { LayerForwarder } from './layer-forwarder.ts';
import type { PublisherPeer } from './publisher.ts';
import { toCandidateMessage } from './publisher.ts';
import { RateMeter } from './rate-meter.ts';
import { limitRetransmissions, RetransmitBudget } from './retransmit-budget.ts';
import { nackWantsKeyframe, SendTimes } from './loss-burst.ts';
import { isH264KeyframeStart } from './rtp/h264.ts';
import { isVp8KeyframeStart } from './rtp/vp8.ts';
import type { CandidateMessage } from './signaling/messages.ts';
import type { SfuLayerSwitch, SfuSubscriberSample, VideoCodec } from './types.ts';
import { peerConfig, videoCodec } from './werift-config.ts';
import { ProbePacer } from './probe-pacer.ts';
import { enlargeReceiveBuffers } from './ice-sockets.ts';
import type { IcePolicy } from './werift-config.ts';

/** How often the SFU lets each subscriber send probe padding, and its limits per tick. */
export const PROBE_TICK_MS = 20;
const MAX_PADDING_PER_TICK = 32;
const PADDING_BYTES = 255;
const PROBE_BURST_BYTES = MAX_PADDING_PER_TICK * (PADDING_BYTES + 20);

/**
 * A padding-only packet's payload: the padding itself, its last byte its length (RFC 3550 5.1). werift's
 * SRTP encrypts the header and the payload it is given and ignores header.paddingSize: a packet built
 * with an empty payload left as 30 bytes on the wire while the estimator counted 275, so a probe
 * barely loaded the link and "measured" rates above a 600 kbps one (sfu-downlink-bwe test). One buffer
 * serves every packet: werift only reads it (encryption writes a new one).
 */
const PADDING_PAYLOAD: Buffer = Buffer.alloc(PADDING_BYTES, 0);
PADDING_PAYLOAD[PADDING_BYTES - 1] = PADDING_BYTES;

export interface SubscriberOptions {
  id: string;
  room: string;
  /** Every codec a publisher of the room may use (the offer carries them; each m-line prefers its publisher's). */
  codecs: readonly VideoCodec[];
  ice: IcePolicy;
  /** Negotiate transport-cc (transport-wide feedback for a send-side estimator). */
  transportCc: boolean;
  estimator: DownlinkEstimator;
  makeSelector: () => LayerSelector;
  now: () => number;
  /** An offer (with its mid -> publisher map) or a candidate for the browser. */
  sendOffer: (sdp: string, streams: Record<string, string>) => Promise<void>;
  onCandidate: (c: CandidateMessage | null) => void;
  onSwitch: (s: SfuLayerSwitch) => void;
  log: (msg: string) => void;
}

interface Feed {
  publisher: PublisherPeer;
  transceiver: RTCRtpTransceiver;
  forwarder: LayerForwarder;
  selector: LayerSelector;
  meter: RateMeter;
  decision: LayerDecision | null;
  /** The layer last chosen, when, and its rate then (allocationRateBps). */
  entered: { layer: number; atMs: number; rateBps: number } | null;
  /** Its share of the estimate at the last selection. */
  shareBps: number | null;
  /** When each sequence number went out (loss-burst.ts: a NACK covering a long gap asks for a keyframe). */
  sent: SendTimes;
  unsubscribe: () => void;
}

/** How long a layer just switched to is counted at its rate when chosen (highest-fit's settleMs). */
const SETTLE_MS = 2500;

export class SubscriberPeer {
  readonly id: string;
  readonly room: string;
  readonly pc: RTCPeerConnection;
  private readonly opts: SubscriberOptions;
  private readonly feeds = new Map<string, Feed>();
  private negotiating = false;
  private negotiationWanted = false;
  private closed = false;
  private lastRembSeen: RtcpPayloadSpecificFeedback | null = null;
  private lastTwccSeen: RtcpTransportLayerFeedback | null = null;
  /** Everything sent to this subscriber (all feeds, padding included). */
  private readonly sentMeter = new RateMeter(1000);
  private readonly pacer = new ProbePacer({ maxCreditBytes: PROBE_BURST_BYTES, tickMs: PROBE_TICK_MS });
  /** NACKs are answered within a share of the downlink estimate (retransmit-budget.ts). */
  readonly retransmits = new RetransmitBudget();

  constructor(opts: SubscriberOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.room = opts.room;
    this.pc = new RTCPeerConnection(peerConfig(opts.codecs, opts.ice, opts.transportCc));
    this.pc.onIceCandidate.subscribe((c) => opts.onCandidate(c ? toCandidateMessage(c.toJSON()) : null));
  }

  get publisherIds(): string[] {
    return [...this.feeds.keys()];
  }

  /**
   * Start receiving a publisher: a new send-only m-line, offered to the browser. A publisher that
   * rebuilt its connection (same id, new PublisherPeer) keeps the m-line: the feed is re-pointed and
   * the forwarder waits for the new source's keyframe (no renegotiation with this subscriber).
   */
  addPublisher(publisher: PublisherPeer): void {
    if (this.closed) return;
    const existing = this.feeds.get(publisher.id);
    if (existing) {
      if (existing.publisher !== publisher) this.repoint(existing, publisher);
      return;
    }
    const transceiver = this.pc.addTransceiver('video', { direction: 'sendonly' });
    transceiver.setCodecPreferences([videoCodec(publisher.codec, this.opts.transportCc)]);
    limitRetransmissions(transceiver.sender, this.retransmits, this.opts.now, () => this.opts.estimator.estimate(this.opts.now()).bps);
    const forwarder = new LayerForwarder({ codec: publisher.codec });
    const meter = new RateMeter(1000);
    const feed: Feed = { publisher, transceiver, forwarder, selector: this.opts.makeSelector(), meter, decision: null, entered: null, shareBps: null, sent: new SendTimes(), unsubscribe: () => {} };
    this.attach(feed);
    this.feeds.set(publisher.id, feed);
    this.select(publisher.id);
    void this.negotiate();
  }

  /**
   * This subscriber's path is back (its ICE restart connected, or packets flow again after a dead spell): what was
   * forwarded meanwhile was lost, and the frames that follow refer to it. Ask each publisher for a keyframe now
   * rather than wait for the browser's NACKs to run out and its own PLI to come.
   */
  requestKeyframes(): void {
    for (const feed of this.feeds.values()) {
      const layer = feed.forwarder.pendingLayer ?? feed.forwarder.currentLayer;
      if (layer !== null) feed.publisher.requestKeyframe(layer);
    }
  }

  /** The publisher's connection was rebuilt: same m-line, new source; resume at its next keyframe. */
  private repoint(feed: Feed, publisher: PublisherPeer): void {
    feed.unsubscribe();
    feed.publisher = publisher;
    feed.forwarder.sourceReplaced(this.opts.now());
    this.attach(feed);
    this.select(publisher.id);
    const layer = feed.forwarder.pendingLayer;
    if (layer !== null) publisher.requestKeyframe(layer);
  }

  /** Feed the forwarder from the publisher's packets and pass the subscriber's feedback back. */
  private attach(feed: Feed): void {
    const { publisher, transceiver, forwarder, meter, sent } = feed;
    const sender = transceiver.sender;
    const off = publisher.onRtp((layer, packet, arrivalMs) => {
      const out = forwarder.onPacket({
        layer,
        sequenceNumber: packet.header.sequenceNumber,
        timestamp: packet.header.timestamp,
        payload: packet.payload,
        arrivalMs,
        marker: packet.header.marker,
      });
      if (out === null) return;
      if (out.switched) {
        publisher.noteKeyframe(out.switched.to);
        const cfg = publisher.layerConfigs;
        this.opts.onSwitch({
          tMs: arrivalMs,
          room: this.room,
          subscriberId: this.id,
          publisherId: publisher.id,
          from: out.switched.from === null ? null : cfg[out.switched.from].rid,
          to: cfg[out.switched.to].rid,
          waitedMs: out.switched.waitedMs,
          atKeyframe: publisher.codec === 'VP8' ? isVp8KeyframeStart(packet.payload) : isH264KeyframeStart(packet.payload),
          reason: feed.decision?.reason ?? '',
        });
      }
      const header = new RtpHeader({
        marker: packet.header.marker,
        payloadType: packet.header.payloadType,
        sequenceNumber: out.sequenceNumber,
        timestamp: out.timestamp,
        ssrc: sender.ssrc,
      });
      const rtp = new RtpPacket(header, Buffer.from(out.payload.buffer, out.payload.byteOffset, out.payload.byteLength));
      this.send(sender, rtp, meter, sent, arrivalMs, false);
    });
    // The subscriber lost a picture: a keyframe of whatever layer it is on (or waiting for).
    const offPli = sender.onPictureLossIndication.subscribe(() => {
      const layer = forwarder.pendingLayer ?? forwarder.currentLayer;
      if (layer !== null) publisher.requestKeyframe(layer);
    });
    // A NACK listing a long unbroken gap (the path was down): the frames after it refer to what was lost, and
    // retransmitting the backlog within the budget takes seconds. Ask for a keyframe now (werift still answers
    // the NACK; requestKeyframe coalesces repeats).
    const offNack = sender.onGenericNack.subscribe((nack) => {
      if (!nackWantsKeyframe(nack.lost, (seq) => sent.at(seq))) return;
      const layer = forwarder.pendingLayer ?? forwarder.currentLayer;
      if (layer !== null) publisher.requestKeyframe(layer);
    });
    const offRtcp = sender.onRtcp.subscribe((p) => this.onRtcp(p));
    feed.unsubscribe = () => {
      off();
      offPli.unSubscribe();
      offNack.unSubscribe();
      offRtcp.unSubscribe();
    };
  }

  /**
   * Sends through werift (which sets SSRC, payload type and header extensions) and tells the estimator
   * the packet's RTP size (header with the extensions werift added, payload; SRTP's tag not counted).
   */
  private send(sender: RTCRtpSender, rtp: RtpPacket, meter: RateMeter, sent: SendTimes, tMs: number, probe: boolean): number {
    // werift stamps the transport-wide sequence number and the extensions synchronously inside sendRtp (before its first await).
    const transport = sender.dtlsTransport;
    const seqBefore = transport?.transportSequenceNumber;
    sender.sendRtp(rtp).catch(() => undefined);
    const seqAfter = transport?.transportSequenceNumber;
    const transportSeq = this.opts.transportCc && seqAfter !== undefined && seqAfter !== seqBefore ? seqAfter : null;
    const bytes = rtp.header.serializeSize + rtp.payload.length;
    meter.add(bytes, tMs);
    sent.note(rtp.header.sequenceNumber, tMs);
    this.sentMeter.add(bytes, tMs);
    if (!probe) this.pacer.onMedia(bytes);
    this.opts.estimator.onSent({ bytes, tMs, transportSeq, probe });
    return bytes;
  }

  /**
   * Probing: when the estimator asks for more than is being sent, padding-only packets fill the gap
   * (up to 32 packets of 255 padding bytes per 20 ms tick: about 3.4 Mbps of padding at most; SRTP in
   * JavaScript costs CPU per packet), between frames of the first feed.
   * Called every PROBE_TICK_MS by the SFU.
   */
  probeTick(): void {
    const now = this.opts.now();
    const probe = this.closed ? 0 : (this.opts.estimator.probeBps?.(now) ?? 0);
    let credit = this.pacer.tick(now, probe);
    if (credit <= 0) return;
    const feed = [...this.feeds.values()].find((f) => f.forwarder.currentLayer !== null);
    if (!feed) return;
    const sender = feed.transceiver.sender;
    for (let i = 0; i < MAX_PADDING_PER_TICK && credit > 0; i++) {
      const slot = feed.forwarder.paddingSlot();
      if (slot === null) return;
      const header = new RtpHeader({ padding: true, paddingSize: PADDING_BYTES, marker: false, sequenceNumber: slot.sequenceNumber, timestamp: slot.timestamp, ssrc: sender.ssrc });
      credit = this.pacer.spend(this.send(sender, new RtpPacket(header, PADDING_PAYLOAD), feed.meter, feed.sent, now, true));
    }
  }

  removePublisher(publisherId: string): void {
    const feed = this.feeds.get(publisherId);
    if (!feed) return;
    feed.unsubscribe();
    this.feeds.delete(publisherId);
    try {
      feed.transceiver.stop();
    } catch (err) {
      this.opts.log(`subscriber ${this.id}: stopping the m-line of ${publisherId}: ${String(err)}`);
    }
    void this.negotiate();
  }

  /** The SFU offers; a browser offer (an ICE restart) is answered when the SFU is not offering itself. */
  async handleDescription(d: { type: 'offer' | 'answer' | 'rollback'; sdp?: string }): Promise<string | null> {
    if (d.type === 'answer' && d.sdp !== undefined) {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: d.sdp });
      this.negotiating = false;
      if (this.negotiationWanted) void this.negotiate();
      return null;
    }
    if (d.type === 'offer' && d.sdp !== undefined) {
      // The SFU is the impolite peer: while its own offer is out, it ignores the browser's.
      if (this.pc.signalingState !== 'stable') return null;
      await this.pc.setRemoteDescription({ type: 'offer', sdp: d.sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      enlargeReceiveBuffers(this.pc);
      return this.pc.localDescription?.sdp ?? answer.sdp;
    }
    return null;
  }

  async addCandidate(c: CandidateMessage | null): Promise<void> {
    if (c === null) return;
    await this.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined });
  }

  /** Offer the current m-lines; one offer at a time, a change meanwhile makes one more after the answer. */
  async negotiate(): Promise<void> {
    if (this.closed) return;
    if (this.negotiating || this.pc.signalingState !== 'stable') {
      this.negotiationWanted = true;
      return;
    }
    this.negotiating = true;
    this.negotiationWanted = false;
    try {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      enlargeReceiveBuffers(this.pc);
      const streams: Record<string, string> = {};
      for (const [pid, feed] of this.feeds) if (feed.transceiver.mid !== null) streams[feed.transceiver.mid] = pid;
      await this.opts.sendOffer(this.pc.localDescription?.sdp ?? offer.sdp, streams);
    } catch (err) {
      this.negotiating = false;
      this.opts.log(`subscriber ${this.id}: offer failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * Run the selectors for one publisher (or all) and start the switches they ask for. The feeds share
   * the subscriber's one estimate (algorithms/layer/share-downlink.ts): each selector gets its feed's
   * share as its estimate, and the layer forwarded is at most the one allocated to the feed, so the
   * layers' sum fits the estimate unless every feed is at its lowest layer.
   */
  select(publisherId?: string): void {
    const now = this.opts.now();
    const est = this.opts.estimator.estimate(now);
    const network = this.opts.estimator.stats();
    const entries = [...this.feeds].map(([pid, feed]) => ({ pid, feed, layers: feed.publisher.layerSnapshot(now) }));
    const ladders: FeedLadder[] = entries.map(({ feed, layers }) => ({
      options: activeLayerIndices(layers).map((i) => ({ layer: i, rateBps: this.allocationRateBps(feed, i, layerRateBps(layers[i]), now) })),
    }));
    const shares = shareDownlink(est.bps, ladders, entries[0]?.feed.selector.budgetFraction ?? 1);
    entries.forEach(({ pid, feed, layers }, k) => {
      if (publisherId !== undefined && pid !== publisherId) return;
      const share = shares[k];
      const current = feed.forwarder.pendingLayer ?? feed.forwarder.currentLayer;
      let decision: LayerDecision;
      try {
        decision = feed.selector.choose({ tMs: now, estimateBps: share.shareBps, layers, currentLayer: current, network });
      } catch (err) {
        this.opts.log(`subscriber ${this.id}: selector ${feed.selector.name} threw: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (typeof decision?.layer !== 'number' || !Number.isFinite(decision.layer)) {
        // A user's selector file may return anything: the feed keeps its layer, and the log says why.
        this.opts.log(`subscriber ${this.id}: selector ${feed.selector.name} returned no layer index: ${JSON.stringify(decision)}`);
        return;
      }
      const chosen = Math.min(layers.length - 1, Math.max(0, Math.round(decision.layer)));
      const { layer, reason } = layerWithinShare(chosen, decision.reason, share, { feeds: entries.length, estimateBps: est.bps, rids: layers.map((l) => l.rid) });
      if (layer !== current) feed.entered = { layer, atMs: now, rateBps: layerRateBps(layers[layer]) };
      feed.decision = { layer, reason };
      feed.shareBps = share.shareBps;
      if (feed.forwarder.setTarget(layer, now)) feed.publisher.requestKeyframe(layer);
    });
  }

  /**
   * The rate the split counts for a layer: its measured rate, except that a layer just switched to is
   * counted, for SETTLE_MS, at most at its rate when chosen (the keyframe the switch asked for inflates
   * its measured rate for a whole window: as in highest-fit, it must not push the feed further down).
   */
  private allocationRateBps(feed: Feed, layer: number, rateBps: number, now: number): number {
    const e = feed.entered;
    return e !== null && e.layer === layer && now - e.atMs < SETTLE_MS ? Math.min(rateBps, e.rateBps) : rateBps;
  }

  samples(tMs: number): SfuSubscriberSample[] {
    const est = this.opts.estimator.estimate(tMs);
    return [...this.feeds].map(([pid, feed]) => {
      const cfg = feed.publisher.layerConfigs;
      const cur = feed.forwarder.currentLayer;
      const pend = feed.forwarder.pendingLayer;
      return {
        tMs,
        room: this.room,
        subscriberId: this.id,
        publisherId: pid,
        estimateBps: Math.round(est.bps),
        ...(feed.shareBps !== null ? { shareBps: Math.round(feed.shareBps) } : {}),
        estimateReason: est.reason,
        layer: cur === null ? null : cfg[cur].rid,
        pendingLayer: pend === null ? null : cfg[pend].rid,
        reason: feed.decision?.reason ?? '',
        forwardedBps: Math.round(feed.meter.rateBps(tMs)),
      };
    });
  }

  private onRtcp(p: RtcpPacket): void {
    const now = this.opts.now();
    if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof ReceiverEstimatedMaxBitrate) {
      if (p === this.lastRembSeen) return;
      this.lastRembSeen = p;
      this.opts.estimator.onFeedback({ kind: 'remb', tMs: now, bps: Number(p.feedback.bitrate) });
    } else if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof TransportWideCC) {
      if (p === this.lastTwccSeen) return;
      this.lastTwccSeen = p;
      this.opts.estimator.onFeedback({ kind: 'twcc', tMs: now, packets: twccPacketResults(partsFromWerift(p.feedback)) });
    } else if (p instanceof RtcpRrPacket || p instanceof RtcpSrPacket) {
      const senders = new Map([...this.feeds.values()].map((f) => [f.transceiver.sender.ssrc, f.transceiver.sender]));
      for (const r of p.reports) {
        const sender = senders.get(r.ssrc);
        if (!sender) continue;
        // RR jitter is in RTP ticks (90 kHz for video); werift has already taken this RR's RTT (seconds) from LSR/DLSR.
        const rttS = (sender as unknown as { rtt?: number }).rtt; // private in werift's types, set by its RR handler
        const rttMs = typeof rttS === 'number' && rttS > 0 ? rttS * 1000 : undefined;
        this.opts.estimator.onFeedback({ kind: 'receiver-report', tMs: now, fractionLost: r.fractionLost / 256, cumulativeLost: r.packetsLost, jitterMs: r.jitter / 90, ...(rttMs !== undefined ? { rttMs } : {}) });
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const feed of this.feeds.values()) feed.unsubscribe();
    this.feeds.clear();
    await this.pc.close().catch(() => undefined);
  }
}
