// The split of one subscriber's downlink estimate across its feeds (algorithms/layer/share-downlink.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { allocateSteps, layerWithinShare, shareDownlink } from '../../algorithms/layer/share-downlink.ts';
import type { FeedLadder } from '../../algorithms/layer/share-downlink.ts';

const ladder = (...rates: number[]): FeedLadder => ({ options: rates.map((rateBps, layer) => ({ layer, rateBps })) });
const rateArb = fc.integer({ min: 0, max: 3_000_000 });
/** Any ladder: 1-4 layers, rates in any order (measured rates jitter). */
const anyLadder = fc.array(rateArb, { minLength: 1, maxLength: 4 }).map((r) => ladder(...r));
/** A usual ladder: ascending, each step costing at least as much as the one below. */
const convexLadder = fc
  .tuple(fc.integer({ min: 10_000, max: 400_000 }), fc.array(fc.integer({ min: 0, max: 800_000 }), { minLength: 0, maxLength: 3 }))
  .map(([base, extras]) => {
    const rates = [base];
    let step = 0;
    for (const e of extras) {
      step += e + 1;
      rates.push(rates[rates.length - 1] + step);
    }
    return ladder(...rates);
  });
const sumOf = (feeds: readonly FeedLadder[], steps: number[]) => steps.reduce((s, k, i) => s + feeds[i].options[k].rateBps, 0);

describe('shareDownlink', () => {
  test('2 publishers on 1.97 Mbps with the default ceilings: both on m, not both on h', () => {
    const feeds = [ladder(150e3, 500e3, 2e6), ladder(150e3, 500e3, 2e6)];
    expect(shareDownlink(1.97e6, feeds).map((s) => s.layer)).toEqual([1, 1]);
    // 2.7 Mbps: room for one h; the first feed (join order) gets it.
    expect(shareDownlink(2.7e6, feeds).map((s) => s.layer)).toEqual([2, 1]);
    expect(shareDownlink(4.1e6, feeds).map((s) => s.layer)).toEqual([2, 2]);
  });

  test('one feed gets the whole estimate as its share; nothing fits: lowest layers, estimate split in proportion', () => {
    expect(shareDownlink(1e6, [ladder(150e3, 500e3, 2e6)])).toEqual([{ layer: 1, rateBps: 500e3, shareBps: 1e6 }]);
    expect(shareDownlink(100e3, [ladder(100e3, 500e3), ladder(300e3, 900e3)])).toEqual([
      { layer: 0, rateBps: 100e3, shareBps: 25e3 },
      { layer: 0, rateBps: 300e3, shareBps: 75e3 },
    ]);
  });

  test('property: the sum never exceeds the budget unless every feed is at its lowest layer', () => {
    fc.assert(
      fc.property(fc.array(anyLadder, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 8_000_000 }), (feeds, budget) => {
        const steps = allocateSteps(budget, feeds);
        if (sumOf(feeds, steps) > budget) expect(steps.every((k) => k === 0)).toBe(true);
      }),
    );
  });

  test('property: no feed can go one layer up without breaking the budget', () => {
    fc.assert(
      fc.property(fc.array(anyLadder, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 8_000_000 }), (feeds, budget) => {
        const steps = allocateSteps(budget, feeds);
        const sum = sumOf(feeds, steps);
        if (sum > budget) return;
        feeds.forEach((f, i) => {
          if (steps[i] + 1 >= f.options.length) return;
          const raised = sum - f.options[steps[i]].rateBps + f.options[steps[i] + 1].rateBps;
          expect(raised).toBeGreaterThan(budget);
        });
      }),
    );
  });

  test('property: feeds with the same usual ladder differ by at most one layer', () => {
    fc.assert(
      fc.property(convexLadder, fc.integer({ min: 2, max: 5 }), fc.array(convexLadder, { maxLength: 3 }), fc.integer({ min: 0, max: 10_000_000 }), (same, n, others, budget) => {
        const feeds = [...others, ...Array.from({ length: n }, () => same)];
        const steps = allocateSteps(budget, feeds).slice(others.length);
        expect(Math.max(...steps) - Math.min(...steps)).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('a selector keeping 10% headroom: the split is made on 0.9 x estimate, so the allocated layers fit the selectors', () => {
    // 760 kbps: m + m = 740 kbps fits the estimate but not 0.9 x it (684 kbps): m + l, and 0.9 x each share covers its layer.
    const shares = shareDownlink(760e3, [ladder(150e3, 370e3, 750e3), ladder(150e3, 370e3, 750e3)], 0.9);
    expect(shares.map((s) => s.layer)).toEqual([1, 0]);
    expect(shares[0].shareBps * 0.9).toBeGreaterThanOrEqual(370e3);
    expect(shares[1].shareBps * 0.9).toBeGreaterThanOrEqual(150e3);
    expect(shares[0].shareBps + shares[1].shareBps).toBeCloseTo(760e3, 3);
  });

  test('property: shares add up to the estimate; f x share covers its layer, and the layers fit f x estimate, unless nothing fits', () => {
    fc.assert(
      fc.property(
        fc.array(anyLadder, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 8_000_000 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (feeds, estimate, f) => {
          const shares = shareDownlink(estimate, feeds, f);
          const total = shares.reduce((s, x) => s + x.shareBps, 0);
          const rates = shares.reduce((s, x) => s + x.rateBps, 0);
          expect(total).toBeCloseTo(estimate, 3);
          if (rates <= f * estimate) for (const s of shares) expect(s.shareBps * f).toBeGreaterThanOrEqual(s.rateBps - 1e-6);
          else expect(shares.every((s, i) => s.layer === feeds[i].options[0].layer)).toBe(true);
        },
      ),
    );
  });

  test('the forwarded layer: the selector\'s, at most the allocated one; its reason kept, the share and any cap said', () => {
    const rids = ['l', 'm', 'h'];
    const share = { layer: 1, rateBps: 500e3, shareBps: 985e3 };
    expect(layerWithinShare(2, 'estimate 985 kbps -> h', share, { feeds: 2, estimateBps: 1.97e6, rids })).toEqual({
      layer: 1,
      capped: true,
      reason: 'estimate 985 kbps -> h [share 985 kbps of 1.97 Mbps for 2 feeds]; h does not fit the split: m (allocated 500 kbps)',
    });
    // One feed, a choice within the allocation: the selector's reason as it was.
    expect(layerWithinShare(1, 'r', { ...share, layer: 2 }, { feeds: 1, estimateBps: 1e6, rids })).toEqual({ layer: 1, reason: 'r', capped: false });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.string(), (chosen, allocated, feeds, why) => {
        const r = layerWithinShare(chosen, why, { layer: allocated, rateBps: 1, shareBps: 1 }, { feeds, estimateBps: 1, rids });
        expect(r.layer).toBe(allocated < 0 ? chosen : Math.min(chosen, allocated));
        expect(r.capped).toBe(r.layer !== chosen);
        expect(r.reason.startsWith(why)).toBe(true);
      }),
    );
  });
});
