// Source: libwebrtc PacingController padding (modules/pacing/pacing_controller.cc): padding fills what media leaves of the target rate.
//
// The SFU pads in ticks (every 20 ms), not packet by packet: each tick earns the target rate's bytes for
// the time since the last one, minus the media sent meanwhile; the padding sent spends the credit.
// Padding is paid for once, from the credit: counting it as "sent" too halved it (a probe at 1.2 Mbps
// over 480 kbps of media went out at 830 kbps, and gcc, which takes min(send, receive) of a probe,
// learnt only 70% of each step). Credit is capped both ways so a burst after a stall, or a keyframe,
// does not shape the next probe. Pure: time and byte counts are parameters.

export interface ProbePacerOptions {
  /** Most credit carried from one tick to the next (bytes): unspent credit must not pile up into a burst. */
  maxCreditBytes: number;
  /** Longest gap a tick may earn for (ms): the first tick after a long stall earns no more. */
  maxTickGapMs?: number;
  /** Gap earned by the first tick of a probe (ms). */
  tickMs: number;
}

export class ProbePacer {
  private readonly maxCreditBytes: number;
  private readonly maxTickGapMs: number;
  private readonly tickMs: number;
  private creditBytes = 0;
  private mediaBytesSinceTick = 0;
  private lastTickMs: number | null = null;

  constructor(opts: ProbePacerOptions) {
    this.maxCreditBytes = opts.maxCreditBytes;
    this.maxTickGapMs = opts.maxTickGapMs ?? 100;
    this.tickMs = opts.tickMs;
  }

  /** Media sent (not padding). */
  onMedia(bytes: number): void {
    this.mediaBytesSinceTick += bytes;
  }

  /**
   * A tick at nowMs with the target rate (0: not probing). Returns the padding credit in bytes: send
   * padding packets while it is > 0 and report each with spend().
   */
  tick(nowMs: number, targetBps: number): number {
    if (!(targetBps > 0)) {
      // Start the next probe afresh: what was sent while not probing must not eat its credit.
      this.creditBytes = 0;
      this.mediaBytesSinceTick = 0;
      this.lastTickMs = nowMs;
      return 0;
    }
    const dtMs = this.lastTickMs === null ? this.tickMs : Math.max(0, Math.min(this.maxTickGapMs, nowMs - this.lastTickMs));
    this.lastTickMs = nowMs;
    const earned = (targetBps * dtMs) / 8000 - this.mediaBytesSinceTick;
    this.mediaBytesSinceTick = 0;
    // The cap bounds what is carried over, not this tick's own earning: a late tick (28 ms at 2.8 Mbps is
    // 9.8 kB) must still pay its whole share; maxTickGapMs bounds that share.
    this.creditBytes = Math.max(-this.maxCreditBytes, Math.min(this.maxCreditBytes, this.creditBytes) + earned);
    return this.creditBytes;
  }

  /** A padding packet of this many bytes went out; returns the credit left. */
  spend(bytes: number): number {
    this.creditBytes -= bytes;
    return this.creditBytes;
  }
}
