// Source: BBA-0, Huang et al., "A Buffer-Based Approach to Rate Adaptation: Evidence from a Large Video Streaming Service", SIGCOMM 2014.
//
// A rate map f(B): R_min while the buffer is in the reservoir, then linear over the cushion up to R_max.
// The next rate stays at the previous one unless f(B) crosses the next rung up (then: the highest rung
// below f(B)) or the next rung down (then: the lowest rung above f(B)), as in the paper's Algorithm 1.
//
// Sizes. The paper had a 240 s buffer: 90 s reservoir (37.5%), 126 s cushion, 24 s (10%) on top.
// A 30 s buffer scaled the same way would keep 11 s in the reservoir and leave a short, twitchy
// cushion, so we keep a smaller reservoir: 20% of the buffer but at least 2 segments (6 s of 30 s:
// two downloads of slack at R_min). The cushion ends below the highest buffer level the player ever
// reports when it asks for a segment (bufferMax - 1 segment, since it waits for room) with a margin
// of 10% of the buffer or half a segment, whichever is more: 30 s buffer, 2 s segments -> reservoir
// 6 s, cushion 6..25 s. Both are options.

import { formatRate, formatRung, formatSeconds } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory } from './types.ts';

export interface BbaOptions {
  reservoirS?: number;
  cushionS?: number;
}

export interface BbaZones {
  reservoirS: number;
  cushionS: number;
}

/** The default reservoir and cushion for a buffer capacity (see the header). */
export function bbaZones(bufferMaxS: number, segmentDurationS: number): BbaZones {
  let reservoirS = Math.max(0.2 * bufferMaxS, 2 * segmentDurationS);
  const topS = bufferMaxS - segmentDurationS - Math.max(0.1 * bufferMaxS, 0.5 * segmentDurationS);
  // A buffer too small for both zones: shrink the reservoir first, keep a cushion of at least a segment.
  if (topS - reservoirS < segmentDurationS) reservoirS = Math.max(0, topS - segmentDurationS);
  return { reservoirS, cushionS: Math.max(segmentDurationS, topS - reservoirS) };
}

/** f(B): the rate the map allows at buffer level B (bit/s). */
export function bbaRateMapBps(bufferS: number, zones: BbaZones, minBps: number, maxBps: number): number {
  if (bufferS <= zones.reservoirS) return minBps;
  if (bufferS >= zones.reservoirS + zones.cushionS) return maxBps;
  return minBps + ((maxBps - minBps) * (bufferS - zones.reservoirS)) / zones.cushionS;
}

export function createBbaAbr(opts: BbaOptions = {}): AbrAlgorithm {
  return {
    name: 'bba',
    choose(ctx: AbrContext): AbrDecision {
      const ladder = ctx.ladder;
      const top = ladder.length - 1;
      const defaults = bbaZones(ctx.bufferMaxS, ctx.segmentDurationS);
      const zones = { reservoirS: opts.reservoirS ?? defaults.reservoirS, cushionS: opts.cushionS ?? defaults.cushionS };
      const minBps = ladder[0].bitrateBps;
      const maxBps = ladder[top].bitrateBps;
      const b = ctx.bufferS;
      const buf = `buffer ${formatSeconds(b)}`;

      if (b <= zones.reservoirS) {
        return { quality: 0, reason: `${buf} <= reservoir ${formatSeconds(zones.reservoirS)}: R_min ${formatRung(ladder, 0)}` };
      }
      const cushionEndS = zones.reservoirS + zones.cushionS;
      if (b >= cushionEndS) {
        return { quality: top, reason: `${buf} >= reservoir + cushion ${formatSeconds(cushionEndS)}: R_max ${formatRung(ladder, top)}` };
      }
      const fBps = bbaRateMapBps(b, zones, minBps, maxBps);
      const prev = ctx.lastQuality ?? 0; // the paper starts at R_min
      const plusBps = ladder[Math.min(top, prev + 1)].bitrateBps;
      const minusBps = ladder[Math.max(0, prev - 1)].bitrateBps;
      const map = `${buf}: f(B) ${formatRate(fBps)}`;

      if (fBps >= plusBps && prev < top) {
        // Up: max{R_i : R_i < f(B)} (the paper's Algorithm 1; at least the previous rate).
        let q = prev;
        while (q + 1 <= top && ladder[q + 1].bitrateBps < fBps) q++;
        return { quality: q, reason: `${map} >= next rung up ${formatRate(plusBps)}: -> ${formatRung(ladder, q)}` };
      }
      if (fBps <= minusBps && prev > 0) {
        // Down: min{R_i : R_i > f(B)} (at most the previous rate).
        let q = prev;
        while (q - 1 >= 0 && ladder[q - 1].bitrateBps > fBps) q--;
        return { quality: q, reason: `${map} <= next rung down ${formatRate(minusBps)}: -> ${formatRung(ladder, q)}` };
      }
      return { quality: prev, reason: `${map} between neighbours of ${formatRung(ladder, prev)}: stay` };
    },
  };
}

export const bbaAbr: AbrFactory = {
  name: 'bba',
  source: 'Huang et al., "A Buffer-Based Approach to Rate Adaptation", SIGCOMM 2014 (BBA-0)',
  description: 'BBA-0: reservoir + cushion linear rate map from the buffer, stays until the map crosses a neighbour rung',
  create: () => createBbaAbr(),
};
