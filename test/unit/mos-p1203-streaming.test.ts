// P.1203 applied to simulated sessions: what the adapter hands P.1203 (segments in media time, the initial
// loading at position 0, rebuffering at the media time playback stopped), and the metrics of a real sim run.
import { describe, expect, it } from 'vitest';
import { p1203SessionFromTimeline, p1203StreamingMetrics } from '../../harness/metrics/mos/p1203-streaming.ts';
import { p1203RandomForest, parseP1203Tree } from '../../harness/metrics/mos/p1203-random-forest.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import { DEFAULT_LADDER, cbrSizes } from '../../harness/scenario/media.ts';
import type { MediaSpec } from '../../harness/scenario/types.ts';

const media: MediaSpec = {
  source: 'ladder',
  manifestFile: null,
  segmentDurationMs: 4000,
  segmentCount: 10,
  rungs: DEFAULT_LADDER.map((r) => ({ ...r })),
  segmentSizesBits: cbrSizes(DEFAULT_LADDER, 4000, 10),
  bufferMaxMs: 30_000,
  startupBufferMs: 4000,
};

const seg = (tMs: number, index: number, quality: number, downloadMs = 500): TimelineEvent => ({
  kind: 'segment', tMs, index, quality, bitrateBps: DEFAULT_LADDER[quality].bitrateBps, bytes: 1, downloadMs, bufferS: 4, reason: 'r',
});

describe('P.1203 input from a simulated session', () => {
  // Requests at 0 (arrives 1.5 s: playback starts), 1.5 s, 5.5 s; a 2 s stall at 9 s (media time 7.5 s);
  // the session's last event at 20 s: 20 - 1.5 - 2 = 16.5 s of media played.
  const timeline: TimelineEvent[] = [
    seg(0, 0, 2, 1500),
    { kind: 'playback', tMs: 1500, state: 'start' },
    seg(1500, 1, 3),
    seg(5500, 2, 0, 5500),
    { kind: 'stall', tMs: 9000, durationMs: 2000 },
    seg(11000, 3, 1),
    seg(12000, 4, 5),
    { kind: 'buffer', tMs: 20_000, bufferS: 0 },
  ];

  it('places segments in media time, cut at the media played, with their rungs', () => {
    const s = p1203SessionFromTimeline(timeline, media);
    expect(s.playedS).toBeCloseTo(16.5, 10);
    expect(s.videoSegments.map((v) => [v.startS, v.durationS, v.bitrateKbps, v.height])).toEqual([
      [0, 4, 1200, 480],
      [4, 4, 1850, 720],
      [8, 4, 300, 240],
      [12, 4, 750, 360],
      [16, 0.5, 4300, 1080],
    ]);
  });

  it('counts the initial loading as a stall at 0 and the rebuffering at the media time it stopped', () => {
    expect(p1203SessionFromTimeline(timeline, media).stalls).toEqual([
      { positionS: 0, durationS: 1.5 },
      { positionS: 7.5, durationS: 2 },
    ]);
  });

  it('scores a session that never started playing as 1', () => {
    expect(p1203StreamingMetrics([seg(0, 0, 0, 30_000)], media)).toEqual({ p1203Mos: 1, p1203QualityMos: 1 });
  });

  it('a stall lowers p1203Mos but not the quality before stalls (O.35); the trees enter when given', () => {
    const smooth = timeline.filter((e) => e.kind !== 'stall');
    const a = p1203StreamingMetrics(smooth, media, { randomForest: null });
    const b = p1203StreamingMetrics(timeline, media, { randomForest: null });
    expect(b.p1203Mos).toBeLessThan(a.p1203Mos);
    for (const m of [a, b]) {
      expect(m.p1203Mos).toBeGreaterThanOrEqual(1);
      expect(m.p1203Mos).toBeLessThanOrEqual(5);
    }
    const leaf5 = p1203RandomForest([parseP1203Tree('0, -1, 5, -1, -1', 'leaf.csv')]);
    expect(p1203StreamingMetrics(timeline, media, { randomForest: leaf5 }).p1203Mos).toBeGreaterThan(b.p1203Mos);
  });
});
