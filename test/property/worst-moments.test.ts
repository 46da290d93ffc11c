// Worst moments of a scored video (thumbnails): lowest seconds first, spacing, count, the freeze rule, nulls.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { MomentFreeze, MomentSecond, MomentSlot } from '../../harness/media/worst-moments.ts';
import { frozenFraction, isFrozenSlot, pickWorstMoments } from '../../harness/media/worst-moments.ts';

/** A scored video: n seconds of 3 slots each (scores drawn), the second's score the mean of its slots. */
const video = fc
  .record({
    slotScores: fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 10, max: 60, noNaN: true })), { minLength: 0, maxLength: 90 }),
    vmafNullAt: fc.option(fc.nat(), { nil: null }),
    missingSeconds: fc.array(fc.nat({ max: 29 }), { maxLength: 5 }),
  })
  .map(({ slotScores, vmafNullAt, missingSeconds }) => {
    const slots: MomentSlot[] = slotScores
      .map(([vmaf, psnrDb], i) => ({ tMs: Math.floor(i / 3) * 1000 + (i % 3) * 333, vmaf, psnrDb, ssim: 0.9, frame: i, referenceNumber: i, heldMs: 0 }))
      .filter((s) => !missingSeconds.includes(Math.floor(s.tMs / 1000)));
    const secs = new Map<number, MomentSlot[]>();
    for (const s of slots) secs.set(Math.floor(s.tMs / 1000), [...(secs.get(Math.floor(s.tMs / 1000)) ?? []), s]);
    const seconds: MomentSecond[] = [...secs.entries()].map(([second, list]) => ({
      second,
      vmaf: list.reduce((a, s) => a + (s.vmaf ?? 0), 0) / list.length,
      psnrDb: list.reduce((a, s) => a + s.psnrDb, 0) / list.length,
    }));
    if (vmafNullAt !== null && seconds.length) seconds[vmafNullAt % seconds.length].vmaf = null;
    return { slots, seconds };
  });

