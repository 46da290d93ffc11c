// A sliding-window bit rate: bytes seen in the last windowMs, divided by the window. Time is a parameter.

export class RateMeter {
  private readonly windowMs: number;
  private readonly samples: { tMs: number; bytes: number }[] = [];
  private head = 0;
  private bytesInWindow = 0;
  private firstMs: number | null = null;

  constructor(windowMs = 1000) {
    if (!(windowMs > 0)) throw new Error(`RateMeter window must be > 0 ms, got ${windowMs}`);
    this.windowMs = windowMs;
  }

  add(bytes: number, tMs: number): void {
    this.firstMs ??= tMs;
    this.samples.push({ tMs, bytes });
    this.bytesInWindow += bytes;
    this.expire(tMs);
  }

  /**
   * bit/s over the window ending at tMs. In the first window the divisor is the time since the first
   * byte (at least 100 ms), so a fresh stream is not under-reported by its own youth.
   */
  rateBps(tMs: number): number {
    this.expire(tMs);
    if (this.firstMs === null) return 0;
    const spanMs = Math.min(this.windowMs, Math.max(100, tMs - this.firstMs));
    return (this.bytesInWindow * 8000) / spanMs;
  }

  /** ms since the last byte, or Infinity. */
  idleMs(tMs: number): number {
    const last = this.samples[this.samples.length - 1];
    return last ? tMs - last.tMs : Infinity;
  }

  private expire(tMs: number): void {
    const from = tMs - this.windowMs;
    while (this.head < this.samples.length && this.samples[this.head].tMs <= from) {
      this.bytesInWindow -= this.samples[this.head].bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.samples.length) {
      this.samples.splice(0, this.head);
      this.head = 0;
    }
  }
}
