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

  it("carries each second's video MOS and the run's own reason for a missing VMAF", () => {
    const [a, b] = peerScores(syntheticScoredTimeline());
    expect(a.vmafMissing).toBeNull();
    // The frozen second (20 s: 950 ms of the 1020 ms freeze) is pulled towards 1; the second before is not.
    expect(b.seconds[19].videoMos).toBeGreaterThan(4);
    expect(b.seconds[20].videoMos).toBeLessThan(1.2);
    expect(b.seconds.every((s) => s.videoMos !== null && s.videoMos >= 1 && s.videoMos <= 5)).toBe(true);
    const [na, nb] = peerScores(syntheticScoredTimeline({ withoutVmaf: true, vmafMissing: 'NETQOE_VMAF_MODEL /nope.json: no such file' }));
    expect([na.vmafMissing, nb.vmafMissing]).toEqual(['NETQOE_VMAF_MODEL /nope.json: no such file', 'NETQOE_VMAF_MODEL /nope.json: no such file']);
    expect(nb.seconds.every((s) => s.videoMos === null)).toBe(true);
    // Results written before either was recorded: null, not a guess.
    const old = syntheticScoredTimeline({ withoutVmaf: true }).filter((e) => e.kind !== 'score-summary').map((e) => (e.kind === 'frame-score' ? { ...e, videoMos: undefined } : e));
    const [, ob] = peerScores(old);
    expect(ob.vmafMissing).toBeNull();
    expect(ob.seconds[20].videoMos).toBeNull();
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

  it("the summary table shows a scored run's VMAF, PSNR and SSIM (SSIM to 4 decimals), from the catalogue", () => {
    const results = syntheticScoredResults();
    Object.assign(results.runs[0].metrics, { vmaf: 88.4567, psnrDb: 41.234, ssim: 0.97129, glassToGlassMs: 124.4 });
    const html = renderHtmlReport(results);
    const table = html.slice(html.indexOf('<table class="summary'), html.indexOf('</table>', html.indexOf('<table class="summary')));
    expect(table).toMatch(/<th class="metric" title="vmaf: [^"]*">vmaf/);
    expect(table).toContain('>88.5<');
    expect(table).toContain('>41.23<');
    expect(table).toContain('>0.9713<');
    expect(table).toContain('>124<');
  });
});
