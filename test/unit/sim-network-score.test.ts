// The simulated run's network score (harness/run/run-sim.ts meanNetworkScore): the reference notes' formula per
// second, with every packet of a dark second lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import { networkScore } from '../../harness/metrics/network-score.ts';
import { meanNetworkScore } from '../../harness/run/run-sim.ts';
import type { ScenarioEvent } from '../../harness/scenario/types.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const score = (bps: number, events: ScenarioEvent[], durationMs = 60_000, lossRate = 0, jitterMs = 0) => {
  const s = simpleScenario(
    {
      capacity: { kind: 'constant', bps },
      loss: lossRate > 0 ? { model: 'bernoulli', rate: lossRate } : { model: 'none' },
      jitter: { ms: jitterMs, distribution: 'normal', reorder: false },
    },
    events,
    durationMs,
  );
  return meanNetworkScore(buildLinkModel(s).down, durationMs);
};

describe('simulated network score', () => {
  it('a dead second scores what the notes give no bandwidth and 100% loss (30 points), not 60', () => {
    // Dead for the whole run: 100 - 40 (bandwidth) - 30 (loss) - 0 (jitter).
    expect(score(5e6, [{ type: 'outage', atMs: 0, durationMs: 60_000, direction: 'both' }])).toBe(30);
    expect(networkScore({ bandwidthKbps: 0, lossPct: 100, jitterMs: 0 }).score).toBe(30);
    // 10 of 60 s dark at 5 Mbps, no loss: 50 s of 80 (bandwidth penalty 20) and 10 s of 30.
    expect(score(5e6, [{ type: 'outage', atMs: 20_000, durationMs: 10_000, direction: 'down' }])).toBeCloseTo((50 * 80 + 10 * 30) / 60, 1);
    // An uplink-only outage leaves the downlink's score alone.
    expect(score(5e6, [{ type: 'outage', atMs: 20_000, durationMs: 10_000, direction: 'up' }])).toBe(80);
  });

  it('an outage never raises the score, and a longer one never scores higher (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 20_000_000 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 5000 }),
        (bps, loss, jitterMs, atMs, durMs, moreMs) => {
          const none = score(bps, [], 60_000, loss, jitterMs);
          const dark = score(bps, [{ type: 'outage', atMs, durationMs: durMs, direction: 'both' }], 60_000, loss, jitterMs);
          const darker = score(bps, [{ type: 'outage', atMs, durationMs: durMs + moreMs, direction: 'both' }], 60_000, loss, jitterMs);
          expect(dark).toBeLessThanOrEqual(none);
          expect(darker).toBeLessThanOrEqual(dark);
        },
      ),
      { numRuns: 150 },
    );
  });
});
