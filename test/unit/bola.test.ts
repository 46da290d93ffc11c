import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bolaParameters, createBolaAbr } from '../../algorithms/abr/bola.ts';
import { arbCtx, LADDER_6, makeCtx } from '../helpers/abr-context.ts';

const pick = (bufferS: number, extra = {}) => createBolaAbr().choose(makeCtx({ bufferS, bufferMaxS: 30, segmentDurationS: 2, ...extra }));

describe('bola (BOLA-BASIC)', () => {
  it('derives V from the buffer capacity: the top rung is reached at Q_max - 1 segments', () => {
    const { v, utilities, topThresholdSegments } = bolaParameters(LADDER_6.map((r) => r.bitrateBps), 30, 2, 5);
    expect(utilities[0]).toBe(0);
    expect(utilities[5]).toBeCloseTo(Math.log(4300 / 300), 12);
    expect(topThresholdSegments).toBe(14);
    expect(v * (utilities[5] + 5)).toBeCloseTo(14, 9);
  });

  it('takes the lowest rung on a low buffer', () => {
    expect(pick(0).quality).toBe(0);
    expect(pick(2).quality).toBe(0);
  });

  it('takes the top rung on a full buffer, waiting until the buffer is back at its target', () => {
    const atTarget = pick(28); // 14 segments = Q_max - 1
    expect(atTarget.quality).toBe(5);
    expect(atTarget.delayMs ?? 0).toBe(0);
    const full = pick(30);
    expect(full.quality).toBe(5);
    expect(full.delayMs).toBeCloseTo(2000, 6); // one segment above the target
    expect(full.reason).toMatch(/wait 2\.0 s/);
  });

  it('never asks to wait below its target', () => {
    fc.assert(
      fc.property(arbCtx, (ctx) => {
        const { v, utilities } = bolaParameters(ctx.ladder.map((r) => r.bitrateBps), ctx.bufferMaxS, ctx.segmentDurationS);
        const targetS = v * (utilities[utilities.length - 1] + 5) * ctx.segmentDurationS;
        const d = createBolaAbr().choose(ctx);
        if (ctx.bufferS <= targetS) expect(d.delayMs ?? 0).toBe(0);
        else expect(d.delayMs).toBeCloseTo((ctx.bufferS - targetS) * 1000, 6);
      }),
    );
  });

  it('more buffer never gives a lower rung (the rule is a step function of the buffer)', () => {
    fc.assert(
      fc.property(arbCtx, fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), (ctx, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const abr = createBolaAbr();
        expect(abr.choose({ ...ctx, bufferS: hi }).quality).toBeGreaterThanOrEqual(abr.choose({ ...ctx, bufferS: lo }).quality);
      }),
    );
  });

  it('climbs through the ladder as the buffer fills', () => {
    const seen = new Set<number>();
    for (let b = 0; b <= 28; b += 0.25) seen.add(pick(b).quality);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
