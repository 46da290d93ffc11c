import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeedDashAbr, seedDashBufferMultiplier, seedDashTargetBps } from '../../algorithms/abr/seed-dash.ts';
import { arbCtx, ladderOf, makeCtx } from '../helpers/abr-context.ts';

// Rungs just under 0.5 / 0.7 / 0.8 / 0.9 of 1 Mbps, so each buffer state picks its own rung.
const LADDER = ladderOf([400_000, 690_000, 790_000, 890_000]);
const MBPS = 1_000_000;

function pick(bufferS: number, network: { bandwidthBps?: number; lossRate?: number; jitterMs?: number }, opts = {}, lastQuality: number | null = null) {
  return createSeedDashAbr(opts).choose(makeCtx({ ladder: LADDER, bufferS, network, lastQuality }));
}

describe('seed-dash buffer states (REFERENCE-NOTES "ABR: seed-dash" step 3)', () => {
  it.each([
    [0, 0.5],
    [1.999, 0.5],
    [2, 0.7],
    [4.999, 0.7],
    [5, 0.8],
    [20, 0.8],
    [20.001, 0.9],
    [30, 0.9],
  ])('buffer %f s -> x%f', (bufferS, multiplier) => {
    expect(seedDashBufferMultiplier(bufferS).multiplier).toBe(multiplier);
  });

  it.each([
    [1.999, 0],
    [2, 1],
    [4.999, 1],
    [5, 2],
    [20, 2],
    [20.001, 3],
  ])('1 Mbps, buffer %f s -> rung %i', (bufferS, rung) => {
    expect(pick(bufferS, { bandwidthBps: MBPS }).quality).toBe(rung);
  });
});

describe('seed-dash loss and jitter', () => {
  it('takes the loss fraction off the bandwidth', () => {
    expect(seedDashTargetBps(MBPS, 0.1, 0, 10)).toBeCloseTo(MBPS * 0.9 * 0.8, 6);
    expect(pick(10, { bandwidthBps: MBPS, lossRate: 0.1 }).quality).toBe(1); // 720 kbps
  });

  it('penalises jitter only above 50 ms, by (jitter - 50)/1000', () => {
    expect(seedDashTargetBps(MBPS, 0, 50, 10)).toBe(MBPS * 0.8);
    expect(seedDashTargetBps(MBPS, 0, 51, 10)).toBeCloseTo(MBPS * 0.999 * 0.8, 6);
    expect(seedDashTargetBps(MBPS, 0, 150, 10)).toBeCloseTo(MBPS * 0.9 * 0.8, 6);
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 50 }).quality).toBe(2);
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 150 }).quality).toBe(1);
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 150 }).reason).toContain('jitter 150 ms > 50');
  });

  it('never lets a huge jitter make the target negative', () => {
    expect(seedDashTargetBps(MBPS, 0, 5000, 10)).toBe(0);
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 5000 }).quality).toBe(0);
  });

  it('uses the last download when the bandwidth is unknown, and the lowest rung with neither', () => {
    const ctx = makeCtx({ ladder: LADDER, bufferS: 10, throughputBps: [100_000, MBPS] });
    expect(createSeedDashAbr().choose(ctx).quality).toBe(2);
    const none = createSeedDashAbr().choose(makeCtx({ ladder: LADDER, bufferS: 10 }));
    expect(none.quality).toBe(0);
    expect(none.reason).toMatch(/no bandwidth/);
  });

  it('explains its steps in the reason', () => {
    const { reason } = pick(3.1, { bandwidthBps: 2.4e6 });
    expect(reason).toContain('buffer 3.1 s < 5 s (low): x0.7');
    expect(reason).toContain('target 1.68 Mbps');
  });
});

describe('seed-dash hysteresis (off by default)', () => {
  it('holds the current rung inside the margin, both ways', () => {
    // target 800 kbps: the plain rule goes up from rung 1 to rung 2 (790 kbps), a 10% margin stays.
    expect(pick(10, { bandwidthBps: MBPS }, {}, 1).quality).toBe(2);
    expect(pick(10, { bandwidthBps: MBPS }, { hysteresis: 0.1 }, 1).quality).toBe(1);
    // target 720 kbps: the plain rule goes down from rung 2 to rung 1, a 10% margin stays.
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 150 }, {}, 2).quality).toBe(1);
    expect(pick(10, { bandwidthBps: MBPS, jitterMs: 150 }, { hysteresis: 0.1 }, 2).quality).toBe(2);
  });

  it('still moves when the target leaves the margin', () => {
    expect(pick(10, { bandwidthBps: 2 * MBPS }, { hysteresis: 0.1 }, 0).quality).toBe(3);
    expect(pick(1, { bandwidthBps: MBPS }, { hysteresis: 0.1 }, 3).quality).toBe(0);
  });
});

describe('seed-dash properties', () => {
  it('more bandwidth never gives a lower rung, all else equal (with or without hysteresis)', () => {
    fc.assert(
      fc.property(
        arbCtx,
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        fc.constantFrom(0, 0.05, 0.2),
        (ctx, a, b, hysteresis) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const abr = createSeedDashAbr({ hysteresis });
          const qLo = abr.choose({ ...ctx, network: { ...ctx.network, bandwidthBps: lo } }).quality;
          const qHi = abr.choose({ ...ctx, network: { ...ctx.network, bandwidthBps: hi } }).quality;
          expect(qHi).toBeGreaterThanOrEqual(qLo);
        },
      ),
    );
  });

  it('picks the highest rung at or below the target, or the lowest (hysteresis off)', () => {
    fc.assert(
      fc.property(arbCtx, fc.double({ min: 0, max: 1e8, noNaN: true }), (ctx, bw) => {
        const c = { ...ctx, network: { ...ctx.network, bandwidthBps: bw } };
        const target = seedDashTargetBps(bw, c.network.lossRate ?? 0, c.network.jitterMs ?? 0, c.bufferS);
        const q = createSeedDashAbr().choose(c).quality;
        const fitting = c.ladder.map((r, i) => (r.bitrateBps <= target ? i : -1)).filter((i) => i >= 0);
        expect(q).toBe(fitting.length ? fitting[fitting.length - 1] : 0);
      }),
    );
  });
});
