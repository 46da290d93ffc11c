// Source: RFC 7667 section 3.7 (selective forwarding middlebox) and RFC 3550 section 5.1 (sequence number and timestamp continuity).
//
// One subscriber's view of one publisher: packets of every simulcast layer come in, packets of one
// layer go out, renumbered so the subscriber sees one continuous RTP stream. A layer change waits for a
// switch point (a keyframe start) on the target layer: until it arrives the old layer keeps flowing,
// so the picture never freezes on a switch and the decoder never sees a delta frame it cannot decode.
// Padding-only packets (empty payload: the publisher probing its uplink) of the forwarded layer go
// out too, as empty packets: dropping them would leave sequence gaps, and an H.264 receiver (no
// picture ids to prove continuity) waits for a keyframe after every gap.
// Pure: no I/O, time is a parameter.

import { isH264SwitchPoint } from './rtp/h264.ts';
import { isVp8KeyframeStart, parseVp8Descriptor, rewriteVp8Descriptor } from './rtp/vp8.ts';

export type ForwardCodec = 'VP8' | 'H264';

export interface InboundPacket {
  layer: number;
  sequenceNumber: number;
  timestamp: number;
  payload: Uint8Array;
  arrivalMs: number;
  /** RTP marker: the last packet of a frame (padding may follow it). */
  marker?: boolean;
}

export interface OutboundPacket {
  sequenceNumber: number;
  timestamp: number;
  /** The payload to send: the same bytes, or a copy with VP8 PictureID/TL0PICIDX renumbered. */
  payload: Uint8Array;
  /** Set on the first packet of a new layer. */
  switched?: { from: number | null; to: number; waitedMs: number };
}

export interface LayerForwarderOptions {
  codec: ForwardCodec;
  /** RTP clock of the codec. Default 90 kHz (video). */
  clockRate?: number;
  /** The timestamp step across a switch when packets come closer than 1 ms apart. Default 1 tick. */
  minTimestampStep?: number;
}

const SEQ_MOD = 0x10000;
const TS_MOD = 0x100000000;
const PIC_MOD = 0x8000;
/** Packets later than this trail behind are dropped as too old (a reorder this deep is a loss anyway). */
const FLOOR_TRAIL = 2000;

const mod = (v: number, m: number) => ((v % m) + m) % m;
/** Signed distance a -> b on a wrapping counter (RFC 3550 style). */
const seqDiff = (a: number, b: number) => {
  const d = mod(b - a, SEQ_MOD);
  return d >= SEQ_MOD / 2 ? d - SEQ_MOD : d;
};

export class LayerForwarder {
  readonly codec: ForwardCodec;
  private readonly clockRate: number;
  private readonly minStep: number;
  private current: number | null = null;
  private target: number | null = null;
  private targetSinceMs = 0;
  /** Input sequence number of the current layer's switch point: older packets of that layer are dropped. */
  private switchInSeq = 0;
  private seqOffset = 0;
  private tsOffset = 0;
  private picOffset = 0;
  private tl0Offset = 0;
  private lastOut: { seq: number; ts: number; arrivalMs: number; pic: number | null; tl0: number | null } | null = null;
  /** The last packet sent ended a frame: a padding packet may go next without splitting a frame. */
  private atFrameEnd = false;

  constructor(opts: LayerForwarderOptions) {
    this.codec = opts.codec;
    this.clockRate = opts.clockRate ?? 90_000;
    this.minStep = Math.max(1, opts.minTimestampStep ?? 1);
  }

  /** The layer whose packets go out now (null before the first switch point). */
  get currentLayer(): number | null {
    return this.current;
  }

  /** The layer waited for (its switch point has not come yet), or null. */
  get pendingLayer(): number | null {
    return this.target;
  }

  /**
   * Ask for a layer. Returns true when the caller must request a keyframe on it (a change is now
   * pending); asking for the current layer cancels a pending change.
   */
  setTarget(layer: number, nowMs: number): boolean {
    if (layer === this.current) {
      this.target = null;
      return false;
    }
    if (layer !== this.target) {
      this.target = layer;
      this.targetSinceMs = nowMs;
    }
    return true;
  }

  /**
   * The source was replaced (the publisher rebuilt its connection: new SSRCs, new numbering). Nothing
   * goes out until a switch point of the layer that was flowing (or waited for) arrives; it then
   * continues the outgoing numbering, as a layer switch does.
   */
  sourceReplaced(nowMs: number): void {
    const layer = this.target ?? this.current;
    this.current = null;
    this.target = layer;
    this.targetSinceMs = nowMs;
  }

