import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../harness/run/types.ts';
import { streamingQoe } from '../../harness/metrics/streaming-qoe.ts';

const BITRATES = [300_000, 750_000, 1_200_000, 1_850_000, 2_850_000, 4_300_000];

interface Plan {
  qualities: number[];
  downloadMs: number[];
  /** Stall before segment i (after playback started), ms; 0 = none. */
  stallMs: number[];
  startAfter: number; // playback starts after this many segments (> count: never)
}

/** A timeline shaped like the simulator's: requests one after another, stalls only after the start. */
function timelineOf(p: Plan): { events: TimelineEvent[]; endMs: number } {
  const events: TimelineEvent[] = [];
  let t = 0;
  let started = false;
  p.qualities.forEach((q, i) => {
    if (started && p.stallMs[i] > 0) {
      events.push({ kind: 'stall', tMs: t, durationMs: p.stallMs[i] });
      t += p.stallMs[i];
    }
    events.push({ kind: 'segment', tMs: t, index: i, quality: q, bitrateBps: BITRATES[q], bytes: 1000, downloadMs: p.downloadMs[i], bufferS: 2, reason: 'r' });
    t += p.downloadMs[i];
    events.push({ kind: 'buffer', tMs: t, bufferS: 2 });
    if (!started && i + 1 >= p.startAfter) {
      started = true;
      events.push({ kind: 'playback', tMs: t, state: 'start' });
    }
  });
  return { events, endMs: t };
}

const arbPlan: fc.Arbitrary<Plan> = fc.integer({ min: 0, max: 40 }).chain((n) =>
  fc.record({
    qualities: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    downloadMs: fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: n, maxLength: n }),
    stallMs: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })), { minLength: n, maxLength: n }),
    startAfter: fc.integer({ min: 1, max: n + 2 }),
  }),
);

describe('streamingQoe (property)', () => {
  it('keeps rebufferRatio in [0, 1] and every metric finite', () => {
    fc.assert(
      fc.property(arbPlan, (p) => {
        const m = streamingQoe(timelineOf(p).events, { segmentDurationS: 2 });
        expect(m.rebufferRatio).toBeGreaterThanOrEqual(0);
        expect(m.rebufferRatio).toBeLessThanOrEqual(1);
        for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
      }),
    );
  });

  it('computes qoeLinear as sum bitrate Mbps - 4.3 x rebuffer s - sum |change| Mbps', () => {
    fc.assert(
      fc.property(arbPlan, (p) => {
        const { events } = timelineOf(p);
        const stalls = events.filter((e) => e.kind === 'stall').reduce((s, e) => s + (e.kind === 'stall' ? e.durationMs : 0), 0) / 1000;
        let expected = 0;
        p.qualities.forEach((q, i) => {
          expected += BITRATES[q] / 1e6;
          if (i > 0) expected -= Math.abs(BITRATES[q] - BITRATES[p.qualities[i - 1]]) / 1e6;
        });
        expected -= 4.3 * stalls;
        const m = streamingQoe(events, { segmentDurationS: 2 });
        expect(m.qoeLinear).toBeCloseTo(expected, 9);
        expect(m.rebufferS).toBeCloseTo(stalls, 9);
      }),
    );
  });

  it('counts the quality changes between consecutive segments, and their mean size', () => {
    fc.assert(
      fc.property(arbPlan, (p) => {
        let changes = 0;
        let sizeKbps = 0;
        for (let i = 1; i < p.qualities.length; i++) {
          if (p.qualities[i] !== p.qualities[i - 1]) {
            changes++;
            sizeKbps += Math.abs(BITRATES[p.qualities[i]] - BITRATES[p.qualities[i - 1]]) / 1000;
          }
        }
        const m = streamingQoe(timelineOf(p).events, { segmentDurationS: 2 });
        expect(m.switchCount).toBe(changes);
        expect(m.avgSwitchKbps).toBeCloseTo(changes ? sizeKbps / changes : 0, 9);
      }),
    );
  });

  it('averages the bitrate of the downloaded segments (all of one duration)', () => {
    fc.assert(
      fc.property(arbPlan, (p) => {
        const m = streamingQoe(timelineOf(p).events, { segmentDurationS: 2 });
        if (p.qualities.length === 0) {
          expect(m.avgBitrateKbps).toBe(0);
          return;
        }
        const kbps = p.qualities.map((q) => BITRATES[q] / 1000);
        expect(m.avgBitrateKbps).toBeCloseTo(kbps.reduce((a, b) => a + b, 0) / kbps.length, 9);
      }),
    );
  });

  it('does not depend on the order of the events', () => {
    fc.assert(
      fc.property(arbPlan, fc.nat(), (p, seed) => {
        const { events } = timelineOf(p);
        const shuffled = [...events].sort((a, b) => ((a.tMs * 7919 + seed) % 101) - ((b.tMs * 7919 + seed) % 101));
        const m1 = streamingQoe(events, { segmentDurationS: 2 });
        const m2 = streamingQoe(shuffled, { segmentDurationS: 2 });
        for (const k of Object.keys(m1)) expect(m2[k]).toBeCloseTo(m1[k], 9);
      }),
    );
  });
});

