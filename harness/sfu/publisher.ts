// One publishing browser: a werift peer receiving its simulcast layers, measuring each, asking for
// keyframes on demand, and steering the browser's uplink with REMB.

import { RTCPeerConnection } from 'werift';
import type { RTCRtpTransceiver, RtpPacket } from 'werift';
import type { SimulcastLayer } from '../../algorithms/layer/types.ts';
import { LossMeter } from './loss-meter.ts';
import { RateMeter } from './rate-meter.ts';
import { buildFir, buildRemb } from './rtcp-feedback.ts';
import type { CandidateMessage } from './signaling/messages.ts';
import type { LayerConfig, SfuPublisherSample, VideoCodec } from './types.ts';
import type { UplinkEstimator } from './uplink-estimator.ts';
import { enlargeReceiveBuffers, icePorts } from './ice-sockets.ts';
import { peerConfig } from './werift-config.ts';
import type { IcePolicy } from './werift-config.ts';

export interface PublisherOptions {
  id: string;
  room: string;
  codec: VideoCodec;
  /** Ascending. */
  layers: readonly LayerConfig[];
  ice: IcePolicy;
  /** The camera the browser captures (the top layer's size before scaling). */
  capture: { width: number; height: number };
  /** null: no REMB (the comparison runs; Chrome then ramps on its own, ~8%/s). */
  uplink: UplinkEstimator | null;
  rembIntervalMs: number;
  now: () => number;
  /** A candidate the SFU's peer gathered, for the browser. */
  onCandidate: (c: CandidateMessage | null) => void;
  log: (msg: string) => void;
}

export type RtpListener = (layer: number, packet: RtpPacket, arrivalMs: number) => void;

interface LayerState {
  config: LayerConfig;
  ssrc: number | null;
  /** 1 s window: REMB and the per-second samples. */
  meter: RateMeter;
  /** 2 s window: what the selectors see (smooths keyframe bursts). */
  selectMeter: RateMeter;
  loss: LossMeter;
  keyframes: number;
  lastPacketMs: number;
  lastKeyframeRequestMs: number;
  requestsSinceKeyframe: number;
  firSeq: number;
}

/** A layer silent for this long is inactive (Chrome paused it: not enough uplink for it). */
const INACTIVE_AFTER_MS = 1000;
/** A layer whose packets resume after this long asks for a keyframe at once. */
const SILENCE_KEYFRAME_MS = 500;
/** Ask again for a keyframe not seen after this long; the third ask is a FIR. */
const KEYFRAME_RETRY_MS = 500;

export class PublisherPeer {
  readonly id: string;
  readonly room: string;
  readonly codec: VideoCodec;
  readonly pc: RTCPeerConnection;
  private readonly opts: PublisherOptions;
  private readonly layers: LayerState[];
  private readonly listeners = new Set<RtpListener>();
  private transceiver: RTCRtpTransceiver | null = null;
  private rembTimer: NodeJS.Timeout | null = null;
  private lastRemb = { bps: 0, reason: 'REMB off' };
  private closed = false;
  /** Resolves when the first packet of any layer arrives. */
  readonly firstPacket: Promise<void>;
  private markFirstPacket: () => void = () => {};

  constructor(opts: PublisherOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.room = opts.room;
    this.codec = opts.codec;
    this.firstPacket = new Promise((r) => (this.markFirstPacket = r));
    this.layers = opts.layers.map((config) => ({
      config,
      ssrc: null,
      meter: new RateMeter(1000),
      selectMeter: new RateMeter(2000),
      loss: new LossMeter(),
      keyframes: 0,
      lastPacketMs: -Infinity,
      lastKeyframeRequestMs: -Infinity,
      requestsSinceKeyframe: 0,
      firSeq: 0,
    }));
    this.pc = new RTCPeerConnection(peerConfig([opts.codec], opts.ice));
    this.pc.onIceCandidate.subscribe((c) => opts.onCandidate(c ? toCandidateMessage(c.toJSON()) : null));
    if (opts.uplink) {
      const uplink = opts.uplink;
      this.rembTimer = setInterval(() => this.sendRemb(uplink), opts.rembIntervalMs);
      this.rembTimer.unref();
    }
  }

  get layerConfigs(): readonly LayerConfig[] {
    return this.opts.layers;
  }

