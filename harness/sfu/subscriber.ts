// One subscribing browser: a werift peer with one send-only video m-line per publisher in the room,
// each fed by a LayerForwarder, with the layer chosen per publisher by the room's selector.

import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSrPacket, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import type { RtcpPacket, RTCRtpTransceiver } from 'werift';
import type { LayerDecision, LayerSelector } from '../../algorithms/layer/types.ts';
import type { DownlinkEstimator } from './downlink-estimator.ts';
import { LayerForwarder } from './layer-forwarder.ts';
import type { PublisherPeer } from './publisher.ts';
import { toCandidateMessage } from './publisher.ts';
import { RateMeter } from './rate-meter.ts';
import { isH264KeyframeStart } from './rtp/h264.ts';
import { isVp8KeyframeStart } from './rtp/vp8.ts';
import type { CandidateMessage } from './signaling/messages.ts';
import type { SfuLayerSwitch, SfuSubscriberSample, VideoCodec } from './types.ts';
import { peerConfig, videoCodec } from './werift-config.ts';
import type { IcePolicy } from './werift-config.ts';

export interface SubscriberOptions {
  id: string;
  room: string;
  /** Every codec a publisher of the room may use (the offer carries them; each m-line prefers its publisher's). */
  codecs: readonly VideoCodec[];
  ice: IcePolicy;
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
  unsubscribe: () => void;
}

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

  constructor(opts: SubscriberOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.room = opts.room;
    this.pc = new RTCPeerConnection(peerConfig(opts.codecs, opts.ice));
    this.pc.onIceCandidate.subscribe((c) => opts.onCandidate(c ? toCandidateMessage(c.toJSON()) : null));
  }

  get publisherIds(): string[] {
    return [...this.feeds.keys()];
  }

  /** Start receiving a publisher: a new send-only m-line, offered to the browser. */
  addPublisher(publisher: PublisherPeer): void {
    if (this.closed || this.feeds.has(publisher.id)) return;
    const transceiver = this.pc.addTransceiver('video', { direction: 'sendonly' });
    transceiver.setCodecPreferences([videoCodec(publisher.codec)]);
    const sender = transceiver.sender;
    const forwarder = new LayerForwarder({ codec: publisher.codec });
    const meter = new RateMeter(1000);
    const feed: Feed = { publisher, transceiver, forwarder, selector: this.opts.makeSelector(), meter, decision: null, unsubscribe: () => {} };
    const off = publisher.onRtp((layer, packet, arrivalMs) => {
      const out = forwarder.onPacket({ layer, sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp, payload: packet.payload, arrivalMs });
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
      const bytes = rtp.payload.length + 12;
      meter.add(bytes, arrivalMs);
      this.opts.estimator.onSent(bytes, arrivalMs);
      sender.sendRtp(rtp).catch(() => undefined);
    });
    // The subscriber lost a picture: a keyframe of whatever layer it is on (or waiting for).
    const offPli = sender.onPictureLossIndication.subscribe(() => {
      const layer = forwarder.pendingLayer ?? forwarder.currentLayer;
      if (layer !== null) publisher.requestKeyframe(layer);
    });
    const offRtcp = sender.onRtcp.subscribe((p) => this.onRtcp(p));
    feed.unsubscribe = () => {
      off();
      offPli.unSubscribe();
      offRtcp.unSubscribe();
    };
    this.feeds.set(publisher.id, feed);
    this.select(publisher.id);
    void this.negotiate();
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
      const streams: Record<string, string> = {};
      for (const [pid, feed] of this.feeds) if (feed.transceiver.mid !== null) streams[feed.transceiver.mid] = pid;
      await this.opts.sendOffer(this.pc.localDescription?.sdp ?? offer.sdp, streams);
    } catch (err) {
      this.negotiating = false;
      this.opts.log(`subscriber ${this.id}: offer failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Run the selector for one publisher (or all) and start the switches it asks for. */
  select(publisherId?: string): void {
    const now = this.opts.now();
    const est = this.opts.estimator.estimate(now);
    for (const [pid, feed] of this.feeds) {
      if (publisherId !== undefined && pid !== publisherId) continue;
      const layers = feed.publisher.layerSnapshot(now);
      const current = feed.forwarder.pendingLayer ?? feed.forwarder.currentLayer;
      let decision: LayerDecision;
      try {
        decision = feed.selector.choose({ tMs: now, estimateBps: est.bps, layers, currentLayer: current, network: this.opts.estimator.stats() });
      } catch (err) {
        this.opts.log(`subscriber ${this.id}: selector ${feed.selector.name} threw: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const layer = Math.min(layers.length - 1, Math.max(0, Math.round(decision.layer)));
      feed.decision = { layer, reason: decision.reason };
      if (feed.forwarder.setTarget(layer, now)) feed.publisher.requestKeyframe(layer);
    }
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
    } else if (p instanceof RtcpRrPacket || p instanceof RtcpSrPacket) {
      const ours = new Set([...this.feeds.values()].map((f) => f.transceiver.sender.ssrc));
      for (const r of p.reports) {
        if (!ours.has(r.ssrc)) continue;
        // RR jitter is in RTP ticks (90 kHz for video).
        this.opts.estimator.onFeedback({ kind: 'receiver-report', tMs: now, fractionLost: r.fractionLost / 256, cumulativeLost: r.packetsLost, jitterMs: r.jitter / 90 });
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
