// Source: libwebrtc RTPSender::ReSendPacket (a packet is retransmitted at most once per RTT) and its pacer (retransmissions are paced within the target rate).
//
// werift answers every NACK at once from its send cache. On a congested downlink that feeds itself:
// the queue drops packets, the subscriber NACKs them (again every round trip while they stay missing),
// the retransmissions overflow the queue further. The budget keeps retransmissions to what the
// link can take: one per packet per minIntervalMs, at most maxPerPacket times, and all of them within
// a share of the downlink estimate (a token bucket).

export interface RetransmitBudgetOptions {
  /** Share of the estimate retransmissions may use. Default 0.25. */
  shareOfEstimate?: number;
  /** The bucket holds this much time at that rate. Default 200 ms. */
  burstMs?: number;
  /** The same packet again only after this long. Default 100 ms. */
  minIntervalMs?: number;
  /** A packet is retransmitted at most this many times. Default 3. */
  maxPerPacket?: number;
}

export class RetransmitBudget {
  private readonly share: number;
  private readonly burstMs: number;
  private readonly minIntervalMs: number;
  private readonly maxPerPacket: number;
  private tokensBytes = 0;
  private lastMs: number | null = null;
  private readonly history = new Map<number, { lastMs: number; count: number }>();
  allowed = 0;
  refused = 0;

  constructor(opts: RetransmitBudgetOptions = {}) {
    this.share = opts.shareOfEstimate ?? 0.25;
    this.burstMs = opts.burstMs ?? 200;
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.maxPerPacket = opts.maxPerPacket ?? 3;
  }

  /** May packet `seq` (RTP sequence number) of `bytes` go again now, with the downlink estimate at estimateBps? */
  allow(seq: number, bytes: number, nowMs: number, estimateBps: number): boolean {
    const rateBytesPerMs = (Math.max(0, estimateBps) * this.share) / 8000;
    const capBytes = rateBytesPerMs * this.burstMs;
    if (this.lastMs === null) this.tokensBytes = capBytes;
    else this.tokensBytes = Math.min(capBytes, this.tokensBytes + rateBytesPerMs * Math.max(0, nowMs - this.lastMs));
    this.lastMs = nowMs;
    const h = this.history.get(seq);
    if (h && (nowMs - h.lastMs < this.minIntervalMs || h.count >= this.maxPerPacket)) {
      this.refused++;
      return false;
    }
    if (this.tokensBytes < bytes) {
      this.refused++;
      return false;
    }
    this.tokensBytes -= bytes;
    this.history.set(seq, { lastMs: nowMs, count: (h?.count ?? 0) + 1 });
    if (this.history.size > 4096) {
      for (const [k, v] of this.history) if (nowMs - v.lastMs > 5000) this.history.delete(k);
    }
    this.allowed++;
    return true;
  }
}

/**
 * Puts the budget between werift's NACK handler and its send cache: werift reads the cache only to
 * retransmit (writes happen when it sends), so a refused read is a retransmission not sent.
 * `sender` is werift's RTCRtpSender (its cache is a private array).
 */
export function limitRetransmissions(sender: object, budget: RetransmitBudget, now: () => number, estimateBps: () => number): void {
  const s = sender as { rtpCache?: unknown[] };
  if (!Array.isArray(s.rtpCache)) return; // another werift layout: leave it alone
  s.rtpCache = new Proxy(s.rtpCache, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || !/^\d+$/.test(key) || value === undefined) return value;
      const p = value as { header?: { sequenceNumber?: number }; payload?: { length: number } };
      const seq = p.header?.sequenceNumber;
      if (typeof seq !== 'number') return value;
      return budget.allow(seq, 12 + (p.payload?.length ?? 0), now(), estimateBps()) ? value : undefined;
    },
  });
}
