// TCP goodput model: Mathis, Semke, Mahdavi, Ott, "The Macroscopic Behavior of the TCP Congestion Avoidance
// Algorithm", CCR 1997: rate = (MSS / RTT) * C / sqrt(p), with C = sqrt(3/2) (periodic loss, no delayed ACKs).
//
// How to combine with the link: a bulk download gets min(link capacity, Mathis goodput). Over a time-varying
// link the loss rate and RTT change too, so the Mathis bound is a piecewise-constant timeline (MathisTimeline)
// and a transfer is integrated piece by piece: inside one piece [a, b) with goodput M, a transfer of R bits
// from t ends at max(capacity inverse(t, R), t + R / M) if that is before b, else it moves
// min(capacity bits in [t, b), M * (b - t)) and goes on at b with the rest. So a download that crosses a loss
// burst is slowed only while it is in it. Inside a piece the capacity counts by its integral, not its
// instant value: a packet-opportunity trace (Mahimahi: 1 ms steps of 0 or 12 Mbps) is smoothed by the
// bottleneck's queue, which a pointwise min(capacity, M) would ignore. With a constant capacity in the piece
// both are the same.

export const MATHIS_C = Math.sqrt(3 / 2);

/** Loss-limited steady-state goodput in bit/s; Infinity when there is no loss (then only capacity limits). */
export function mathisGoodputBps(mssBytes: number, rttMs: number, lossRate: number): number {
  if (!(lossRate > 0) || !(rttMs > 0)) return Infinity;
  return ((mssBytes * 8 * 1000) / rttMs) * (MATHIS_C / Math.sqrt(Math.min(1, lossRate)));
}

/** Goodput of a bulk TCP transfer over a link of capacityBps: the smaller of capacity and the Mathis bound. */
export function tcpGoodputBps(capacityBps: number, mssBytes: number, rttMs: number, lossRate: number): number {
  return Math.min(capacityBps, mathisGoodputBps(mssBytes, rttMs, lossRate));
}

/** The link's fluid view (LinkDirection has both). */
export interface FluidCapacity {
  deliverableBytes(t0Ms: number, t1Ms: number): number;
  timeToDeliverMs(t0Ms: number, bytes: number): number;
}

/**
 * Piecewise-constant Mathis goodput: piece i holds in [startMs[i], startMs[i + 1]), the last one forever;
 * times before startMs[0] read piece 0. goodputBps Infinity = no loss (capacity alone limits).
 */
export interface MathisTimeline {
  startMs: number[];
  goodputBps: number[];
}

export interface LossPiece {
  startMs: number;
  lossRate: number;
  /** The round trip the flow sees (Mathis' RTT). */
  rttMs: number;
}

/** Mathis goodput for each piece (sorted by startMs); neighbours of equal goodput are merged. */
export function mathisTimeline(pieces: LossPiece[], mssBytes: number): MathisTimeline {
  const startMs: number[] = [];
  const goodputBps: number[] = [];
  for (const p of pieces) {
    const g = mathisGoodputBps(mssBytes, Math.max(p.rttMs, 1), p.lossRate);
    const n = startMs.length;
    if (n > 0 && startMs[n - 1] === p.startMs) {
      goodputBps[n - 1] = g;
      if (n > 1 && goodputBps[n - 2] === g) {
        startMs.pop();
        goodputBps.pop();
      }
      continue;
    }
    if (n > 0 && goodputBps[n - 1] === g) continue;
    startMs.push(p.startMs);
    goodputBps.push(g);
  }
  if (startMs.length === 0) return { startMs: [0], goodputBps: [Infinity] };
  return { startMs, goodputBps };
}

function pieceIndexAt(tl: MathisTimeline, tMs: number): number {
  const s = tl.startMs;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid] <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** When a transfer of `bytes` whose first byte leaves at t0Ms ends (see the header); Infinity if never. */
export function tcpTransferEndMs(capacity: FluidCapacity, mathis: MathisTimeline, t0Ms: number, bytes: number): number {
  if (!(bytes > 0)) return t0Ms;
  const starts = mathis.startMs;
  const rates = mathis.goodputBps;
  let i = pieceIndexAt(mathis, t0Ms);
  let t = t0Ms;
  let restBytes = bytes;
  for (;;) {
    const endMs = i + 1 < starts.length ? starts[i + 1] : Infinity;
    const m = rates[i];
    const capacityEndMs = capacity.timeToDeliverMs(t, restBytes);
    const endHereMs = m === Infinity ? capacityEndMs : Math.max(capacityEndMs, t + (restBytes * 8000) / m);
    if (endHereMs <= endMs) return endHereMs;
    const capacityBytes = capacity.deliverableBytes(t, endMs);
    const moved = m === Infinity ? capacityBytes : Math.min(capacityBytes, (m * (endMs - t)) / 8000);
    // Float guard: the checks above say the rest does not fit in this piece.
    restBytes = Math.max(restBytes - moved, Number.MIN_VALUE);
    t = endMs;
    i++;
  }
}
