// TCP goodput model: Mathis, Semke, Mahdavi, Ott, "The Macroscopic Behavior of the TCP Congestion Avoidance
// Algorithm", CCR 1997: rate = (MSS / RTT) * C / sqrt(p), with C = sqrt(3/2) (periodic loss, no delayed ACKs).
//
// How to combine with the link: a bulk download gets min(link capacity, Mathis goodput). For a byte
// stream over a time-varying link (simulator, TCP relay), the transfer of B bytes starting at t0 ends at
//   max(link.timeToDeliverMs(t0, B), t0 + B * 8000 / mathisGoodputBps(mss, rtt, lossRate))
// i.e. the capacity integral bounds it, and the loss-limited window bounds its average rate.

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

/** When a B-byte transfer starting at t0Ms ends, given the link's fluid inverse (see the header). */
export function tcpTransferEndMs(
  timeToDeliverMs: (t0Ms: number, bytes: number) => number,
  t0Ms: number,
  bytes: number,
  mssBytes: number,
  rttMs: number,
  lossRate: number,
): number {
  const capacityEndMs = timeToDeliverMs(t0Ms, bytes);
  const goodputBps = mathisGoodputBps(mssBytes, rttMs, lossRate);
  return Math.max(capacityEndMs, t0Ms + (bytes * 8000) / goodputBps);
}
