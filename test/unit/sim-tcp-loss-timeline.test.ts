// The TCP loss timeline the simulator's downloads see (harness/link/tcp-loss-timeline.ts): Gilbert-Elliott loss
// sampled from the seed into granules, jitter in Mathis' RTT.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abrNames, getAbr } from '../../algorithms/abr/registry.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import { mathisGoodputBps, tcpTransferEndMs } from '../../harness/link/tcp.ts';
import { TCP_LOSS_GRANULE_MS, tcpLossPieces, tcpMathisTimeline } from '../../harness/link/tcp-loss-timeline.ts';
import { runSimScenario } from '../../harness/run/run-sim.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import type { LossSpec, Scenario } from '../../harness/scenario/types.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const MSS = 1448;
const root = join(import.meta.dirname, '..', '..');

const ge = (p: number, r: number, lossGood = 0, lossBad = 1): LossSpec => ({ model: 'gilbert-elliott', p, r, lossGood, lossBad });

function pieces(s: Scenario, seed = s.seed, horizonMs = s.durationMs) {
  const link = buildLinkModel(s, { seed });
  return tcpLossPieces(link.down, link.up, { mssBytes: MSS, horizonMs });
}

/** Time-weighted mean loss rate of the pieces over [0, horizonMs). */
function meanLoss(ps: { startMs: number; lossRate: number }[], horizonMs: number): number {
  let sum = 0;
  for (let i = 0; i < ps.length; i++) {
    const end = Math.min(horizonMs, i + 1 < ps.length ? ps[i + 1].startMs : Infinity);
    if (end > ps[i].startMs) sum += ps[i].lossRate * (end - ps[i].startMs);
  }
  return sum / horizonMs;
}

