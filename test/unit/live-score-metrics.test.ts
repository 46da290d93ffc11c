// A scored live run's figures: per subscriber video into 'score-summary' events, the worst video into the run's
// metrics (catalogue keys, so `expect: { vmaf: "> 80" }` gates).
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { liveScoreMetrics, scoreSummaryEvent } from '../../harness/media/score-live.ts';
import type { SubscriberScore } from '../../harness/media/score-live.ts';
import { metricInfo } from '../../harness/metrics/catalog.ts';
import { evaluateExpectations } from '../../harness/metrics/expectations.ts';
import { parseExpectations } from '../../harness/scenario/expect.ts';

const sub = (over: Partial<SubscriberScore>): SubscriberScore => ({
  peerId: 's1',
  label: '0',
  displayed: 290,
  undecodable: 1,
  skipped: 4,
  freezes: 1,
  freezeMs: 1040,
  captureMissed: 10,
  vmafMean: 88.5,
  psnrMeanDb: 38.2,
  ssimMean: 0.97,
  glassToGlassMedianMs: 180,
  vmafMissing: null,
  thumbnailError: null,
  ...over,
});

describe('liveScoreMetrics', () => {
  test('the worst subscriber video for each figure, every key in the catalogue', () => {
    const m = liveScoreMetrics([
      sub({ peerId: 's1', vmafMean: 90, psnrMeanDb: 35, ssimMean: 0.99, glassToGlassMedianMs: 150, skipped: 2, undecodable: 0, freezes: 0, freezeMs: 0, displayed: 300, captureMissed: 0 }),
      sub({ peerId: 's2', vmafMean: 70, psnrMeanDb: 40, ssimMean: 0.9, glassToGlassMedianMs: 250, skipped: 9, undecodable: 3, freezes: 2, freezeMs: 1500, displayed: 270, captureMissed: 30 }),
    ]);
    expect(m).toEqual({
      vmaf: 70,
      psnrDb: 35,
      ssim: 0.9,
      glassToGlassMs: 250,
      capturedFrameRatio: 0.9,
      skippedFrames: 9,
      undecodableFrames: 3,
      displayedFreezeCount: 2,
      displayedFreezesS: 1.5,
    });
    for (const k of Object.keys(m)) expect(metricInfo(k)?.group, k).toBe('live');
  });

  test('a figure no video has is left out (no VMAF without libvmaf), not made up', () => {
    const m = liveScoreMetrics([sub({ vmafMean: null, vmafMissing: 'ffmpeg has no libvmaf', glassToGlassMedianMs: null, captureMissed: null })]);
    expect(m.vmaf).toBeUndefined();
    expect(m.glassToGlassMs).toBeUndefined();
    expect(m.capturedFrameRatio).toBeUndefined();
    expect(m.psnrDb).toBe(38.2);
    expect(liveScoreMetrics([])).toEqual({});
  });

  test('`expect: { vmaf: "> 80" }` gates on it: passes at 88.5, fails at 70, fails with no value without VMAF', () => {
    const { expectations, issues } = parseExpectations({ vmaf: '> 80', glassToGlass: '< 400ms' }, [], () => 'test.yaml');
    expect(issues).toEqual([]);
    const outcome = (s: SubscriberScore) => evaluateExpectations(expectations, 'highest-fit', liveScoreMetrics([s])).map((e) => [e.metric, e.actual, e.pass]);
    expect(outcome(sub({}))).toEqual([
      ['vmaf', 88.5, true],
      ['glassToGlassMs', 180, true],
    ]);
    expect(outcome(sub({ vmafMean: 70, glassToGlassMedianMs: 450 }))).toEqual([
      ['vmaf', 70, false],
      ['glassToGlassMs', 450, false],
    ]);
    expect(outcome(sub({ vmafMean: null }))[0]).toEqual(['vmaf', null, false]);
  });

  test('property: each metric is one of the subscribers\' own figures (min or max), never outside them', () => {
    const score = fc.record({
      displayed: fc.integer({ min: 0, max: 1000 }),
      captureMissed: fc.option(fc.integer({ min: 0, max: 100 })),
      vmafMean: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
      psnrMeanDb: fc.option(fc.double({ min: 5, max: 60, noNaN: true })),
      glassToGlassMedianMs: fc.option(fc.double({ min: 1, max: 2000, noNaN: true })),
      skipped: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 5 }), (parts) => {
        const subs = parts.map((p, i) => sub({ ...p, peerId: `s${i}` }));
        const m = liveScoreMetrics(subs);
        const vm = subs.map((s) => s.vmafMean).filter((v): v is number => v !== null);
        expect(m.vmaf).toBe(vm.length ? Math.min(...vm) : undefined);
        const g = subs.map((s) => s.glassToGlassMedianMs).filter((v): v is number => v !== null);
        expect(m.glassToGlassMs).toBe(g.length ? Math.max(...g) : undefined);
        expect(m.skippedFrames).toBe(Math.max(...subs.map((s) => s.skipped)));
        if (m.capturedFrameRatio !== undefined) expect(m.capturedFrameRatio).toBeGreaterThanOrEqual(0), expect(m.capturedFrameRatio).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('scoreSummaryEvent', () => {
  test('keeps every per-subscriber figure, rounded, and why VMAF is missing', () => {
    const e = scoreSummaryEvent(sub({ vmafMean: null, vmafMissing: 'NETQOE_VMAF_MODEL: no such file /x.json', psnrMeanDb: 38.23456, ssimMean: 0.987654, glassToGlassMedianMs: 181.26, freezeMs: 1040.4 }));
    expect(e).toEqual({
      kind: 'score-summary',
      tMs: 0,
      peerId: 's1',
      label: '0',
      displayed: 290,
      undecodable: 1,
      skipped: 4,
      captureMissed: 10,
      freezes: 1,
      freezeMs: 1040,
      vmafMean: null,
      psnrMeanDb: 38.23,
      ssimMean: 0.9877,
      glassToGlassMedianMs: 181.3,
      vmafMissing: 'NETQOE_VMAF_MODEL: no such file /x.json',
      thumbnailError: null,
    });
  });
});
