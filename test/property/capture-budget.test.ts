import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE_BUDGET_PX_PER_S, defaultPixelsEveryNth } from '../../harness/media/capture-budget.ts';

const load = fc.record({
  subscribers: fc.integer({ min: 0, max: 16 }),
  width: fc.integer({ min: 16, max: 3840 }),
  height: fc.integer({ min: 16, max: 2160 }),
  fps: fc.integer({ min: 1, max: 60 }),
});

describe('defaultPixelsEveryNth', () => {
  it('is the smallest n whose copies fit the budget', () => {
    fc.assert(
      fc.property(load, (l) => {
        const n = defaultPixelsEveryNth(l);
        const pxPerS = l.subscribers * l.width * l.height * l.fps;
        expect(Number.isInteger(n) && n >= 1).toBe(true);
        expect(pxPerS / n).toBeLessThanOrEqual(DEFAULT_CAPTURE_BUDGET_PX_PER_S);
        if (n > 1) expect(pxPerS / (n - 1)).toBeGreaterThan(DEFAULT_CAPTURE_BUDGET_PX_PER_S);
      }),
    );
  });

  it('skips more with more subscribers or bigger frames, never fewer', () => {
    fc.assert(
      fc.property(load, fc.integer({ min: 1, max: 4 }), (l, k) => {
        expect(defaultPixelsEveryNth({ ...l, subscribers: l.subscribers + k })).toBeGreaterThanOrEqual(defaultPixelsEveryNth(l));
        expect(defaultPixelsEveryNth({ ...l, width: l.width * k })).toBeGreaterThanOrEqual(defaultPixelsEveryNth(l));
      }),
    );
  });

  it('one 720p30 subscriber: every 3rd frame (what the scored tests ran undisturbed); two: every 6th', () => {
    expect(defaultPixelsEveryNth({ subscribers: 1, width: 1280, height: 720, fps: 30 })).toBe(3);
    expect(defaultPixelsEveryNth({ subscribers: 2, width: 1280, height: 720, fps: 30 })).toBe(6);
    expect(defaultPixelsEveryNth({ subscribers: 1, width: 640, height: 360, fps: 30 })).toBe(1);
  });
});
