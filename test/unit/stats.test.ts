import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ema, harmonicMean, mean, percentile } from '../../harness/metrics/stats.ts';

const positives = fc.array(fc.double({ min: 1e-3, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 });

describe('stats', () => {
  it('means of small lists', () => {
    expect(mean([])).toBe(0);
    expect(mean([1, 2, 3])).toBe(2);
    expect(harmonicMean([1, 4, 4, 4, 4])).toBeCloseTo(2.5, 12);
    expect(harmonicMean([])).toBe(0);
    expect(harmonicMean([3, 0])).toBe(0);
  });

  it('harmonic mean lies between the minimum and the arithmetic mean', () => {
    fc.assert(
      fc.property(positives, (xs) => {
        const h = harmonicMean(xs);
        expect(h).toBeGreaterThanOrEqual(Math.min(...xs) * (1 - 1e-12));
        expect(h).toBeLessThanOrEqual(mean(xs) * (1 + 1e-12));
      }),
    );
  });

  it('percentile is nearest rank: index ceil(p/100 n) - 1 of the sorted values, at least 0', () => {
    expect(percentile([5, 1, 4, 2, 3], 10)).toBe(1);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 0)).toBe(1);
    expect(percentile(Array.from({ length: 11 }, (_, i) => 10 - i), 10)).toBe(1); // ceil(1.1) - 1 = 1
    expect(percentile([], 50)).toBeNaN();
  });

  it('percentile is one of the values, and at least as many values are <= it as p% of them', () => {
    fc.assert(
      fc.property(positives, fc.double({ min: 0, max: 100, noNaN: true }), (xs, p) => {
        const v = percentile(xs, p);
        expect(xs).toContain(v);
        expect(xs.filter((x) => x <= v).length).toBeGreaterThanOrEqual(Math.ceil((p / 100) * xs.length));
      }),
    );
  });

  it('ema starts at the first sample and moves alpha of the way to each next one', () => {
    expect(ema([10, 20, 20], 0.5)).toEqual([10, 15, 17.5]);
    expect(ema([], 0.1)).toEqual([]);
    expect(() => ema([1], 0)).toThrow(RangeError);
    fc.assert(
      fc.property(positives, fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, a) => {
        const out = ema(xs, a);
        for (const v of out) {
          expect(v).toBeGreaterThanOrEqual(Math.min(...xs) * (1 - 1e-12));
          expect(v).toBeLessThanOrEqual(Math.max(...xs) * (1 + 1e-12));
        }
      }),
    );
  });
});
