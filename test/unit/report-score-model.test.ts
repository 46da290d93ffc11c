// The score chart's model: per-subscriber series from a scored timeline, worst moments, tolerance of bad events.
import { describe, expect, it } from 'vitest';
import { hasScores, peerScores, worstMoments } from '../../reports/client/score-model.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';
import { syntheticScoredResults, syntheticScoredTimeline } from '../helpers/synthetic-scored-run.ts';

describe('score chart model', () => {
  it('splits the timeline per subscriber, sorted, with freezes and latency', () => {
    const peers = peerScores(syntheticScoredTimeline());
    expect(peers.map((p) => p.peerId)).toEqual(['sub-a', 'sub-b']);
    expect(peers[1].seconds).toHaveLength(40);
    expect(peers[1].freezes).toEqual([{ tMs: 20_050, durationMs: 1020 }]);
    expect(peers[0].freezes).toEqual([]);
    expect(peers[1].latency).toHaveLength(40);
    expect(peers[1].seconds.every((s, i) => i === 0 || s.tMs > peers[1].seconds[i - 1].tMs)).toBe(true);
  });

  it('picks the worst seconds at least 3 s apart: the outage first, then the dip at 8 s', () => {
    const [, b] = peerScores(syntheticScoredTimeline());
    expect(b.worst.map((w) => w.tMs)).toEqual([8000, 20_000, 23_000]);
    expect(b.worst.every((w) => w.metric === 'vmaf')).toBe(true);
    // Without VMAF the pick is on PSNR.
    const [, noVmaf] = peerScores(syntheticScoredTimeline({ withoutVmaf: true }));
    expect(noVmaf.worst[0].metric).toBe('psnr');
    expect(worstMoments([])).toEqual([]);
  });

  it("a run's stored thumbnails are its worst moments; anything but a JPEG data: URI is dropped", () => {
    const jpeg = 'data:image/jpeg;base64,/9j/2wBD';
    const [a, b] = peerScores(syntheticScoredTimeline({ thumbnails: { reference: jpeg, received: jpeg } }));
    expect(a.thumbnails).toEqual([]);
    expect(b.thumbnails.map((t) => [t.second, t.frozen, t.shownNumber, t.referenceNumber])).toEqual([
      [8, false, 252, 252],
      [20, true, 590, 620],
      [23, false, 702, 702],
    ]);
    expect(b.worst.map((w) => w.tMs)).toEqual([8000, 20_000, 23_000]);
    // Valued by the second's VMAF, as the chart's line shows it.
    expect(b.worst[1].value).toBe(b.seconds[20].vmaf);
    // The run's pick wins over the chart's own: a moment moved to 30 s is marked there.
    const moved = syntheticScoredTimeline({ thumbnails: { reference: jpeg, received: jpeg } }).map((e) => (e.kind === 'frame-thumbnail' && e.second === 23 ? { ...e, second: 30, tMs: 30_400 } : e));
    expect(peerScores(moved)[1].worst.map((w) => w.tMs)).toEqual([8000, 20_000, 30_000]);
    const [, foreign] = peerScores(syntheticScoredTimeline({ thumbnails: { reference: 'https://example.com/a.jpg', received: jpeg } }));
    expect(foreign.thumbnails).toEqual([]);
    const [, svg] = peerScores(syntheticScoredTimeline({ thumbnails: { reference: 'data:image/svg+xml;base64,PHN2Zz4=', received: jpeg } }));
    expect(svg.thumbnails).toEqual([]);
  });

  it('skips malformed events and needs a frame-score to have a chart', () => {
    const odd = [null, { kind: 'frame-score', tMs: 'x', peerId: 'a' }, { kind: 'freeze', tMs: 0, peerId: 'a', durationMs: 100 }, 7];
    expect(peerScores(odd)).toEqual([]);
    expect(hasScores(odd)).toBe(false);
    expect(hasScores(syntheticScoredTimeline())).toBe(true);
  });

  it('the report has a score chart placeholder only for scored runs, and MOS in the table', () => {
    const results = syntheticScoredResults();
    const scored = renderHtmlReport(results);
    expect(scored).toContain('data-chart="score"');
    const { videoMos, eModelMos } = results.runs[0].metrics;
    expect(videoMos).toBeGreaterThan(1);
    for (const v of [videoMos, eModelMos]) expect(scored).toContain(`>${v.toFixed(2)}<`);
    expect(renderHtmlReport(syntheticResults())).not.toContain('data-chart="score"');
  });
});
