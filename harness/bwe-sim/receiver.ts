// The simulated receiver: records arrivals and builds the two kinds of feedback a WebRTC receiver
// sends: per-packet transport-wide feedback (TWCC: every packet's arrival time, or "not received")
// and RTCP-receiver-report-like aggregates (loss fraction over the interval, RFC 3550 jitter, received
// rate).

import type { PacketResult, ReceiverReport } from '../../algorithms/bwe/types.ts';

export interface InFlight {
  sequence: number;
  sendMs: number;
  arrivalMs: number;
  bytes: number;
  captureMs: number;
  probeClusterId?: number;
}

export class Receiver {
  /** Packets on their way, sorted by arrival (nearly always appended in order). */
  private readonly inFlight: InFlight[] = [];
  private inFlightHead = 0;
  /** Packets the sender sent and the link dropped, by sequence, with their send data (for "not received"). */
  private readonly dropped = new Map<number, { sendMs: number; bytes: number; probeClusterId?: number }>();
  private readonly received = new Set<number>();
  private readonly pendingResults: PacketResult[] = [];
  /** Every sequence up to this one has been reported (received or lost). */
  private reportedUpTo = -1;
  private highestSeq = -1;
  // Receiver-report state.
  private jitterMs = 0;
  private lastTransit: number | null = null;
  private expectedAtLastReport = 0;
  private receivedSinceReport = 0;
  private bytesSinceReport = 0;

  /** The link will deliver this packet at arrivalMs. */
  expect(p: InFlight): void {
    const a = this.inFlight;
    let i = a.length;
    while (i > this.inFlightHead && a[i - 1].arrivalMs > p.arrivalMs) i--;
    a.splice(i, 0, p);
  }

  /** The link dropped this packet: a TWCC report will say "not received" once a later one arrives. */
  lost(sequence: number, sendMs: number, bytes: number, probeClusterId?: number): void {
    this.dropped.set(sequence, { sendMs, bytes, probeClusterId });
  }

  /** Take in every packet that arrived by nowMs. */
  receiveUntil(nowMs: number): void {
    const a = this.inFlight;
    while (this.inFlightHead < a.length && a[this.inFlightHead].arrivalMs <= nowMs) {
      const p = a[this.inFlightHead++];
      this.received.add(p.sequence);
      if (p.sequence > this.highestSeq) this.highestSeq = p.sequence;
      this.receivedSinceReport++;
      this.bytesSinceReport += p.bytes;
      this.pendingResults.push({
        sequence: p.sequence,
        sendTimeMs: p.sendMs,
        arrivalTimeMs: p.arrivalMs,
        bytes: p.bytes,
        ...(p.probeClusterId !== undefined ? { probeClusterId: p.probeClusterId } : {}),
      });
      if (p.probeClusterId === undefined) this.updateJitter(p);
    }
    if (this.inFlightHead > 4096 && this.inFlightHead * 2 > a.length) {
      a.splice(0, this.inFlightHead);
      this.inFlightHead = 0;
    }
  }

  /**
   * TWCC-like feedback: the packets received since the last one, plus "not received" for every
   * sequence below the highest received that never arrived, in sequence order. Null when there is nothing to say.
   */
  takeFeedback(): PacketResult[] | null {
    const out = this.pendingResults.splice(0);
    for (let s = this.reportedUpTo + 1; s < this.highestSeq; s++) {
      if (this.received.has(s)) continue;
      const d = this.dropped.get(s);
      if (!d) continue; // still in flight (reordered): reported when it arrives
      out.push({ sequence: s, sendTimeMs: d.sendMs, arrivalTimeMs: null, bytes: d.bytes, ...(d.probeClusterId !== undefined ? { probeClusterId: d.probeClusterId } : {}) });
      this.dropped.delete(s);
    }
    // Everything below the lowest sequence still in flight is now settled.
    let settled = this.highestSeq;
    for (let i = this.inFlightHead; i < this.inFlight.length; i++) settled = Math.min(settled, this.inFlight[i].sequence - 1);
    for (let s = this.reportedUpTo + 1; s <= settled; s++) this.received.delete(s);
    this.reportedUpTo = Math.max(this.reportedUpTo, settled);
    if (out.length === 0) return null;
    out.sort((x, y) => x.sequence - y.sequence);
    return out;
  }

  /** RR-like aggregates over the interval since the previous report. */
  takeReport(intervalMs: number): ReceiverReport {
    const expectedTotal = this.highestSeq + 1;
    const expected = expectedTotal - this.expectedAtLastReport;
    const lossFraction = expected > 0 ? Math.max(0, expected - this.receivedSinceReport) / expected : 0;
    const report: ReceiverReport = {
      lossFraction: Math.min(1, lossFraction),
      jitterMs: this.jitterMs,
      receivedBps: intervalMs > 0 ? (this.bytesSinceReport * 8000) / intervalMs : 0,
    };
    this.expectedAtLastReport = expectedTotal;
    this.receivedSinceReport = 0;
    this.bytesSinceReport = 0;
    return report;
  }

  /** RFC 3550 section 6.4.1: J += (|D| - J) / 16, D the change in transit time (RTP timestamp = capture time). */
  private updateJitter(p: InFlight): void {
    const transit = p.arrivalMs - p.captureMs;
    if (this.lastTransit !== null) this.jitterMs += (Math.abs(transit - this.lastTransit) - this.jitterMs) / 16;
    this.lastTransit = transit;
  }
}
