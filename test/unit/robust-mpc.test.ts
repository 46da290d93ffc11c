import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRobustMpcAbr, type MpcProblem, solveMpc } from '../../algorithms/abr/robust-mpc.ts';
import { LADDER_6, makeCtx, samplesAt } from '../helpers/abr-context.ts';

const MBPS = 1e6;

/** The plan's QoE, modelled again here from the paper's formula (not shared with the solver). */
function planValue(p: MpcProblem, plan: readonly number[]): number {
  const rungs = p.bitratesMbps.length;
  let buffer = p.bufferS;
  let total = 0;
  let prev = p.lastQuality;
  plan.forEach((q, k) => {
    buffer = Math.min(buffer, Math.max(0, p.bufferMaxS - p.segmentDurationS)); // waits for room
    const downloadS = p.sizesBits[k * rungs + q] / p.throughputBps;
    const rebufferS = Math.max(0, downloadS - buffer);
    buffer = Math.max(0, buffer - downloadS) + p.segmentDurationS;
    const change = prev === null ? 0 : Math.abs(p.bitratesMbps[q] - p.bitratesMbps[prev]);
    total += p.bitratesMbps[q] - p.rebufferPenalty * rebufferS - p.smoothnessPenalty * change;
    prev = q;
  });
  return total;
}

/** Every plan, materialised: rungs^horizon of them. */
function allPlans(rungs: number, horizon: number): number[][] {
  let plans: number[][] = [[]];
  for (let k = 0; k < horizon; k++) plans = plans.flatMap((p) => Array.from({ length: rungs }, (_, q) => [...p, q]));
  return plans;
}

const arbProblem: fc.Arbitrary<MpcProblem> = fc
  .record({
    bitrates: fc.uniqueArray(fc.integer({ min: 100, max: 8000 }), { minLength: 1, maxLength: 5 }),
    horizon: fc.integer({ min: 1, max: 4 }),
    bufferS: fc.double({ min: 0, max: 30, noNaN: true }),
    bufferMaxS: fc.constantFrom(10, 30),
    segmentDurationS: fc.constantFrom(1, 2, 4),
    throughputKbps: fc.double({ min: 50, max: 20_000, noNaN: true }),
    vbr: fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 20, maxLength: 20 }),
    last: fc.option(fc.nat()),
    rebufferPenalty: fc.constantFrom(4.3, 1, 10),
  })
  .map((r) => {
    const kbps = [...r.bitrates].sort((a, b) => a - b);
    const sizesBits: number[] = [];
    for (let k = 0; k < r.horizon; k++) for (let q = 0; q < kbps.length; q++) sizesBits.push(kbps[q] * 1000 * r.segmentDurationS * r.vbr[(k * 5 + q) % 20]);
    return {
      bufferS: r.bufferS,
      bufferMaxS: r.bufferMaxS,
      segmentDurationS: r.segmentDurationS,
      throughputBps: r.throughputKbps * 1000,
      bitratesMbps: kbps.map((k) => k / 1000),
      sizesBits,
      horizon: r.horizon,
      lastQuality: r.last === null ? null : r.last % kbps.length,
      rebufferPenalty: r.rebufferPenalty,
      smoothnessPenalty: 1,
    };
  });

