import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeedNetflixAbr, SEED_NETFLIX_LADDER, seedNetflixMultiplier } from '../../algorithms/abr/seed-netflix.ts';
import { arbCtx, makeCtx, samplesAt } from '../helpers/abr-context.ts';

const MBPS = 1_000_000;
// The notes' ladder: 500 kbps, 1.5, 4 and 8 Mbps.
const pick = (bufferS: number, throughputBps: number[]) =>
  createSeedNetflixAbr().choose(makeCtx({ ladder: SEED_NETFLIX_LADDER, bufferS, bufferMaxS: 60, throughputBps }));

describe('seed-netflix (REFERENCE-NOTES "ABR: seed-netflix")', () => {
  it('exports the notes default ladder', () => {
    expect(SEED_NETFLIX_LADDER.map((r) => [r.bitrateBps, r.height])).toEqual([
      [500_000, 360],
      [1_500_000, 720],
      [4_000_000, 1080],
      [8_000_000, 2160],
    ]);
  });

  it.each([
    [0, null],
    [1.999, null],
    [2, 0.7],
    [4.999, 0.7],
    [5, 0.9],
    [30, 0.9],
    [30.001, 1.2],
  ])('buffer %f s -> multiplier %s', (bufferS, m) => {
    expect(seedNetflixMultiplier(bufferS).multiplier).toBe(m);
  });

  it('panics below 2 s and starts at the lowest rung without samples', () => {
    expect(pick(1.999, [100 * MBPS]).quality).toBe(0);
    expect(pick(1.999, [100 * MBPS]).reason).toContain('panic');
    expect(pick(10, []).quality).toBe(0);
  });

  it('applies 0.7 / 0.9 / 1.2 to the 10th percentile at the buffer boundaries', () => {
    // Safe = 5 Mbps: 0.7 x 5 = 3.5 -> 1.5 Mbps; 0.9 x 5 = 4.5 -> 4 Mbps. Safe = 7 Mbps: 1.2 x 7 = 8.4 -> 8 Mbps.
    expect(pick(2, [5 * MBPS]).quality).toBe(1);
    expect(pick(4.999, [5 * MBPS]).quality).toBe(1);
    expect(pick(5, [5 * MBPS]).quality).toBe(2);
    expect(pick(30, [7 * MBPS]).quality).toBe(2); // 0.9 x 7 = 6.3
    expect(pick(30.001, [7 * MBPS]).quality).toBe(3);
  });

  it('uses the nearest-rank 10th percentile of the last 10 samples only', () => {
    // n = 10: index ceil(1) - 1 = 0, the smallest of the last ten. An older, tiny sample is ignored.
    const ten = [9, 8, 7, 6, 5, 6, 7, 8, 9, 10].map((m) => m * MBPS);
    expect(pick(10, [0.1 * MBPS, ...ten]).reason).toContain('safe 5.0 Mbps (p10 of 10)');
    // n = 11 would pick index 1; only 10 are kept, so the 0.1 Mbps one is out: 0.9 x 5 = 4.5 -> 4 Mbps.
    expect(pick(10, [0.1 * MBPS, ...ten]).quality).toBe(2);
    // n = 3: index ceil(0.3) - 1 = 0.
    expect(pick(10, [3 * MBPS, 2 * MBPS, 9 * MBPS]).reason).toContain('safe 2.0 Mbps (p10 of 3)');
  });

  it('more throughput never gives a lower rung, all else equal', () => {
    fc.assert(
      fc.property(arbCtx, fc.double({ min: 1, max: 50, noNaN: true }), (ctx, factor) => {
        const abr = createSeedNetflixAbr();
        const base = ctx.throughputHistory.map((s) => s.bps);
        const q1 = abr.choose({ ...ctx, throughputHistory: samplesAt(base) }).quality;
        const q2 = abr.choose({ ...ctx, throughputHistory: samplesAt(base.map((b) => b * factor)) }).quality;
        expect(q2).toBeGreaterThanOrEqual(q1);
      }),
    );
  });

  it('more buffer never gives a lower rung between panic and the top band, all else equal', () => {
    fc.assert(
      fc.property(arbCtx, fc.double({ min: 0, max: 60, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), (ctx, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const abr = createSeedNetflixAbr();
        expect(abr.choose({ ...ctx, bufferS: hi }).quality).toBeGreaterThanOrEqual(abr.choose({ ...ctx, bufferS: lo }).quality);
      }),
    );
  });
});
