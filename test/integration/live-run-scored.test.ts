// A live run with `score`: the publishers' camera plays the numbered 720p clip, the subscriber records what it
// shows, and the run's timeline gets per-second 'frame-score' (VMAF/PSNR/SSIM), 'latency' and any 'freeze', and
// the worst moments' thumbnails ('frame-thumbnail'). A 1 s downlink outage makes a freeze: its frozen frame gets
// pixels although the pages copy only every 3rd (frame-capture.ts FROZEN_GAP_MS).
import { describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { jpegThumbnail } from '../../harness/media/jpeg-thumbnail.ts';
import { Y4mReader } from '../../harness/media/y4m.ts';
import { exitCodeForRuns } from '../../harness/run/run-matrix.ts';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { decodeJpeg, jpegFromDataUri, jpegInfo, lumaMad } from '../helpers/jpeg-info.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';

const chromium = requireChromium();
const ffmpeg = requireFfmpeg();
const SCENARIO = `name: live-scored
duration: 10s
mode: live
network:
  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }
webrtc:
  subscribers:
    - id: s1
      events:
        - { type: outage, at: 4s, duration: 1s, direction: down }
expect:
  vmaf: "> 20"
  psnr: "> 20"
  glassToGlass: "< 1000ms"
  # Cannot hold (a VMAF of a compressed call with a freeze): the gate must fail it.
  video: "> 4.99"
`;

describe.skipIf(!chromium || !ffmpeg)('live run, scored', () => {
  test('a 10 s call with a 1 s outage on the downlink, scored: frame-score per second with VMAF, latency per second, videoMos, worst-moment thumbnails', async () => {
    const s = parseScenarioText(SCENARIO, '/tmp/live-scored.yaml');
    const started = performance.now();
    const [run] = await runLiveScenario(s, { score: { pixelsEveryNth: 3 } });
    expect(run.error).toBeUndefined();
    const scores = run.timeline.flatMap((e) => (e.kind === 'frame-score' ? [e] : []));
    const latency = run.timeline.flatMap((e) => (e.kind === 'latency' ? [e] : []));
    console.log(
      `scored 10 s live run in ${((performance.now() - started) / 1000).toFixed(1)} s wall: ` +
        scores.map((e) => `${e.tMs / 1000}s VMAF ${e.vmaf} PSNR ${e.psnrDb} (${e.framesScored}/${e.framesDisplayed})`).join('; ') +
        `; latency ${latency.map((e) => e.medianMs).join(', ')} ms; videoMos ${run.metrics.videoMos}`,
    );
    expect(scores.length).toBeGreaterThanOrEqual(3);
    // s1 is the only subscriber: every score is its own.
    expect(new Set(scores.map((e) => e.peerId))).toEqual(new Set(['s1']));
    // Every per-second event names the video it belongs to: the one score-summary's label (s1's only m-line).
    const labels = run.timeline.flatMap((e) => (e.kind === 'score-summary' ? [e.label] : []));
    expect(labels).toHaveLength(1);
    const perVideo = run.timeline.flatMap((e) => (e.kind === 'frame-score' || e.kind === 'latency' || e.kind === 'freeze' ? [e.label] : []));
    expect(new Set(perVideo)).toEqual(new Set(labels));
    expect(scores.every((e) => e.vmaf !== null && e.vmaf > 20 && e.vmaf <= 100 && e.psnrDb > 20 && e.ssim > 0.5)).toBe(true);
    expect(scores.every((e) => e.framesScored <= e.framesDisplayed && e.framesScored > 0)).toBe(true);
    expect(latency.length).toBeGreaterThanOrEqual(3);
    expect(latency.every((e) => e.medianMs > 20 && e.medianMs < 1000)).toBe(true); // 2 x 20 ms of link at least one way... and sane
    expect(run.metrics.videoMos).toBeGreaterThan(1);
    // Which P.1203 produced p1203LiveMos (the trees are not shipped: the parametric estimate unless set).
    expect(run.metrics.p1203LiveMos).toBeGreaterThan(1);
    expect(run.models?.p1203).toBe(process.env.NETQOE_P1203_TREES ? 'random-forest' : 'parametric-estimate');

    // The summary per subscriber video ('score-summary') and the worst one's figures in the run's metrics.
    const summaries = run.timeline.flatMap((e) => (e.kind === 'score-summary' ? [e] : []));
    const m = run.metrics;
    console.log(`score-summary ${JSON.stringify(summaries)}; metrics ${JSON.stringify({ vmaf: m.vmaf, psnrDb: m.psnrDb, ssim: m.ssim, glassToGlassMs: m.glassToGlassMs, capturedFrameRatio: m.capturedFrameRatio, skippedFrames: m.skippedFrames, undecodableFrames: m.undecodableFrames, displayedFreezeCount: m.displayedFreezeCount, displayedFreezesS: m.displayedFreezesS })}`);
    expect(summaries.map((e) => e.peerId)).toEqual(['s1']);
    const [sum] = summaries;
    expect(sum.vmafMissing).toBeNull();
    expect(sum.displayed).toBeGreaterThanOrEqual(scores.length); // a frame at least in every scored second
    expect(m.vmaf).toBeCloseTo(sum.vmafMean!, 1);
    expect(m.vmaf).toBeGreaterThan(20);
    expect(m.vmaf).toBeLessThanOrEqual(100);
    expect(m.psnrDb).toBeCloseTo(sum.psnrMeanDb!, 1);
    expect(m.psnrDb).toBeGreaterThan(20);
    expect(m.ssim).toBeGreaterThan(0.5);
    expect(m.ssim).toBeLessThanOrEqual(1);
    expect(m.glassToGlassMs).toBeCloseTo(sum.glassToGlassMedianMs!, 0);
    expect(m.glassToGlassMs).toBeGreaterThan(20);
    expect(m.glassToGlassMs).toBeLessThan(1000);
    expect(m.capturedFrameRatio).toBeGreaterThan(0.5);
    expect(m.capturedFrameRatio).toBeLessThanOrEqual(1);
    expect(m.skippedFrames).toBe(sum.skipped);
    expect(m.undecodableFrames).toBe(sum.undecodable);
    // The 1 s outage is a freeze in the displayed-frame timeline.
    expect(m.displayedFreezeCount).toBeGreaterThanOrEqual(1);
    expect(m.displayedFreezesS).toBeGreaterThanOrEqual(0.5);
    // The expectations gate on them: the reachable ones hold, "video MOS > 4.99" fails, so the run exits 1.
    expect(run.expectations.map((e) => [e.metric, e.pass])).toEqual([
      ['vmaf', true],
      ['psnrDb', true],
      ['glassToGlassMs', true],
      ['videoMos', false],
    ]);
    expect(run.expectations[0].actual).toBe(m.vmaf);
    expect(exitCodeForRuns([run])).toBe(1);

    // The per-second video MOS: on every scored second, and lower in a second the freeze covers than in any
    // second without a freeze (a frozen part of the second is pulled to MOS 1).
    expect(scores.every((e) => typeof e.videoMos === 'number' && e.videoMos >= 1 && e.videoMos <= 5)).toBe(true);
    const freezesAll = run.timeline.flatMap((e) => (e.kind === 'freeze' ? [e] : []));
    const frozenIn = (t: number) => freezesAll.reduce((a, f) => a + Math.max(0, Math.min(t + 1000, f.tMs + f.durationMs) - Math.max(t, f.tMs)), 0);
    const mostFrozen = [...scores].sort((a, b) => frozenIn(b.tMs) - frozenIn(a.tMs))[0];
    const clear = scores.filter((e) => frozenIn(e.tMs) === 0);
    expect(frozenIn(mostFrozen.tMs)).toBeGreaterThanOrEqual(500);
    expect(clear.length).toBeGreaterThanOrEqual(2);
    expect(mostFrozen.videoMos!).toBeLessThan(Math.min(...clear.map((e) => e.videoMos!)));

    // The worst moments' thumbnails: whole 160x90 JPEGs. The outage's frozen moment: its received picture is
    // further from the reference that was due than from the reference of the frame it shows (thumbnailed here).
    const clip = await ensureReferenceClip({ height: 720, durationS: 10 });
    const reader = new Y4mReader(clip.path);
    const thumbs = run.timeline.flatMap((e) => (e.kind === 'frame-thumbnail' ? [e] : []));
    const freezes = run.timeline.flatMap((e) => (e.kind === 'freeze' ? [e] : []));
    const lines: string[] = [];
    const checks: { heldMs: number; dueMad: number; shownMad: number }[] = [];
    try {
      for (const t of thumbs) {
        const ref = jpegFromDataUri(t.reference);
        const rec = jpegFromDataUri(t.received);
        expect(jpegInfo(ref)).toEqual({ width: 160, height: 90 });
        expect(jpegInfo(rec)).toEqual({ width: 160, height: 90 });
        const received = await decodeJpeg(ffmpeg!, rec);
        const dueMad = lumaMad(await decodeJpeg(ffmpeg!, ref), received);
        const shownRef = await jpegThumbnail(ffmpeg!, { width: reader.info.width, height: reader.info.height, data: reader.read(t.shownNumber) }, { width: 160, height: 90 });
        const shownMad = lumaMad(await decodeJpeg(ffmpeg!, shownRef.jpeg), received);
        if (t.frozen) checks.push({ heldMs: t.heldMs, dueMad, shownMad });
        lines.push(`${t.tMs} ms ${t.frozen ? `frozen ${t.heldMs} ms` : 'fresh'} shown ${t.shownNumber} ref ${t.referenceNumber} VMAF ${t.vmaf} PSNR ${t.psnrDb}: ${ref.length}+${rec.length} B, luma MAD vs due ${dueMad.toFixed(1)}, vs shown ${shownMad.toFixed(1)}`);
      }
    } finally {
      reader.close();
    }
    console.log(`freezes ${freezes.map((f) => `${f.tMs}+${f.durationMs}`).join(', ')}; thumbnails: ${lines.join('; ')}`);
    expect(thumbs.length).toBeGreaterThanOrEqual(1);
    expect(thumbs.length).toBeLessThanOrEqual(3);
    // The outage froze the picture for most of a second: that moment is picked, and it was held >= 0.5 s.
    const outage = checks.sort((a, b) => b.heldMs - a.heldMs)[0];
    expect(outage?.heldMs).toBeGreaterThanOrEqual(500);
    expect(outage.dueMad).toBeGreaterThan(2 * outage.shownMad);
  }, 120_000);
});