describe('solveMpc', () => {
  it('finds the same best QoE as brute-force enumeration of every plan (property)', () => {
    fc.assert(
      fc.property(arbProblem, (p) => {
        const result = solveMpc(p);
        const scored = allPlans(p.bitratesMbps.length, p.horizon).map((plan) => ({ plan, value: planValue(p, plan) }));
        const bestValue = Math.max(...scored.map((s) => s.value));
        const tol = 1e-9 * (1 + Math.abs(bestValue));
        expect(result.plan).toHaveLength(p.horizon);
        expect(Math.abs(result.value - bestValue)).toBeLessThanOrEqual(tol);
        expect(Math.abs(planValue(p, result.plan) - bestValue)).toBeLessThanOrEqual(tol);
        // Where the best plan is unique, it is that plan.
        const best = scored.filter((s) => s.value >= bestValue - tol);
        if (best.length === 1) expect(result.plan).toEqual(best[0].plan);
      }),
      { numRuns: 400 },
    );
  });

  it('visits at most R + R^2 + ... + R^5 nodes (9,330 for 6 rungs)', () => {
    const p: MpcProblem = {
      bufferS: 8,
      bufferMaxS: 30,
      segmentDurationS: 2,
      throughputBps: 2 * MBPS,
      bitratesMbps: LADDER_6.map((r) => r.bitrateBps / MBPS),
      sizesBits: Array.from({ length: 30 }, (_, i) => LADDER_6[i % 6].bitrateBps * 2),
      horizon: 5,
      lastQuality: 2,
      rebufferPenalty: 4.3,
      smoothnessPenalty: 1,
    };
    const { nodes } = solveMpc(p);
    expect(nodes).toBeGreaterThan(0);
    expect(nodes).toBeLessThanOrEqual(9330);
  });
});

describe('robust-mpc', () => {
  it('starts at the lowest rung before any download', () => {
    const d = createRobustMpcAbr().choose(makeCtx({ bufferS: 0, throughputBps: [] }));
    expect(d.quality).toBe(0);
  });

  it('chooses the top rung when throughput is far above the ladder', () => {
    for (const lastQuality of [null, 0, 3, 5]) {
      const d = createRobustMpcAbr().choose(makeCtx({ bufferS: 10, lastQuality, throughputBps: Array(5).fill(100 * MBPS) }));
      expect(d.quality).toBe(5);
    }
  });

  it('chooses the bottom rung when throughput is below the lowest rung', () => {
    for (const lastQuality of [null, 0, 3, 5]) {
      const d = createRobustMpcAbr().choose(makeCtx({ bufferS: 4, lastQuality, throughputBps: Array(5).fill(0.1 * MBPS) }));
      expect(d.quality).toBe(0);
    }
  });

  it('shortens the horizon at the end of the video', () => {
    const d = createRobustMpcAbr().choose(makeCtx({ segmentIndex: 298, segmentCount: 300, throughputBps: [2 * MBPS] }));
    expect(d.reason).toMatch(/over 2 segments/);
    const full = createRobustMpcAbr().choose(makeCtx({ segmentIndex: 100, segmentCount: 300, throughputBps: [2 * MBPS] }));
    expect(full.reason).toMatch(/over 5 segments/);
  });

  it('divides the harmonic mean by 1 + the largest recent prediction error', () => {
    const abr = createRobustMpcAbr();
    const five = samplesAt(Array(5).fill(2 * MBPS));
    expect(abr.choose(makeCtx({ history: five })).reason).toMatch(/max err 0\.00/);
    // It predicted 2 Mbps; the next download made 1 Mbps: relative error |2 - 1| / 1 = 1.
    const six = [...five, { tMs: 99_000, bytes: 250_000, durationMs: 2000, bps: 1 * MBPS }];
    const d = abr.choose(makeCtx({ history: six }));
    expect(d.reason).toMatch(/max err 1\.00/);
    // Harmonic mean of 2,2,2,2,1 = 5 / 3 Mbps; / 2 = 0.83 Mbps.
    expect(d.reason).toMatch(/est 833 kbps/);
    // Asked again without a new download, the error is not counted twice.
    expect(abr.choose(makeCtx({ history: six })).reason).toMatch(/max err 1\.00/);
  });

  it('uses the real (VBR) sizes: a segment ahead that is huge at a rung steers away from it', () => {
    // 2.2 Mbps of throughput, 4 s of buffer: CBR would take rung 3 (1.85 Mbps).
    const cbr = createRobustMpcAbr().choose(makeCtx({ bufferS: 4, lastQuality: 3, throughputBps: Array(5).fill(2.2 * MBPS) }));
    const heavy = createRobustMpcAbr().choose(
      makeCtx({ bufferS: 4, lastQuality: 3, throughputBps: Array(5).fill(2.2 * MBPS), vbr: (i, q) => (q >= 3 && i === 10 ? 4 : 1) }),
    );
    expect(heavy.quality).toBeLessThan(cbr.quality);
  });
});
