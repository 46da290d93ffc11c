// P.1203 applied to simulated sessions: what the adapter hands P.1203 (segments in media time, the initial
// loading at position 0, rebuffering at the media time playback stopped), and the metrics of a real sim run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAbr } from '../../algorithms/abr/registry.ts';
import { p1203SessionFromTimeline, p1203StreamingMetrics, p1203Variant } from '../../harness/metrics/mos/p1203-streaming.ts';
import { runSimScenario } from '../../harness/run/run-sim.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
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

describe('which P.1203 variant produced the numbers (RunResult.models.p1203)', () => {
  it('a sim run records parametric-estimate without trees and random-forest with NETQOE_P1203_TREES, and the figure follows', () => {
    const scenario = loadScenario('scenarios/step-down-up.yaml');
    const before = process.env.NETQOE_P1203_TREES;
    const dir = mkdtempSync(join(tmpdir(), 'p1203-trees-'));
    try {
      delete process.env.NETQOE_P1203_TREES;
      const plain = runSimScenario(scenario, getAbr('bba')!, { withoutTimeline: true });
      expect(plain.models).toEqual({ p1203: 'parametric-estimate' });
      // A one-leaf forest predicting 1: O.46 drops by about a quarter of (parametric - 1).
      writeFileSync(join(dir, 'tree0.csv'), '0, -1, 1.0, -1, -1\n');
      process.env.NETQOE_P1203_TREES = dir;
      expect(p1203Variant()).toBe('random-forest');
      const forest = runSimScenario(scenario, getAbr('bba')!, { withoutTimeline: true });
      expect(forest.models).toEqual({ p1203: 'random-forest' });
      expect(forest.metrics.p1203Mos).toBeLessThan(plain.metrics.p1203Mos - 0.1);
      expect(p1203Variant(null)).toBe('parametric-estimate');
      // The report says which it was, per run.
      const html = renderHtmlReport({ schemaVersion: RESULTS_SCHEMA_VERSION, tool: { name: 'netqoe', version: 't' }, createdAt: '2025-01-01T00:00:00Z', command: 'netqoe run', scenarios: [{ name: scenario.name, file: scenario.file, description: '', durationMs: scenario.durationMs, seed: 1 }], runs: [plain, forest] });
      expect(html.match(/class="p1203-variant" data-variant="[a-z-]+"/g)).toEqual(['class="p1203-variant" data-variant="parametric-estimate"', 'class="p1203-variant" data-variant="random-forest"']);
      expect(html).toContain('P.1203 random-forest part estimated (parametric)');
    } finally {
      if (before === undefined) delete process.env.NETQOE_P1203_TREES;
      else process.env.NETQOE_P1203_TREES = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