describe('streamingQoe (examples)', () => {
  const seg = (tMs: number, index: number, quality: number, downloadMs: number): TimelineEvent => ({
    kind: 'segment', tMs, index, quality, bitrateBps: BITRATES[quality], bytes: 1, downloadMs, bufferS: 0, reason: 'r',
  });

  it('measures startup, stalls and played time', () => {
    const events: TimelineEvent[] = [
      seg(0, 0, 0, 1500), // first request at 0
      { kind: 'playback', tMs: 1500, state: 'start' },
      seg(1500, 1, 2, 500),
      seg(2000, 2, 2, 3500), // buffer (4 s) runs dry at 5.5 s, segment arrives at 5.5 s: no stall
      { kind: 'stall', tMs: 7500, durationMs: 1000 },
      seg(5500, 3, 5, 3000), // arrives 8.5 s
      { kind: 'buffer', tMs: 10_500, bufferS: 0 },
    ];
    const m = streamingQoe(events, { segmentDurationS: 2 });
    expect(m.startupDelayS).toBe(1.5);
    expect(m.rebufferS).toBe(1);
    expect(m.rebufferCount).toBe(1);
    // Played = 10.5 - 1.5 - 1 = 8 s: ratio 1 / 9.
    expect(m.rebufferRatio).toBeCloseTo(1 / 9, 12);
    expect(m.switchCount).toBe(2);
    expect(m.avgSwitchKbps).toBeCloseTo((900 + 3100) / 2, 9);
    expect(m.avgBitrateKbps).toBeCloseTo((300 + 1200 + 1200 + 4300) / 4, 9);
    expect(m.qoeLinear).toBeCloseTo(0.3 + 1.2 + 1.2 + 4.3 - 4.3 * 1 - (0.9 + 3.1), 9);
  });

  it('reports a session that never started as all waiting', () => {
    const m = streamingQoe([seg(0, 0, 0, 40_000)], { segmentDurationS: 2 });
    expect(m.startupDelayS).toBe(40);
    expect(m.rebufferRatio).toBe(1);
    expect(m.rebufferS).toBe(0);
  });

  it('reports an empty timeline as zeros', () => {
    const m = streamingQoe([], { segmentDurationS: 2 });
    expect(Object.values(m).every((v) => v === 0)).toBe(true);
  });

  it('uses exactly the catalogue keys (with the P.1203 MOS of harness/metrics/mos)', async () => {
    const { METRICS } = await import('../../harness/metrics/catalog.ts');
    const { p1203StreamingMetrics } = await import('../../harness/metrics/mos/p1203-streaming.ts');
    const { DEFAULT_LADDER, cbrSizes } = await import('../../harness/scenario/media.ts');
    const media = { source: 'ladder' as const, manifestFile: null, segmentDurationMs: 2000, segmentCount: 1, rungs: [...DEFAULT_LADDER], segmentSizesBits: cbrSizes(DEFAULT_LADDER, 2000, 1), bufferMaxMs: 10_000, startupBufferMs: 2000 };
    const keys = Object.keys({ ...streamingQoe([], { segmentDurationS: 2 }), ...p1203StreamingMetrics([], media) }).sort();
    expect(keys).toEqual(METRICS.filter((m) => m.group === 'streaming').map((m) => m.key).sort());
  });
});
