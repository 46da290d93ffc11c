import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { LossSpec } from '../../harness/scenario/types.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const N = 100_000;
/** Statistical bounds at 4.5 sigma: a correct model fails one run in ~150,000. */
const Z = 4.5;

/** Offer N packets 1 ms apart to a link that never queues; the loss pattern (true = lost) of the downlink. */
function lossPattern(loss: LossSpec, seed: number, events: Parameters<typeof simpleScenario>[1] = []): boolean[] {
  const sc = simpleScenario(
    { loss, capacity: { kind: 'constant', bps: 1e12 }, queue: { limit: 1e9, unit: 'packets', discipline: 'droptail' } },
    events,
    N,
  );
  const link = buildLinkModel(sc, { seed });
  const out = new Array<boolean>(N);
  for (let i = 0; i < N; i++) out[i] = 'dropped' in link.down.send({ id: i, bytes: 100 }, i);
  return out;
}

const count = (xs: boolean[], from = 0, to = xs.length) => {
  let k = 0;
  for (let i = from; i < to; i++) if (xs[i]) k++;
  return k;
};

describe('loss model properties', () => {
  it('Bernoulli loss converges to its rate, and a loss burst replaces it in its window', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.5, noNaN: true }), fc.double({ min: 0.05, max: 0.9, noNaN: true }), fc.integer(), (rate, burst, seed) => {
        // Burst over the middle 20,000 packets (ms).
        const lost = lossPattern({ model: 'bernoulli', rate }, seed, [{ type: 'lossBurst', atMs: 40_000, durationMs: 20_000, rate: burst, direction: 'down' }]);
        const within = (k: number, n: number, p: number) => Math.abs(k - n * p) <= Z * Math.sqrt(n * p * (1 - p)) + 1;
        const outside = count(lost, 0, 40_000) + count(lost, 60_000);
        expect(within(outside, 80_000, rate)).toBe(true);
        expect(within(count(lost, 40_000, 60_000), 20_000, burst)).toBe(true);
      }),
      { numRuns: 6 },
    );
  });

  it('Gilbert-Elliott with lossGood 0, lossBad 1: mean burst length 1/r, overall loss p/(p+r)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.005, max: 0.1, noNaN: true }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.integer(), (p, r, seed) => {
        const lost = lossPattern({ model: 'gilbert-elliott', p, r, lossGood: 0, lossBad: 1 }, seed);
        const bursts: number[] = [];
        let run = 0;
        for (const l of lost) {
          if (l) run++;
          else if (run > 0) {
            bursts.push(run);
            run = 0;
          }
        }
        const mean = bursts.reduce((a, b) => a + b, 0) / bursts.length;
        // Bad-state sojourns are geometric: mean 1/r, variance (1 - r)/r^2.
        expect(Math.abs(mean - 1 / r)).toBeLessThanOrEqual((Z * Math.sqrt((1 - r) / (r * r))) / Math.sqrt(bursts.length));
        expectStationaryRate(lost, p, r, 0, 1);
      }),
      { numRuns: 6 },
    );
  });

  it('Gilbert-Elliott overall loss matches the stationary rate for any state loss probabilities', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.integer(),
        (p, r, lossGood, lossBad, seed) => {
          const lost = lossPattern({ model: 'gilbert-elliott', p, r, lossGood, lossBad }, seed);
          expectStationaryRate(lost, p, r, lossGood, lossBad);
          const link = buildLinkModel(simpleScenario({ loss: { model: 'gilbert-elliott', p, r, lossGood, lossBad } }));
          const piBad = p / (p + r);
          expect(link.down.stateAt(0).lossRate).toBeCloseTo((1 - piBad) * lossGood + piBad * lossBad, 12);
        },
      ),
      { numRuns: 6 },
    );
  });
});

/**
 * The count of losses of a two-state Markov-modulated Bernoulli process over N steps: mean N*m (m the
 * stationary rate) plus the bias of starting in the good state; variance N*(m(1-m) + 2 D^2 pg pb l/(1-l))
 * with D = lossBad - lossGood and l = 1 - p - r the chain's correlation per step.
 */
function expectStationaryRate(lost: boolean[], p: number, r: number, lossGood: number, lossBad: number): void {
  const piBad = p / (p + r);
  const m = (1 - piBad) * lossGood + piBad * lossBad;
  const d = lossBad - lossGood;
  const l = 1 - p - r;
  const variance = N * (m * (1 - m) + (2 * d * d * (1 - piBad) * piBad * l) / (1 - l));
  const startBias = Math.abs(d * piBad) / (p + r);
  expect(Math.abs(count(lost) - N * m)).toBeLessThanOrEqual(Z * Math.sqrt(Math.max(variance, 0)) + startBias + 1);
}
