// Source: draft-holmer-rmcat-transport-wide-cc-extensions-01 (transport-wide sequence numbers, per-packet arrival feedback); libwebrtc TransportFeedbackAdapter.
//
// The pure half of the SFU's BWE adapter: turns what the SFU sees of one subscriber (every packet sent,
// with its 16-bit transport-wide number, and Chrome's TWCC feedback as arrivals in µs) into the
// PacketResult[] an algorithms/bwe estimator takes, as the BWE simulator's receiver produces them:
// one result per packet, in sequence order, each packet reported once, sequence numbers unwrapped.
// Also the two aggregates the simulator's receiver report carries that Chrome's RR does not: the rate
// received over the report interval, and (without an RTCP RTT) a feedback-based round-trip time.

import type { PacketResult } from '../../algorithms/bwe/types.ts';

const SEQ_MOD = 65536;

/** The unwrapped value of a 16-bit sequence number nearest to `reference` (ties go forward). */
export function unwrapSeq(seq16: number, reference: number): number {
  const s = ((seq16 % SEQ_MOD) + SEQ_MOD) % SEQ_MOD;
  const refMod = ((reference % SEQ_MOD) + SEQ_MOD) % SEQ_MOD;
  let delta = s - refMod;
  if (delta > SEQ_MOD / 2) delta -= SEQ_MOD;
  else if (delta <= -SEQ_MOD / 2) delta += SEQ_MOD;
  return reference + delta;
}

interface SentRecord {
  sendTimeMs: number;
  bytes: number;
  probeClusterId?: number;
  /** Reported lost once; a late arrival is not reported again (each packet counts once). */
  reportedLost: boolean;
}

export interface FeedbackConverterOptions {
  /** Sent packets older than this are forgotten (feedback that late is meaningless). Default 10 s. */
  historyMs?: number;
  /** The feedback-based RTT is the minimum over this window (the newest packet's hold time varies). Default 2 s. */
  rttWindowMs?: number;
}

export interface TwccInput {
  /** When the feedback reached the SFU (the SFU's clock, as sendTimeMs). */
  tMs: number;
  packets: readonly { transportSeq: number; receivedAtUs: number | null }[];
}

export class TwccFeedbackConverter {
  private readonly historyMs: number;
  private readonly rttWindowMs: number;
  private readonly sent = new Map<number, SentRecord>();
  /** Unwrapped sequences in send order, for pruning. */
  private readonly order: number[] = [];
  private orderHead = 0;
  private lastSeq: number | null = null;
  private readonly rttSamples: { tMs: number; rttMs: number }[] = [];
  private receivedBytesTotal = 0;
  private unknown = 0;
  private duplicates = 0;

  constructor(opts: FeedbackConverterOptions = {}) {
    this.historyMs = opts.historyMs ?? 10_000;
    this.rttWindowMs = opts.rttWindowMs ?? 2000;
  }

  /** Feedback about packets this converter never saw sent (e.g. werift's retransmissions). */
  get unknownCount(): number {
    return this.unknown;
  }

  /** Feedback about packets already reported (each packet is reported once). */
  get duplicateCount(): number {
    return this.duplicates;
  }

  /** Bytes of every packet reported received so far (for a receive rate over an interval). */
  get receivedBytes(): number {
    return this.receivedBytesTotal;
  }

  /** Record one packet sent with a transport-wide number; returns its unwrapped sequence. */
  onSent(transportSeq: number, sendTimeMs: number, bytes: number, probeClusterId?: number): number {
    const seq = this.lastSeq === null ? transportSeq : unwrapSeq(transportSeq, this.lastSeq);
    if (this.lastSeq === null || seq > this.lastSeq) this.lastSeq = seq;
    this.sent.set(seq, { sendTimeMs, bytes, reportedLost: false, ...(probeClusterId !== undefined ? { probeClusterId } : {}) });
    this.order.push(seq);
    this.prune(sendTimeMs);
    return seq;
  }