describe('TCP loss timeline from the seeded link model', () => {
  it('Gilbert-Elliott: same seed same timeline, another seed another; the mean converges to the long-run rate (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.002, max: 0.05, noNaN: true }),
        fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        fc.integer({ min: 4_000_000, max: 40_000_000 }),
        fc.integer({ min: 1, max: 1e6 }),
        (p, r, lossGood, lossBad, capacityBps, seed) => {
          // Long enough for ~1000 good/bad cycles (the mean's relative error is then ~5%).
          const cyclePackets = 1 / p + 1 / r;
          const horizonMs = Math.ceil((1000 * cyclePackets * MSS * 8000) / capacityBps);
          const s = simpleScenario({ capacity: { kind: 'constant', bps: capacityBps }, delayMs: 20, loss: ge(p, r, lossGood, lossBad) }, [], horizonMs, seed);
          const a = pieces(s);
          const text = JSON.stringify(a);
          expect(JSON.stringify(pieces(s))).toBe(text);
          expect(JSON.stringify(pieces(s, seed + 1))).not.toBe(text);
          const longRun = (p / (p + r)) * lossBad + (r / (p + r)) * lossGood;
          expect(meanLoss(a, horizonMs) / longRun).toBeGreaterThan(0.75);
          expect(meanLoss(a, horizonMs) / longRun).toBeLessThan(1.25);
          // Granules: every piece starts on the granule grid, and each loss is between lossGood and lossBad.
          for (const piece of a.filter((x) => x.startMs < horizonMs)) {
            expect(piece.startMs % TCP_LOSS_GRANULE_MS).toBe(0);
            expect(piece.lossRate).toBeGreaterThanOrEqual(Math.min(lossGood, lossBad) - 1e-12);
            expect(piece.lossRate).toBeLessThanOrEqual(Math.max(lossGood, lossBad) + 1e-12);
          }
          // After the horizon: the long-run rate.
          expect(a.at(-1)!.lossRate).toBeCloseTo(longRun, 12);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('bad spells last 1/r packets at the link rate: long bursts fill whole granules, short ones are spread thin', () => {
    // 12 Mbps = 1036 packets/s of 1448 B. r = 0.001: bad spells of ~1000 packets ~ 1 s (5 granules).
    const long = pieces(simpleScenario({ capacity: { kind: 'constant', bps: 12e6 }, loss: ge(0.0001, 0.001) }, [], 600_000));
    const fullyBad = long.filter((x) => x.lossRate === 1).length;
    expect(fullyBad).toBeGreaterThan(20);
    // r = 0.5: spells of 2 packets (2 ms): no granule is more than a few % bad.
    const short = pieces(simpleScenario({ capacity: { kind: 'constant', bps: 12e6 }, loss: ge(0.01, 0.5) }, [], 600_000));
    expect(Math.max(...short.map((x) => x.lossRate))).toBeLessThan(0.2);
  });

  it('jitter of both directions adds to the RTT Mathis uses; Bernoulli loss keeps its rate', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 50e6 }, delayMs: 40, loss: { model: 'bernoulli', rate: 0.01 }, jitter: { ms: 10, distribution: 'normal', reorder: false } });
    const link = buildLinkModel(s);
    const m = tcpMathisTimeline(link.down, link.up, { mssBytes: MSS, horizonMs: s.durationMs });
    expect(m.goodputBps).toEqual([mathisGoodputBps(MSS, 40 + 40 + 10 + 10, 0.01)]);
  });

  it('bursty loss never makes a capacity-limited download faster than the same mean loss spread evenly (property)', () => {
    // Spread evenly, loss m leaves TCP at the capacity when Mathis(m) >= C; bursts put some granules far above m.
    fc.assert(
      fc.property(
        fc.double({ min: 0.0005, max: 0.01, noNaN: true }),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 100_000, max: 5_000_000 }),
        fc.integer({ min: 1, max: 1e6 }),
        (rate, burst, t0, bytes, seed) => {
          const r = 1 / burst;
          const p = (rate * r) / (1 - rate);
          const capacityBps = Math.floor(mathisGoodputBps(MSS, 40, rate));
          const base = { capacity: { kind: 'constant' as const, bps: capacityBps }, delayMs: 20 };
          const even = simpleScenario({ ...base, loss: { model: 'bernoulli', rate } }, [], 60_000, seed);
          const bursty = simpleScenario({ ...base, loss: ge(p, r) }, [], 60_000, seed);
          const end = (s: Scenario) => {
            const link = buildLinkModel(s);
            return tcpTransferEndMs(link.down, tcpMathisTimeline(link.down, link.up, { mssBytes: MSS, horizonMs: 60_000 }), t0, bytes);
          };
          expect(end(even)).toBeCloseTo(t0 + (bytes * 8000) / capacityBps, 6);
          expect(end(bursty)).toBeGreaterThanOrEqual(end(even) - 1e-6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('3g-jitter-loss: the seed changes the results; its bursts cost TCP less than the same 1% spread evenly', () => {
    // Mathis' p is the loss-event rate: a burst of 4 losses lands in a few granules, leaving the rest clean,
    // while 1% spread evenly caps every moment at Mathis(1%) (~430 kbps at 330 ms): the mean of
    // 1/sqrt(p) over bursty granules is higher. Seeds 1-4 here; bitrate averaged over three algorithms.
    const file = join(root, 'scenarios', '3g-jitter-loss.yaml');
    const bursty = loadScenario(file, { abrNames: abrNames() });
    const even: Scenario = { ...bursty, network: bursty.network.map((ph) => ({ ...ph, down: { ...ph.down, loss: { model: 'bernoulli', rate: 0.01 } } })) };
    const kbps = (s: Scenario, seed: number) =>
      ['throughput', 'bba', 'robust-mpc'].reduce((sum, a) => sum + (runSimScenario(s, getAbr(a)!, { seed, withoutTimeline: true }).metrics.avgBitrateKbps as number), 0) / 3;
    const byseed = [1, 2, 3, 4].map((seed) => kbps(bursty, seed));
    expect(new Set(byseed.map((x) => x.toFixed(3))).size).toBeGreaterThan(1);
    const evenKbps = kbps(even, 1);
    expect(kbps(even, 2)).toBe(evenKbps); // no randomness left in an even spread
    for (const b of byseed) expect(b).toBeGreaterThan(evenKbps);
  });
});
