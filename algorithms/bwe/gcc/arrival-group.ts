// Source: draft-ietf-rmcat-gcc-02 section 5.2 (pre-filtering into 5 ms burst groups) and libwebrtc's InterArrival.
//
// Packets sent within 5 ms of a group's first packet form one group (a frame paced out in a burst).
// A packet that arrives within 5 ms of the previous one while having gained on the sender's spacing
// (negative propagation delta) joins the current group too: it was held behind the group by a
// channel burst (WiFi aggregation), not by a queue. When a group is complete, the delay variation
// between it and the previous group is d = arrival delta - send delta: > 0 means a queue grew.

export interface GroupDelta {
  /** Send-time difference between the last packets of two consecutive groups. */
  sendDeltaMs: number;
  /** Arrival-time difference between the last packets of the two groups. */
  arrivalDeltaMs: number;
  /** arrivalDeltaMs - sendDeltaMs: the inter-group delay variation d(i) of the draft. */
  delayVariationMs: number;
  /** Arrival of the newer group's last packet (receiver clock). */
  arrivalTimeMs: number;
  /** Bytes of the newer group minus bytes of the older one. */
  sizeDeltaBytes: number;
}

export interface ArrivalGroupOptions {
  /** Packets sent within this of the group's first one belong to it (draft: burst_time 5 ms). */
  groupLengthMs?: number;
  /** A packet arriving within this of the group's last arrival may join it as part of a burst. */
  burstDeltaMs?: number;
  /** A burst group never spans more than this in arrival time. */
  maxBurstDurationMs?: number;
}

interface Group {
  firstSendMs: number;
  lastSendMs: number;
  firstArrivalMs: number;
  lastArrivalMs: number;
  bytes: number;
}

export class ArrivalGroupAccumulator {
  private readonly groupLengthMs: number;
  private readonly burstDeltaMs: number;
  private readonly maxBurstDurationMs: number;
  private current: Group | null = null;
  private previous: Group | null = null;

  constructor(opts: ArrivalGroupOptions = {}) {
    this.groupLengthMs = opts.groupLengthMs ?? 5;
    this.burstDeltaMs = opts.burstDeltaMs ?? 5;
    this.maxBurstDurationMs = opts.maxBurstDurationMs ?? 100;
  }

  /**
   * Feed one received packet, in send order. Returns the delta between the two last complete groups
   * when this packet starts a new group, else null. Packets sent before the current group are ignored
   * (reordered on the wire): they belong to a group already measured.
   */
  add(sendTimeMs: number, arrivalTimeMs: number, bytes: number): GroupDelta | null {
    const cur = this.current;
    if (cur === null) {
      this.current = newGroup(sendTimeMs, arrivalTimeMs, bytes);
      return null;
    }
    if (sendTimeMs < cur.firstSendMs) return null;
    if (!this.startsNewGroup(cur, sendTimeMs, arrivalTimeMs)) {
      cur.lastSendMs = Math.max(cur.lastSendMs, sendTimeMs);
      cur.lastArrivalMs = Math.max(cur.lastArrivalMs, arrivalTimeMs);
      cur.bytes += bytes;
      return null;
    }
    const prev = this.previous;
    this.previous = cur;
    this.current = newGroup(sendTimeMs, arrivalTimeMs, bytes);
    if (prev === null) return null;
    const sendDeltaMs = cur.lastSendMs - prev.lastSendMs;
    const arrivalDeltaMs = cur.lastArrivalMs - prev.lastArrivalMs;
    // A group that arrived before its predecessor was reordered as a whole: its delta says nothing.
    if (arrivalDeltaMs < 0) return null;
    return {
      sendDeltaMs,
      arrivalDeltaMs,
      delayVariationMs: arrivalDeltaMs - sendDeltaMs,
      arrivalTimeMs: cur.lastArrivalMs,
      sizeDeltaBytes: cur.bytes - prev.bytes,
    };
  }

  private startsNewGroup(cur: Group, sendTimeMs: number, arrivalTimeMs: number): boolean {
    if (this.belongsToBurst(cur, sendTimeMs, arrivalTimeMs)) return false;
    return sendTimeMs - cur.firstSendMs > this.groupLengthMs;
  }

  private belongsToBurst(cur: Group, sendTimeMs: number, arrivalTimeMs: number): boolean {
    const sendDeltaMs = sendTimeMs - cur.lastSendMs;
    if (sendDeltaMs === 0) return true;
    const arrivalDeltaMs = arrivalTimeMs - cur.lastArrivalMs;
    const propagationDeltaMs = arrivalDeltaMs - sendDeltaMs;
    return (
      propagationDeltaMs < 0 &&
      arrivalDeltaMs <= this.burstDeltaMs &&
      arrivalTimeMs - cur.firstArrivalMs < this.maxBurstDurationMs
    );
  }
}

function newGroup(sendTimeMs: number, arrivalTimeMs: number, bytes: number): Group {
  return { firstSendMs: sendTimeMs, lastSendMs: sendTimeMs, firstArrivalMs: arrivalTimeMs, lastArrivalMs: arrivalTimeMs, bytes };
}