  /**
   * One TWCC feedback -> results in sequence order. Arrival times are the receiver's clock in ms (any
   * fixed offset from the SFU's, as PacketResult allows). A packet reported received is forgotten; one
   * reported lost is reported once and kept, so that a later "received" for it is not counted again.
   */
  convert(f: TwccInput): PacketResult[] {
    const out: PacketResult[] = [];
    if (this.lastSeq === null) {
      this.unknown += f.packets.length;
      return out;
    }
    let newest: { seq: number; sendTimeMs: number } | null = null;
    for (const p of f.packets) {
      const seq = unwrapSeq(p.transportSeq, this.lastSeq);
      const rec = this.sent.get(seq);
      if (!rec) {
        this.unknown++;
        continue;
      }
      if (rec.reportedLost) {
        this.duplicates++;
        if (p.receivedAtUs !== null) this.sent.delete(seq);
        continue;
      }
      const base = { sequence: seq, sendTimeMs: rec.sendTimeMs, bytes: rec.bytes, ...(rec.probeClusterId !== undefined ? { probeClusterId: rec.probeClusterId } : {}) };
      if (p.receivedAtUs === null) {
        rec.reportedLost = true;
        out.push({ ...base, arrivalTimeMs: null });
      } else {
        this.sent.delete(seq);
        this.receivedBytesTotal += rec.bytes;
        out.push({ ...base, arrivalTimeMs: p.receivedAtUs / 1000 });
        if (newest === null || seq > newest.seq) newest = { seq, sendTimeMs: rec.sendTimeMs };
      }
    }
    out.sort((a, b) => a.sequence - b.sequence);
    // A results list may name a packet twice (a repeated symbol): keep the first.
    for (let i = out.length - 1; i > 0; i--) {
      if (out[i].sequence === out[i - 1].sequence) {
        out.splice(i, 1);
        this.duplicates++;
      }
    }
    if (newest !== null) this.addRttSample(f.tMs, f.tMs - newest.sendTimeMs);
    return out;
  }

  /**
   * Round trip from feedback: feedback arrival minus the send time of the newest packet it acknowledges.
   * That includes the receiver's hold time (up to one feedback interval), so the minimum over the window
   * is taken; undefined before any feedback.
   */
  feedbackRttMs(nowMs: number): number | undefined {
    while (this.rttSamples.length > 0 && this.rttSamples[0].tMs < nowMs - this.rttWindowMs) this.rttSamples.shift();
    if (this.rttSamples.length === 0) return undefined;
    let min = Infinity;
    for (const s of this.rttSamples) min = Math.min(min, s.rttMs);
    return min;
  }

  private addRttSample(tMs: number, rttMs: number): void {
    if (!(rttMs >= 0 && Number.isFinite(rttMs))) return;
    this.rttSamples.push({ tMs, rttMs });
    if (this.rttSamples.length > 256) this.rttSamples.shift();
  }

  private prune(nowMs: number): void {
    while (this.orderHead < this.order.length) {
      const seq = this.order[this.orderHead];
      const rec = this.sent.get(seq);
      if (rec && rec.sendTimeMs > nowMs - this.historyMs) break;
      if (rec) this.sent.delete(seq);
      this.orderHead++;
    }
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }
}

/** Bytes received between two receiver reports -> rate; the first report measures from `startMs`. */
export class ReceiveRateMeter {
  private lastMs: number;
  private lastBytes = 0;

  constructor(startMs: number) {
    this.lastMs = startMs;
  }

  /** The rate since the previous call (undefined for an empty interval). */
  take(nowMs: number, receivedBytesTotal: number): number | undefined {
    const spanMs = nowMs - this.lastMs;
    const bytes = receivedBytesTotal - this.lastBytes;
    this.lastMs = nowMs;
    this.lastBytes = receivedBytesTotal;
    return spanMs > 0 ? (bytes * 8000) / spanMs : undefined;
  }
}
