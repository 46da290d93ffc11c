import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bbaRateMapBps, bbaZones, createBbaAbr } from '../../algorithms/abr/bba.ts';
import { arbCtx, LADDER_6, makeCtx } from '../helpers/abr-context.ts';

// LADDER_6: 300, 750, 1200, 1850, 2850, 4300 kbps. Default zones for 30 s / 2 s: reservoir 6 s, cushion 19 s.
const pick = (bufferS: number, lastQuality: number | null) => createBbaAbr().choose(makeCtx({ bufferS, lastQuality }));

describe('bba (BBA-0)', () => {
  it('sizes the reservoir and cushion for a 30 s buffer', () => {
    expect(bbaZones(30, 2)).toEqual({ reservoirS: 6, cushionS: 19 });
    // The cushion ends where the player still asks for segments (bufferMax - 1 segment).
    for (const [max, seg] of [[30, 2], [30, 4], [30, 6], [10, 2], [60, 4], [4, 2]]) {
      const z = bbaZones(max, seg);
      expect(z.reservoirS).toBeGreaterThanOrEqual(0);
      expect(z.cushionS).toBeGreaterThan(0);
      if (max >= 10) expect(z.reservoirS + z.cushionS).toBeLessThan(max - seg);
    }
  });

  it('holds R_min in the reservoir and R_max past the cushion, whatever came before', () => {
    for (const last of [null, 0, 3, 5]) {
      expect(pick(0, last).quality).toBe(0);
      expect(pick(6, last).quality).toBe(0);
      expect(pick(25, last).quality).toBe(5);
      expect(pick(28, last).quality).toBe(5);
    }
  });

  it('maps the cushion linearly from R_min to R_max', () => {
    const z = { reservoirS: 6, cushionS: 19 };
    expect(bbaRateMapBps(6 + 9.5, z, 300_000, 4_300_000)).toBeCloseTo(2_300_000, 6);
  });

  it('stays at the previous rate until the map crosses a neighbouring rung', () => {
    // f(15.5 s) = 2.3 Mbps: between 1.85 (rung 3) and 2.85 (rung 4).
    expect(pick(15.5, 3).quality).toBe(3); // Rate+ = 2.85 not reached, Rate- = 1.2 not reached
    expect(pick(15.5, 4).quality).toBe(4); // Rate- = 1.85 < 2.3: stay
    // From rung 1 (0.75): Rate+ = 1.2 <= 2.3: up to max{R < 2.3} = 1.85 (rung 3).
    expect(pick(15.5, 1).quality).toBe(3);
    // From rung 5 (4.3): Rate- = 2.85 >= 2.3: down to min{R > 2.3} = 2.85 (rung 4).
    expect(pick(15.5, 5).quality).toBe(4);
  });

  it('more buffer never gives a lower rate map, nor a lower decision from the same previous rung', () => {
    fc.assert(
      fc.property(arbCtx, fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), (ctx, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const z = bbaZones(ctx.bufferMaxS, ctx.segmentDurationS);
        const min = ctx.ladder[0].bitrateBps;
        const max = ctx.ladder[ctx.ladder.length - 1].bitrateBps;
        expect(bbaRateMapBps(hi, z, min, max)).toBeGreaterThanOrEqual(bbaRateMapBps(lo, z, min, max));
        const abr = createBbaAbr();
        expect(abr.choose({ ...ctx, bufferS: hi }).quality).toBeGreaterThanOrEqual(abr.choose({ ...ctx, bufferS: lo }).quality);
      }),
    );
  });

  it('moves at most to the rung next to the map (never past f(B) going up, never below it going down)', () => {
    fc.assert(
      fc.property(arbCtx, (ctx) => {
        const z = bbaZones(ctx.bufferMaxS, ctx.segmentDurationS);
        const f = bbaRateMapBps(ctx.bufferS, z, ctx.ladder[0].bitrateBps, ctx.ladder[ctx.ladder.length - 1].bitrateBps);
        const inCushion = ctx.bufferS > z.reservoirS && ctx.bufferS < z.reservoirS + z.cushionS;
        const q = createBbaAbr().choose(ctx).quality;
        const prev = ctx.lastQuality ?? 0;
        if (inCushion && q > prev) expect(ctx.ladder[q].bitrateBps).toBeLessThan(f);
        if (inCushion && q < prev) expect(ctx.ladder[q].bitrateBps).toBeGreaterThan(f);
      }),
    );
  });

  it('uses LADDER_6 as documented', () => {
    expect(LADDER_6.map((r) => r.bitrateBps / 1000)).toEqual([300, 750, 1200, 1850, 2850, 4300]);
  });
});
