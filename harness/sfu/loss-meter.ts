// Source: RFC 3550 appendix A.3 (expected vs received packets from the extended highest sequence number).
//
// Loss of one RTP stream between two reads: expected = advance of the extended highest sequence
// number, received = packets counted; a retransmission counts twice, so the loss is clamped at 0.

export class LossMeter {
  private highest: number | null = null;
  private highestAtTake: number | null = null;
  private received = 0;

  add(sequenceNumber: number): void {
    if (this.highest === null) {
      this.highest = sequenceNumber;
      this.highestAtTake = sequenceNumber - 1;
    } else {
      // Extend the 16-bit number to the one nearest the highest seen.
      const base = this.highest - (this.highest & 0xffff);
      let ext = base + sequenceNumber;
      if (ext - this.highest > 0x8000) ext -= 0x10000;
      else if (this.highest - ext > 0x8000) ext += 0x10000;
      if (ext > this.highest) this.highest = ext;
    }
    this.received++;
  }

  /** Loss since the previous take (0..1) and the counts behind it; resets the interval. */
  take(): { expected: number; received: number; lossRate: number } {
    if (this.highest === null || this.highestAtTake === null) return { expected: 0, received: 0, lossRate: 0 };
    const expected = this.highest - this.highestAtTake;
    const received = this.received;
    this.highestAtTake = this.highest;
    this.received = 0;
    const lossRate = expected > 0 ? Math.min(1, Math.max(0, (expected - received) / expected)) : 0;
    return { expected, received, lossRate };
  }
}
