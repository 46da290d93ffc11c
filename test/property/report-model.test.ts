import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bitrateCdf, runSeries, segmentAt } from '../../reports/client/model.ts';
import type { SegmentPoint } from '../../reports/client/model.ts';

const segmentArb = fc.record({
  tMs: fc.integer({ min: 0, max: 600_000 }),
  index: fc.nat(1000),
  quality: fc.nat(8),
  bitrateBps: fc.constantFrom(300_000, 750_000, 1_200_000, 2_500_000, 4_300_000),
  bytes: fc.nat(2_000_000),
  downloadMs: fc.nat(20_000),
  bufferS: fc.double({ min: 0, max: 60, noNaN: true }),
  reason: fc.string(),
});

const knownEventArb = fc.oneof(
  segmentArb.map((s) => ({ kind: 'segment' as const, ...s })),
  fc.record({ kind: fc.constant('buffer'), tMs: fc.nat(600_000), bufferS: fc.double({ min: 0, max: 60, noNaN: true }) }),
  fc.record({ kind: fc.constant('stall'), tMs: fc.nat(600_000), durationMs: fc.nat(10_000) }),
  fc.record({ kind: fc.constant('capacity'), tMs: fc.nat(600_000), direction: fc.constantFrom('down', 'up'), bps: fc.nat(50_000_000) }),
  fc.record({ kind: fc.constant('network'), tMs: fc.nat(600_000), type: fc.string(), durationMs: fc.option(fc.nat(5000)), detail: fc.string() }),
);

describe('runSeries', () => {
  test('never throws on arbitrary timelines (other kinds, malformed events) and keeps only finite, sorted data', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(knownEventArb, fc.anything())), (timeline) => {
        const s = runSeries(timeline);
        for (const list of [s.capacityDown, s.segments, s.buffer, s.stalls, s.network]) {
          for (let i = 1; i < list.length; i++) expect(list[i].tMs).toBeGreaterThanOrEqual(list[i - 1].tMs);
          for (const e of list) expect(Number.isFinite(e.tMs)).toBe(true);
        }
        expect(Number.isFinite(s.endMs)).toBe(true);
      }),
    );
  });

  test('keeps every well-formed known event of the charted kinds (downlink capacity only)', () => {
    fc.assert(
      fc.property(fc.array(knownEventArb), (timeline) => {
        const s = runSeries(timeline);
        const n = (kind: string) => timeline.filter((e) => e.kind === kind).length;
        expect(s.segments.length).toBe(n('segment'));
        expect(s.buffer.length).toBe(n('buffer'));
        expect(s.stalls.length).toBe(n('stall'));
        expect(s.network.length).toBe(n('network'));
        expect(s.capacityDown.length).toBe(timeline.filter((e) => e.kind === 'capacity' && e.direction === 'down').length);
      }),
    );
  });
});

describe('bitrateCdf', () => {
  test('one point per distinct bitrate, both coordinates strictly increasing, ending at 1', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1 }), (segments: SegmentPoint[]) => {
        const cdf = bitrateCdf(segments);
        expect(cdf.length).toBe(new Set(segments.map((s) => s.bitrateBps)).size);
        for (let i = 1; i < cdf.length; i++) {
          expect(cdf[i].bps).toBeGreaterThan(cdf[i - 1].bps);
          expect(cdf[i].fraction).toBeGreaterThan(cdf[i - 1].fraction);
        }
        expect(cdf[cdf.length - 1].fraction).toBe(1);
        // The fraction at a value is the share of segments at or below it.
        for (const p of cdf) expect(p.fraction).toBeCloseTo(segments.filter((s) => s.bitrateBps <= p.bps).length / segments.length, 12);
      }),
    );
  });
});

describe('segmentAt', () => {
  test('finds the last segment requested at or before t, as a linear scan would', () => {
    fc.assert(
      fc.property(fc.array(segmentArb), fc.integer({ min: -1000, max: 700_000 }), (raw, tMs) => {
        const segments = [...raw].sort((a, b) => a.tMs - b.tMs);
        const expected = segments.filter((s) => s.tMs <= tMs).at(-1) ?? null;
        const got = segmentAt(segments, tMs);
        expect(got?.tMs ?? null).toBe(expected?.tMs ?? null);
      }),
    );
  });
});
