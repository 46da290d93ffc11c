// Source: libwebrtc AcknowledgedBitrateEstimator (the "received rate" R_hat of draft-ietf-rmcat-gcc-02 section 5.5),
// simplified to a sliding window over the receiver's arrival times.
//
// The rate the receiver acknowledged over the last 500 ms of arrivals: the AIMD controller decreases to
// 0.85 x this on overuse and never increases past 1.5 x this. Unknown (null) until a full window of
// arrivals has been seen, so a start-up trickle is not taken for the link's rate.

export class AckedBitrateEstimator {
  private readonly windowMs: number;
  private readonly arrivals: number[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private windowBytes = 0;
  private firstArrivalMs: number | null = null;
  private latestArrivalMs = -Infinity;

  constructor(windowMs = 500) {
    this.windowMs = windowMs;
  }

  add(arrivalTimeMs: number, bytes: number): void {
    if (this.firstArrivalMs === null) this.firstArrivalMs = arrivalTimeMs;
    this.arrivals.push(arrivalTimeMs);
    this.sizes.push(bytes);
    this.windowBytes += bytes;
    if (arrivalTimeMs > this.latestArrivalMs) this.latestArrivalMs = arrivalTimeMs;
    this.prune();
  }

  /** Bits per second over the last window of arrivals; null before one full window has passed. */
  bps(): number | null {
    if (this.firstArrivalMs === null || this.latestArrivalMs - this.firstArrivalMs < this.windowMs) return null;
    return (this.windowBytes * 8000) / this.windowMs;
  }

  private prune(): void {
    const from = this.latestArrivalMs - this.windowMs;
    // Arrivals are nearly sorted (reordering moves a packet by a few ms): drop from the front while old.
    while (this.head < this.arrivals.length && this.arrivals[this.head] <= from) {
      this.windowBytes -= this.sizes[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.arrivals.length) {
      this.arrivals.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
  }
}
