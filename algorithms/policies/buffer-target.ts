// Source: REFERENCE-NOTES.md, "Related server policies" (player buffer target).
//
// 10 s; 20 s below 1 Mbps, 15 s below 3 Mbps; then +5 s if jitter > 100 ms, +2 s if jitter > 50 ms.
// Reading: the jitter additions are one else-if chain (jitter of 120 ms adds 5 s, not 7 s), the way
// such a rule is usually written; the bandwidth step is chosen first.

export interface BufferTarget {
  targetS: number;
  reason: string;
}

export function bufferTargetS(bandwidthKbps: number, jitterMs: number): BufferTarget {
  const [base, why] = bandwidthKbps < 1000 ? [20, '< 1 Mbps: 20 s'] : bandwidthKbps < 3000 ? [15, '< 3 Mbps: 15 s'] : [10, '>= 3 Mbps: 10 s'];
  const [extra, jitterWhy] = jitterMs > 100 ? [5, '; jitter > 100 ms: +5 s'] : jitterMs > 50 ? [2, '; jitter > 50 ms: +2 s'] : [0, ''];
  return { targetS: base + extra, reason: `${Math.round(bandwidthKbps)} kbps ${why}${jitterWhy}` };
}