  /** How long the pending change has waited for its switch point. */
  pendingForMs(nowMs: number): number {
    return this.target === null ? 0 : nowMs - this.targetSinceMs;
  }

  isSwitchPoint(payload: Uint8Array): boolean {
    return this.codec === 'VP8' ? isVp8KeyframeStart(payload) : isH264SwitchPoint(payload);
  }

  /** The packet to send for `p`, or null to drop it. */
  onPacket(p: InboundPacket): OutboundPacket | null {
    let switched: OutboundPacket['switched'];
    if (p.layer === this.target && this.isSwitchPoint(p.payload)) {
      switched = { from: this.current, to: p.layer, waitedMs: p.arrivalMs - this.targetSinceMs };
      this.enterLayer(p);
    } else if (p.layer !== this.current || seqDiff(this.switchInSeq, p.sequenceNumber) < 0) {
      return null;
    }
    // Keep the "older than the switch point" floor within half the sequence space of what arrives.
    if (seqDiff(this.switchInSeq, p.sequenceNumber) > FLOOR_TRAIL) this.switchInSeq = mod(p.sequenceNumber - FLOOR_TRAIL, SEQ_MOD);
    const seq = mod(p.sequenceNumber + this.seqOffset, SEQ_MOD);
    const ts = mod(p.timestamp + this.tsOffset, TS_MOD);
    let payload = p.payload;
    let pic: number | null = null;
    let tl0: number | null = null;
    if (this.codec === 'VP8') {
      const d = parseVp8Descriptor(p.payload);
      if (d !== null) {
        pic = d.pictureId === null ? null : mod(d.pictureId + this.picOffset, d.pictureIdBits === 15 ? PIC_MOD : 0x80);
        tl0 = d.tl0PicIdx === null ? null : mod(d.tl0PicIdx + this.tl0Offset, 256);
        if (this.picOffset !== 0 || this.tl0Offset !== 0) payload = rewriteVp8Descriptor(p.payload, pic, tl0);
      }
    }
    if (this.lastOut === null || seqDiff(this.lastOut.seq, seq) > 0) {
      this.lastOut = { seq, ts, arrivalMs: p.arrivalMs, pic: pic ?? this.lastOut?.pic ?? null, tl0: tl0 ?? this.lastOut?.tl0 ?? null };
      // A padding-only packet (no payload) sits between frames: it keeps the state of the one before.
      if (p.payload.length > 0) this.atFrameEnd = p.marker === true;
    }
    return switched ? { sequenceNumber: seq, timestamp: ts, payload, switched } : { sequenceNumber: seq, timestamp: ts, payload };
  }

  /**
   * A slot for one padding-only packet (a bandwidth probe) right after the last one sent, or null
   * when that packet did not end a frame (padding inside a frame would split it). Later media
   * packets are renumbered past the slot. A media packet reordered across the slot would take the
   * slot's number (the receiver drops the duplicate): rare enough to accept for probes.
   */
  paddingSlot(): { sequenceNumber: number; timestamp: number } | null {
    if (this.lastOut === null || !this.atFrameEnd) return null;
    const seq = mod(this.lastOut.seq + 1, SEQ_MOD);
    this.seqOffset = mod(this.seqOffset + 1, SEQ_MOD);
    this.lastOut = { ...this.lastOut, seq };
    return { sequenceNumber: seq, timestamp: this.lastOut.ts };
  }

  /** Make `p` (a switch point of the target layer) the continuation of what was sent. */
  private enterLayer(p: InboundPacket): void {
    this.current = p.layer;
    this.target = null;
    this.switchInSeq = p.sequenceNumber;
    const last = this.lastOut;
    if (last === null) return; // the first layer: its own numbering, offsets 0
    this.seqOffset = mod(last.seq + 1 - p.sequenceNumber, SEQ_MOD);
    // The new layer's clock may have another base: continue from the last timestamp by the wall time elapsed.
    const stepTicks = Math.max(this.minStep, Math.round(((p.arrivalMs - last.arrivalMs) * this.clockRate) / 1000));
    this.tsOffset = mod(last.ts + stepTicks - p.timestamp, TS_MOD);
    if (this.codec === 'VP8') {
      const d = parseVp8Descriptor(p.payload);
      if (d?.pictureId != null && last.pic !== null) {
        const m = d.pictureIdBits === 15 ? PIC_MOD : 0x80;
        this.picOffset = mod(last.pic + 1 - d.pictureId, m);
      } else this.picOffset = 0;
      if (d?.tl0PicIdx != null && last.tl0 !== null) this.tl0Offset = mod(last.tl0 + 1 - d.tl0PicIdx, 256);
      else this.tl0Offset = 0;
    }
  }
}