describe('worst moments', () => {
  test('bounded count, spacing respected, greedy lowest-first: every second left out is near a pick or no worse than the picks', () => {
    fc.assert(
      fc.property(video, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1000, max: 5000 }), ({ slots, seconds }, count, spacingMs) => {
        const picks = pickWorstMoments(seconds, slots, [], { count, spacingMs });
        expect(picks.length).toBeLessThanOrEqual(Math.min(count, seconds.length));
        const metric = seconds.length > 0 && seconds.every((s) => s.vmaf !== null) ? 'vmaf' : 'psnr';
        const value = (s: MomentSecond) => (metric === 'vmaf' ? s.vmaf! : s.psnrDb);
        for (const p of picks) {
          expect(p.metric).toBe(metric);
          expect(p.value).toBe(value(seconds.find((s) => s.second === p.second)!));
        }
        for (let i = 0; i < picks.length; i++) for (let j = i + 1; j < picks.length; j++) expect(Math.abs(picks[i].second - picks[j].second) * 1000).toBeGreaterThanOrEqual(spacingMs);
        // The lowest second is always picked (first in the greedy order).
        if (count > 0 && seconds.length > 0) {
          const min = Math.min(...seconds.map(value));
          expect(picks.some((p) => p.value === min)).toBe(true);
        }
        const worstPicked = Math.max(...picks.map((p) => p.value));
        for (const s of seconds) {
          if (picks.some((p) => p.second === s.second)) continue;
          const near = picks.some((p) => Math.abs(p.second - s.second) * 1000 < spacingMs && p.value <= value(s));
          expect(near || (picks.length === count && value(s) >= worstPicked)).toBe(true);
        }
        // Each pick's frame is in its second and is that second's lowest slot (no freezes here).
        for (const p of picks) {
          const own = slots.filter((s) => Math.floor(s.tMs / 1000) === p.second);
          expect(own).toContain(p.slot);
          const score = (s: MomentSlot) => (metric === 'vmaf' ? s.vmaf! : s.psnrDb);
          expect(score(p.slot)).toBe(Math.min(...own.map(score)));
        }
      }),
    );
  });

  test('no scores, or count 0: no moments; a second without any slot is never picked', () => {
    expect(pickWorstMoments([], [], [])).toEqual([]);
    const slot: MomentSlot = { tMs: 1500, vmaf: 90, psnrDb: 40, ssim: 0.99, frame: 0, referenceNumber: 5, heldMs: 0 };
    expect(pickWorstMoments([{ second: 1, vmaf: 90, psnrDb: 40 }], [slot], [], { count: 0 })).toEqual([]);
    const picks = pickWorstMoments(
      [
        { second: 0, vmaf: 10, psnrDb: 20 },
        { second: 1, vmaf: 90, psnrDb: 40 },
      ],
      [slot],
      [],
    );
    expect(picks.map((p) => p.second)).toEqual([1]);
  });

  test('VMAF missing in one second: all picks by PSNR', () => {
    const slots: MomentSlot[] = [0, 1, 2, 3, 4, 5, 6].map((s) => ({ tMs: s * 1000, vmaf: null, psnrDb: 40 - (s === 5 ? 15 : s === 1 ? 10 : 0), ssim: 0.9, frame: s, referenceNumber: s, heldMs: 0 }));
    const seconds = slots.map((s, i) => ({ second: i, vmaf: i === 3 ? null : 50, psnrDb: s.psnrDb }));
    const picks = pickWorstMoments(seconds, slots, []);
    expect(picks.map((p) => [p.second, p.metric, p.value])).toEqual([
      [1, 'psnr', 30],
      [5, 'psnr', 25],
    ]);
  });

  test('a frozen second ranks by score x (1 - frozen share); its frame is the longest-held frozen slot', () => {
    // Second 4 scores 94 (the freeze barely lowers VMAF) but is 80% frozen: 94 x 0.2 = 18.8 < second 1's 60.
    const freeze: MomentFreeze = { startMs: 4000, durationMs: 800 };
    const slots: MomentSlot[] = [];
    for (let s = 0; s < 8; s++) for (let k = 0; k < 30; k++) {
      const tMs = s * 1000 + k * (1000 / 30);
      const frozen = tMs > 4000 && tMs < 4800;
      slots.push({ tMs, vmaf: s === 1 ? 60 : s === 4 ? 94 : 97, psnrDb: 40, ssim: 0.98, frame: frozen ? 120 : s * 30 + k, referenceNumber: frozen ? 120 : s * 30 + k, heldMs: frozen ? tMs - 4000 : 0 });
    }
    const seconds = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => ({ second: s, vmaf: s === 1 ? 60 : s === 4 ? 94 : 97, psnrDb: 40 }));
    const picks = pickWorstMoments(seconds, slots, [freeze], { count: 2 });
    expect(picks.map((p) => p.second)).toEqual([1, 4]);
    const frozenPick = picks[1];
    expect(frozenPick.frozenFraction).toBeCloseTo(0.8, 9);
    expect(frozenPick.value).toBeCloseTo(94 * 0.2, 9);
    expect(isFrozenSlot(frozenPick.slot, [freeze])).toBe(true);
    expect(frozenPick.slot.heldMs).toBe(Math.max(...slots.filter((s) => isFrozenSlot(s, [freeze])).map((s) => s.heldMs)));
  });

  test('frozen share: overlapping freezes count once, clipped to the second', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ startMs: fc.integer({ min: 0, max: 5000 }), durationMs: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 6 }), fc.integer({ min: 0, max: 6 }), (freezes, second) => {
        const f = frozenFraction(second, freezes);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(1);
        // Sampled at 1 ms: the share of instants inside any freeze.
        let inside = 0;
        for (let t = second * 1000; t < second * 1000 + 1000; t++) if (freezes.some((z) => t >= z.startMs && t < z.startMs + z.durationMs)) inside++;
        expect(f).toBeCloseTo(inside / 1000, 9);
      }),
    );
  });
});
