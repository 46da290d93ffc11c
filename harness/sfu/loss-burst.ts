// Source: libwebrtc NackRequester (a receiver NACKs every packet missing since the last one it got) and RFC 4585 6.2.1 (Generic NACK).
//
// Why: after a downlink outage the subscriber's first NACK lists everything sent during it (a 1 s outage at 720p:
// ~300 packets). Retransmitted within the budget (retransmit-budget.ts) that backlog takes seconds, most of it is
// refused, the frames never complete, and Chrome asks for a keyframe only when its 3 s frame timeout fires: a
// 1 s outage froze the picture for 3.3 s. A NACK whose missing packets include a long unbroken run (a gap in what the
// subscriber received, not scattered loss) is answered with a keyframe request to the publisher at once.

/** When each RTP sequence number (16 bits) was last sent on one stream, ms; NaN when never. */
export class SendTimes {
  private readonly atMs = new Float64Array(65536).fill(Number.NaN);

  note(sequenceNumber: number, tMs: number): void {
    this.atMs[sequenceNumber & 0xffff] = tMs;
  }

  at(sequenceNumber: number): number | undefined {
    const t = this.atMs[sequenceNumber & 0xffff];
    return Number.isNaN(t) ? undefined : t;
  }
}

/**
 * The longest unbroken run of consecutive sequence numbers (mod 2^16) in a NACK's lost list, as the time between the
 * sends of its first and last packet (ms). Packets with no known send time do not extend a run's span. 0 when none.
 */
export function longestLossRunMs(lost: readonly number[], sentAtMs: (seq: number) => number | undefined): number {
  const seqs = [...new Set(lost.map((s) => s & 0xffff))].sort((a, b) => a - b);
  if (seqs.length === 0) return 0;
  // Runs in ascending order; a run wrapping 65535 -> 0 is joined below.
  const runs: number[][] = [];
  let run = [seqs[0]];
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] === seqs[i - 1] + 1) run.push(seqs[i]);
    else {
      runs.push(run);
      run = [seqs[i]];
    }
  }
  runs.push(run);
  if (runs.length > 1 && runs[0][0] === 0 && runs[runs.length - 1].at(-1) === 65535) runs[0] = [...runs.pop()!, ...runs[0]];
  let best = 0;
  for (const r of runs) {
    const times = r.map(sentAtMs).filter((t): t is number => t !== undefined);
    if (times.length < 2) continue;
    best = Math.max(best, Math.max(...times) - Math.min(...times));
  }
  return best;
}

/** Default: a gap of 250 ms of sent media (scattered or queue-overflow loss leaves runs of a few packets). */
export const KEYFRAME_GAP_MS = 250;

/** Does this NACK show a receive gap long enough that a keyframe beats retransmitting the backlog? */
export function nackWantsKeyframe(lost: readonly number[], sentAtMs: (seq: number) => number | undefined, gapMs = KEYFRAME_GAP_MS): boolean {
  return longestLossRunMs(lost, sentAtMs) >= gapMs;
}
