// The score chart's model: per-subscriber series from a scored timeline, worst moments, tolerance of bad events.
import { describe, expect, it } from 'vitest';
import { hasScores, subscriberVideos, videoName, videoScores, worstMoments } from '../../reports/client/score-model.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';
import { syntheticScoredResults, syntheticScoredTimeline } from '../helpers/synthetic-scored-run.ts';

describe('score chart model', () => {
  it('splits the timeline per subscriber, sorted, with freezes and latency', () => {
    const peers = videoScores(syntheticScoredTimeline());
    expect(peers.map((p) => p.peerId)).toEqual(['sub-a', 'sub-b']);
    expect(peers[1].seconds).toHaveLength(40);
    expect(peers[1].freezes).toEqual([{ tMs: 20_050, durationMs: 1020 }]);
    expect(peers[0].freezes).toEqual([]);
    expect(peers[1].latency).toHaveLength(40);
    expect(peers[1].seconds.every((s, i) => i === 0 || s.tMs > peers[1].seconds[i - 1].tMs)).toBe(true);
  });

  it('picks the worst seconds at least 3 s apart: the outage first, then the dip at 8 s', () => {
    const [, b] = videoScores(syntheticScoredTimeline());
    expect(b.worst.map((w) => w.tMs)).toEqual([8000, 20_000, 23_000]);
    expect(b.worst.every((w) => w.metric === 'vmaf')).toBe(true);
    // Without VMAF the pick is on PSNR.
    const [, noVmaf] = videoScores(syntheticScoredTimeline({ withoutVmaf: true }));
    expect(noVmaf.worst[0].metric).toBe('psnr');
    expect(worstMoments([])).toEqual([]);
  });

  it("a run's stored thumbnails are its worst moments; anything but a JPEG data: URI is dropped", () => {
    const jpeg = 'data:image/jpeg;base64,/9j/2wBD';
    const [a, b] = videoScores(syntheticScoredTimeline({ thumbnails: { reference: jpeg, received: jpeg } }));
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
    expect(videoScores(moved)[1].worst.map((w) => w.tMs)).toEqual([8000, 20_000, 30_000]);
    const [, foreign] = videoScores(syntheticScoredTimeline({ thumbnails: { reference: 'https://example.com/a.jpg', received: jpeg } }));
    expect(foreign.thumbnails).toEqual([]);
    const [, svg] = videoScores(syntheticScoredTimeline({ thumbnails: { reference: 'data:image/svg+xml;base64,PHN2Zz4=', received: jpeg } }));
    expect(svg.thumbnails).toEqual([]);
  });

  it("carries each second's video MOS and the run's own reason for a missing VMAF", () => {
    const [a, b] = videoScores(syntheticScoredTimeline());
    expect(a.vmafMissing).toBeNull();
    // The frozen second (20 s: 950 ms of the 1020 ms freeze) is pulled towards 1; the second before is not.
    expect(b.seconds[19].videoMos).toBeGreaterThan(4);
    expect(b.seconds[20].videoMos).toBeLessThan(1.2);
    expect(b.seconds.every((s) => s.videoMos !== null && s.videoMos >= 1 && s.videoMos <= 5)).toBe(true);
    const [na, nb] = videoScores(syntheticScoredTimeline({ withoutVmaf: true, vmafMissing: 'NETQOE_VMAF_MODEL /nope.json: no such file' }));
    expect([na.vmafMissing, nb.vmafMissing]).toEqual(['NETQOE_VMAF_MODEL /nope.json: no such file', 'NETQOE_VMAF_MODEL /nope.json: no such file']);
    expect(nb.seconds.every((s) => s.videoMos === null)).toBe(true);
    // Results written before either was recorded: null, not a guess.
    const old = syntheticScoredTimeline({ withoutVmaf: true }).filter((e) => e.kind !== 'score-summary').map((e) => (e.kind === 'frame-score' ? { ...e, videoMos: undefined } : e));
    const [, ob] = videoScores(old);
    expect(ob.vmafMissing).toBeNull();
    expect(ob.seconds[20].videoMos).toBeNull();
  });

  it("a subscriber of two publishers: one series per video, each with only its own seconds, freeze, latency and summary", () => {
    const timeline = syntheticScoredTimeline({ secondVideo: true, withoutVmaf: false });
    const videos = videoScores(timeline);
    expect(videos.map((v) => [v.peerId, v.label])).toEqual([
      ['sub-a', '0'],
      ['sub-a', '1'],
      ['sub-b', '0'],
    ]);
    const [a0, a1, b0] = videos;
    // 40 seconds each: the two videos' seconds are not mixed into one 80-point line.
    expect(a0.seconds.map((s) => s.tMs)).toEqual(b0.seconds.map((s) => s.tMs));
    expect(a1.seconds).toHaveLength(40);
    expect(a0.seconds.every((s) => s.vmaf! > 75)).toBe(true);
    expect(a1.seconds.every((s) => s.vmaf! <= 70)).toBe(true);
    expect(a1.freezes).toEqual([{ tMs: 10_100, durationMs: 700 }]);
    expect(a0.freezes).toEqual([]);
    expect(a1.latency.every((l) => l.medianMs === 200)).toBe(true);
    expect(a0.latency.every((l) => l.medianMs < 200)).toBe(true);
    // The per-second MOS is the video's own: video 1's freeze second (10 s) is its low point, video 0 has none there.
    expect(a1.seconds[10].videoMos).toBeLessThan(a0.seconds[10].videoMos!);
    // Worst moments per video: video 1's freeze second is one of its own; video 0 has no mark there.
    expect(a1.worst.map((w) => w.tMs)).toContain(10_000);
    expect(a0.worst.map((w) => w.tMs)).not.toContain(10_000);
    // Grouped per subscriber for the chart: sub-a's block has both videos.
    expect(subscriberVideos(timeline).map((s) => [s.peerId, s.videos.map((v) => v.label)])).toEqual([
      ['sub-a', ['0', '1']],
      ['sub-b', ['0']],
    ]);
    // Without getStats samples the video is named by its mid; with them, by its publisher.
    expect(videos.map(videoName)).toEqual(['video 0', 'video 1', 'video 0']);
    const named = videoScores(syntheticScoredTimeline({ secondVideo: true, publishers: true }));
    expect(named.map((v) => v.publisherId)).toEqual(['pub-a', 'pub-b', null]);
    expect(named.map(videoName)).toEqual(['pub-a', 'pub-b', 'video 0']);
  });

  it("each video's missing-VMAF reason and thumbnails go to that video; unlabelled (older) results are one video per subscriber", () => {
    const timeline = syntheticScoredTimeline({ secondVideo: true, withoutVmaf: true }).map((e) =>
      e.kind === 'score-summary' ? { ...e, vmafMissing: `reason for ${e.peerId}/${e.label}` } : e,
    );
    expect(videoScores(timeline).map((v) => v.vmafMissing)).toEqual(['reason for sub-a/0', 'reason for sub-a/1', 'reason for sub-b/0']);
    const jpeg = 'data:image/jpeg;base64,/9j/2wBD';
    const thumbs = syntheticScoredTimeline({ secondVideo: true, thumbnails: { reference: jpeg, received: jpeg } });
    expect(videoScores(thumbs).map((v) => v.thumbnails.length)).toEqual([0, 0, 3]);
    // Older results: no label on the per-second events; the summary's label '0' still finds its (only) video.
    const old = videoScores(syntheticScoredTimeline({ unlabelled: true, withoutVmaf: true, thumbnails: { reference: jpeg, received: jpeg } }));
    expect(old.map((v) => [v.peerId, v.label, v.seconds.length])).toEqual([
      ['sub-a', null, 40],
      ['sub-b', null, 40],
    ]);
    expect(old[1].freezes).toHaveLength(1);
    expect(old[1].thumbnails).toHaveLength(3);
    expect(old[1].vmafMissing).toBe('ffmpeg has no libvmaf filter');
    expect(videoName(old[0])).toBe('');
  });

  it('skips malformed events and needs a frame-score to have a chart', () => {
    const odd = [null, { kind: 'frame-score', tMs: 'x', peerId: 'a' }, { kind: 'freeze', tMs: 0, peerId: 'a', durationMs: 100 }, 7];
    expect(videoScores(odd)).toEqual([]);
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
