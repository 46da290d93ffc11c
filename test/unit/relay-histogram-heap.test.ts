import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap, type Due } from '../../harness/relay/due-heap.ts';
import { DurationHistogram } from '../../harness/relay/histogram.ts';

describe('relay duration histogram', () => {
  it('quantiles are within 1.6% (+1 us) of the exact ones, never below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0.5, 0.95, 0.99, 1),
        (valuesMs, q) => {
          const h = new DurationHistogram();
          for (const v of valuesMs) h.recordMs(v);
          const sortedUs = valuesMs.map((v) => Math.round(v * 1000)).sort((a, b) => a - b);
          const exactMs = sortedUs[Math.max(1, Math.ceil(q * sortedUs.length)) - 1] / 1000;
          const got = h.quantileMs(q);
          expect(got).toBeGreaterThanOrEqual(exactMs - 1e-9);
          expect(got).toBeLessThanOrEqual(exactMs * (1 + 1 / 64) + 0.001);
        },
      ),
    );
  });

  it('counts, resets, and treats early (negative) values as 0', () => {
    const h = new DurationHistogram();
    expect(h.quantileMs(0.5)).toBe(0);
    h.recordMs(-3);
    h.recordMs(2);
    h.recordMs(4);
    expect(h.count).toBe(3);
    expect(h.percentiles()).toMatchObject({ count: 3, max: 4 });
    expect(h.quantileMs(0)).toBe(0);
    expect(h.meanMs()).toBeCloseTo(2, 9);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentiles().max).toBe(0);
  });
});

describe('relay due heap', () => {
  it('pops by due time, ties in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (dues) => {
        const heap = new DueHeap<Due & { i: number }>();
        dues.forEach((dueMs, i) => heap.push({ dueMs, seq: 0, i }));
        const out: number[] = [];
        for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x.i);
        const expected = dues.map((d, i) => ({ d, i })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(expected);
        expect(heap.size).toBe(0);
      }),
    );
  });
});
