// BWE simulator and scores: bytes are conserved, nothing beats the link's capacity, scores stay in range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gccBwe } from '../../algorithms/bwe/gcc/gcc.ts';
import { seedSmoothBwe } from '../../algorithms/bwe/seed-smooth.ts';
import { bweMetrics } from '../../harness/bwe-sim/run-bwe.ts';
import { linearPercentile, lossRate, mmsysNetworkScore, p95QueueDelayMs } from '../../harness/bwe-sim/scores.ts';
import { packetizeFrame } from '../../harness/bwe-sim/sender.ts';
import { simulateBwe } from '../../harness/bwe-sim/simulate.ts';
import type { BwePacketRecord } from '../../harness/bwe-sim/types.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const arbRecords = fc
  .array(
    fc.record({
      gapMs: fc.double({ min: 0, max: 20, noNaN: true }),
      delayMs: fc.option(fc.double({ min: 0, max: 2000, noNaN: true }), { nil: null }),
      queueMs: fc.double({ min: 0, max: 500, noNaN: true }),
      bytes: fc.integer({ min: 1, max: 1500 }),
      probe: fc.boolean(),
    }),
    { maxLength: 300 },
  )
  .map((rs) => {
    let t = 0;
    return rs.map((r, i): BwePacketRecord => {
      t += r.gapMs;
      return {
        sequence: i,
        sendMs: t,
        bytes: r.bytes,
        arrivalMs: r.delayMs === null ? null : t + r.delayMs,
        queueDelayMs: r.delayMs === null ? null : Math.min(r.queueMs, r.delayMs),
        probe: r.probe,
      };
    });
  });

describe('scores', () => {
  it('the MMSys network score is within [0, 70], its parts within [0, 1]', () => {
    fc.assert(
      fc.property(arbRecords, fc.double({ min: 1, max: 1e8, noNaN: true }), (records, ground) => {
        const s = mmsysNetworkScore(records, ground);
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(70 + 1e-9);
        for (const v of [s.delayScore, s.recvRateScore, s.lossRate]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('loss rate is the dropped fraction; p95 queueing delay lies within the delivered packets\' delays', () => {
    fc.assert(
      fc.property(arbRecords, (records) => {
        const dropped = records.filter((r) => r.arrivalMs === null).length;
        expect(lossRate(records)).toBe(records.length ? dropped / records.length : 0);
        const q = records.flatMap((r) => (r.queueDelayMs === null ? [] : [r.queueDelayMs]));
        const p95 = p95QueueDelayMs(records);
        if (q.length === 0) expect(p95).toBe(0);
        else expect(q).toContain(p95);
      }),
    );
  });

  it('linear percentile: between min and max, non-decreasing in p, exact at 0 and 100', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (xs, p, q) => {
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        // + 0 turns -0 into 0: Math.min(0, -0) is -0 while the sorted array may hold 0 first (equal values).
        expect(linearPercentile(xs, 0) + 0).toBe(lo + 0);
        expect(linearPercentile(xs, 100) + 0).toBe(hi + 0);
        const a = linearPercentile(xs, Math.min(p, q));
        const b = linearPercentile(xs, Math.max(p, q));
        expect(a).toBeLessThanOrEqual(b + 1e-9 * Math.max(1, Math.abs(b)));
        expect(a).toBeGreaterThanOrEqual(lo - 1e-9 * Math.max(1, Math.abs(lo)));
      }),
    );
    expect(linearPercentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12); // numpy.percentile([1,2,3,4], 95)
  });

  it('packetizing a frame conserves its bytes in the fewest packets of at most the maximum size', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 100, max: 1500 }), (bytes, max) => {
        const sizes = packetizeFrame(bytes, max);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(Math.max(1, Math.round(bytes)));
        expect(Math.max(...sizes)).toBeLessThanOrEqual(max);
        expect(sizes.length).toBe(Math.ceil(Math.max(1, Math.round(bytes)) / max));
      }),
    );
  });
});

describe('simulator', () => {
  const arbLink = fc.record({
    bps: fc.integer({ min: 200_000, max: 6_000_000 }),
    delayMs: fc.integer({ min: 0, max: 120 }),
    lossRate: fc.constantFrom(0, 0.01, 0.05),
    queueMs: fc.integer({ min: 20, max: 500 }),
    seed: fc.integer({ min: 1, max: 1000 }),
    estimator: fc.constantFrom(gccBwe, seedSmoothBwe),
  });

  it('conserves bytes, never delivers more than the capacity, keeps every sample finite', () => {
    fc.assert(
      fc.property(arbLink, (l) => {
        const s = simpleScenario(
          {
            capacity: { kind: 'constant', bps: l.bps },
            delayMs: l.delayMs,
            loss: l.lossRate > 0 ? { model: 'bernoulli', rate: l.lossRate } : { model: 'none' },
            queue: { limit: l.queueMs, unit: 'ms', discipline: 'droptail' },
          },
          [],
          4000,
          l.seed,
        );
        const sim = simulateBwe(s, l.estimator);
        const sentBytes = sim.samples.reduce((a, x) => a + (x.sentBps * 100) / 8000, 0);
        const packetBytes = sim.packets.reduce((a, p) => a + p.bytes, 0);
        expect(sentBytes).toBeCloseTo(packetBytes, 3);
        const m = bweMetrics(sim);
        expect(m.utilisationRatio).toBeGreaterThanOrEqual(0);
        expect(m.utilisationRatio).toBeLessThanOrEqual(1);
        expect(m.lossRatio).toBeGreaterThanOrEqual(0);
        expect(m.lossRatio).toBeLessThanOrEqual(1);
        sim.packets.forEach((p, i) => {
          expect(p.sequence).toBe(i);
          if (i > 0) expect(p.sendMs).toBeGreaterThanOrEqual(sim.packets[i - 1].sendMs);
          if (p.arrivalMs !== null) expect(p.arrivalMs).toBeGreaterThanOrEqual(p.sendMs + l.delayMs - 1e-9);
        });
        for (const x of sim.samples) {
          for (const v of [x.capacityBps, x.targetBps, x.sentBps, x.deliveredBps, x.queueDelayMs, x.lossRate]) expect(Number.isFinite(v) && v >= 0).toBe(true);
          expect(x.targetBps).toBeGreaterThan(0);
        }
      }),
      { numRuns: 25 },
    );
  });
});