  onRtp(listener: RtpListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The browser's offer in, the SFU's answer out (the SFU never offers to a publisher). */
  async handleOffer(sdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    this.attachLayers();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    enlargeReceiveBuffers(this.pc);
    return this.pc.localDescription?.sdp ?? answer.sdp;
  }

  async addCandidate(c: CandidateMessage | null): Promise<void> {
    if (c === null) return;
    await this.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined });
  }

  private attachLayers(): void {
    const t = this.pc.getTransceivers().find((x) => x.kind === 'video');
    if (!t || t === this.transceiver) return;
    this.transceiver = t;
    this.opts.layers.forEach((config, index) => {
      const track = t.receiver.trackByRID[config.rid];
      if (!track) {
        this.opts.log(`publisher ${this.id}: the offer has no simulcast layer "${config.rid}"`);
        return;
      }
      track.onReceiveRtp.subscribe((packet) => this.onLayerPacket(index, packet));
    });
  }

  private onLayerPacket(index: number, packet: RtpPacket): void {
    if (this.closed) return;
    const now = this.opts.now();
    const layer = this.layers[index];
    layer.ssrc = packet.header.ssrc;
    const bytes = packet.payload.length + packet.header.serializeSize;
    layer.meter.add(bytes, now);
    layer.selectMeter.add(bytes, now);
    layer.loss.add(packet.header.sequenceNumber);
    // Media back after a silence (an outage, an ICE restart): the subscribers lost the frames this
    // layer's next ones refer to. Ask for a keyframe now rather than after their NACKs run out.
    const silentMs = now - layer.lastPacketMs;
    if (packet.payload.length > 0) layer.lastPacketMs = now;
    if (packet.payload.length > 0 && silentMs > SILENCE_KEYFRAME_MS && Number.isFinite(silentMs)) this.requestKeyframe(index);
    this.markFirstPacket();
    for (const l of this.listeners) l(index, packet, now);
  }

  /** Called by forwarders that saw a switch point on this layer. */
  noteKeyframe(index: number): void {
    const layer = this.layers[index];
    layer.keyframes++;
    layer.requestsSinceKeyframe = 0;
  }

  /**
   * Ask the browser for a keyframe on one layer: a PLI, repeated every 500 ms while none comes, and a
   * FIR from the third ask on (some encoders answer only FIR). Calls inside the retry interval are
   * coalesced, so every subscriber can ask without flooding the publisher.
   */
  requestKeyframe(index: number): void {
    const layer = this.layers[index];
    const now = this.opts.now();
    if (!layer || layer.ssrc === null || !this.transceiver || this.closed) return;
    if (now - layer.lastKeyframeRequestMs < KEYFRAME_RETRY_MS) return;
    layer.lastKeyframeRequestMs = now;
    layer.requestsSinceKeyframe++;
    const ssrc = layer.ssrc;
    const receiver = this.transceiver.receiver;
    if (layer.requestsSinceKeyframe >= 3) {
      const fir = buildFir(receiver.rtcpSsrc, ssrc, layer.firSeq++);
      receiver.dtlsTransport.sendRtcp([fir]).catch(() => undefined);
    } else {
      receiver.sendRtcpPLI(ssrc).catch(() => undefined);
    }
  }

  /** What the selectors see: each layer's configuration and measured rate. */
  layerSnapshot(tMs: number): SimulcastLayer[] {
    const { width, height } = this.opts.capture;
    return this.layers.map((l) => ({
      rid: l.config.rid,
      width: Math.round(width / l.config.scaleResolutionDownBy),
      height: Math.round(height / l.config.scaleResolutionDownBy),
      maxBitrateBps: l.config.maxBitrateBps,
      measuredBitrateBps: l.selectMeter.rateBps(tMs),
      active: tMs - l.lastPacketMs < INACTIVE_AFTER_MS,
    }));
  }

  incomingBps(tMs: number): number {
    return this.layers.reduce((s, l) => s + l.meter.rateBps(tMs), 0);
  }

  /** udpDrops: the kernel's drops by local port (readUdpDrops), null when unknown. */
  sample(tMs: number, udpDrops: Map<number, number> | null = null): SfuPublisherSample {
    return {
      tMs,
      room: this.room,
      publisherId: this.id,
      layers: this.layers.map((l) => ({
        rid: l.config.rid,
        ssrc: l.ssrc,
        bitrateBps: Math.round(l.meter.rateBps(tMs)),
        active: tMs - l.lastPacketMs < INACTIVE_AFTER_MS,
        keyframes: l.keyframes,
      })),
      rembBps: Math.round(this.lastRemb.bps),
      rembReason: this.lastRemb.reason,
      socketDrops: udpDrops === null ? null : icePorts(this.pc).reduce((sum, port) => sum + (udpDrops.get(port) ?? 0), 0),
    };
  }

  private sendRemb(uplink: UplinkEstimator): void {
    const t = this.transceiver;
    if (this.closed || !t || t.receiver.dtlsTransport?.state !== 'connected') return;
    const ssrcs = this.layers.map((l) => l.ssrc).filter((s): s is number => s !== null);
    if (ssrcs.length === 0) return;
    const now = this.opts.now();
    let expected = 0;
    let received = 0;
    for (const l of this.layers) {
      const r = l.loss.take();
      expected += r.expected;
      received += r.received;
    }
    const lossRate = expected > 0 ? Math.max(0, (expected - received) / expected) : 0;
    const est = uplink.update({ tMs: now, incomingBps: this.incomingBps(now), lossRate });
    this.lastRemb = { bps: est.targetBps, reason: est.reason };
    t.receiver.dtlsTransport.sendRtcp([buildRemb(t.receiver.rtcpSsrc, ssrcs, est.targetBps)]).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rembTimer) clearInterval(this.rembTimer);
    this.listeners.clear();
    await this.pc.close().catch(() => undefined);
  }
}

export function toCandidateMessage(c: { candidate: string; sdpMid?: string; sdpMLineIndex?: number; usernameFragment?: string }): CandidateMessage {
  return { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null, usernameFragment: c.usernameFragment ?? null };
}
