// Displayed-frame timeline: Chrome's freeze rule, loop unwrapping, skipped frames, slots, glass-to-glass latency.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DisplayedFrame } from '../../harness/media/frame-timeline.ts';
import { buildTimeline, detectFreezes, glassToGlass, isFreeze, latencyPerSecond, median, unwrapNumbers } from '../../harness/media/frame-timeline.ts';
import { i420Size, scaleI420 } from '../../harness/media/i420.ts';

const shown = (times: number[], numbers: (number | null)[]): DisplayedFrame[] =>
  times.map((t, i) => ({ displayMs: t, number: numbers[i], width: 640, height: 360 }));

describe('frame timeline', () => {
  test("Chrome's rule: max(3 x avg, avg + 150 ms)", () => {
    // At 30 fps (33.3 ms) the bound is avg + 150 = 183.3 ms; at 10 fps (100 ms) it is 3 x avg = 300 ms.
    expect(isFreeze(183, 100 / 3)).toBe(false);
    expect(isFreeze(184, 100 / 3)).toBe(true);
    expect(isFreeze(299, 100)).toBe(false);
    expect(isFreeze(300, 100)).toBe(true);
  });

  test('steady frames with jitter below the bound never freeze; one long gap is exactly one freeze of that length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 20, max: 50, noNaN: true }), { minLength: 40, maxLength: 200 }),
        fc.integer({ min: 5, max: 39 }),
        fc.double({ min: 300, max: 3000, noNaN: true }),
        (gaps, at, gapMs) => {
          const times = [0];
          for (const g of gaps) times.push(times[times.length - 1] + g);
          expect(detectFreezes(times)).toEqual([]);
          const withGap = times.map((t, i) => (i > at ? t + gapMs : t));
          const f = detectFreezes(withGap);
          expect(f).toHaveLength(1);
          expect(f[0].startMs).toBe(withGap[at]);
          expect(f[0].durationMs).toBeCloseTo(gaps[at] + gapMs, 6);
        },
      ),
    );
  });

  test('unwrapping clip loops gives a strictly increasing sequence for in-order frames', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 600 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 300 }), (clip, steps) => {
        let seq = 0;
        const seqs = [0];
        for (const s of steps) seqs.push((seq += s));
        if (steps.some((s) => s >= clip / 2)) return;
        expect(unwrapNumbers(seqs.map((s) => s % clip), clip)).toEqual(seqs);
      }),
    );
  });

  test('slots: each frame fills the periods until the next, skipped counts jumps, undecodable frames are not slots', () => {
    const t = buildTimeline(shown([0, 33.3, 66.7, 100, 300, 333.3], [0, 1, null, 3, 10, 11]), 300, 30);
    expect(t.skipped).toBe(1 + 6); // 2 (its marker did not decode, so it counts as not seen) and 4..9
    expect(t.undecodable).toBe(1);
    expect(t.freezes).toHaveLength(1);
    expect(t.slots.map((s) => s.referenceNumber)).toEqual([0, 1, 3, 3, 3, 3, 3, 3, 10, 11]);
    expect(t.slots.filter((s) => s.referenceNumber === 3).map((s) => Math.round(s.tMs))).toEqual([100, 133, 167, 200, 233, 267]);
  });

  test('slot count tracks display time: n frames at a steady period give n slots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 50 }), (n, start) => {
        const times = Array.from({ length: n }, (_, i) => (i * 1000) / 30);
        const t = buildTimeline(shown(times, times.map((_, i) => (start + i) % 300)), 300, 30);
        expect(t.slots).toHaveLength(n);
        expect(t.skipped).toBe(0);
      }),
    );
  });

  test('glass-to-glass: latest capture of the same number before the display; per-second median and max', () => {
    const captures = [
      { captureMs: 0, number: 0 },
      { captureMs: 33, number: 1 },
      { captureMs: 10_000, number: 0 }, // next loop of the clip
    ];
    const lat = glassToGlass(shown([80, 120, 10_095], [0, 1, 0]), captures, 300, 30);
    expect(lat.map((l) => l.latencyMs)).toEqual([80, 87, 95]);
    expect(latencyPerSecond(lat)).toEqual([
      { second: 0, medianMs: 83.5, maxMs: 87, frames: 2 },
      { second: 10, medianMs: 95, maxMs: 95, frames: 1 },
    ]);
    expect(median([3, 1, 2])).toBe(2);
  });

  test('bilinear scaling keeps flat planes flat and the output size right', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 2, max: 64 }), fc.integer({ min: 2, max: 96 }), fc.integer({ min: 2, max: 96 }), fc.integer({ min: 0, max: 255 }), (w, h, dw, dh, v) => {
        const f = { width: w, height: h, data: new Uint8Array(i420Size(w, h)).fill(v) };
        const s = scaleI420(f, dw, dh);
        expect(s.data.length).toBe(i420Size(dw, dh));
        expect(s.data.every((x) => x === v)).toBe(true);
      }),
    );
  });
});
