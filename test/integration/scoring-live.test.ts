// Issue 7 acceptance, live: a publisher whose camera plays a reference clip, the SFU, a subscriber recording what
// it displays (requestVideoFrameCallback + VideoFrame copy), scored against the clip. Real Chromium, real ffmpeg.
import { describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { defaultPixelsEveryNth } from '../../harness/media/capture-budget.ts';
import { buildTimeline, glassToGlass, median } from '../../harness/media/frame-timeline.ts';
import { scoreView } from '../../harness/media/score-video.ts';
import type { LayerConfig } from '../../harness/sfu/types.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';
import { CAPTURE_360P, callTrail, LAYERS_360P, startScoringLive } from '../helpers/scoring-live.ts';
import type { ScoringLive } from '../helpers/scoring-live.ts';

const chromium = requireChromium();
const ffmpeg = requireFfmpeg();

/** Stops both pages (flushing their captures), runs fn on what was recorded, then closes everything. */
async function recorded<T>(live: ScoringLive, fn: () => Promise<T>): Promise<T> {
  try {
    await live.session.stopPeer('sub');
    await live.session.stopPeer('pub');
    // Every video the subscriber showed (its m-line mid; not assumed to be '0').
    await live.sink.sync();
    const labels = [...new Set(live.sink.framesOf('sub').map((f) => f.label))];
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) await live.sink.waitForStats('sub', label);
    expect(live.sink.errors).toEqual([]);
    return await fn();
  } finally {
    await live.close();
  }
}

describe.skipIf(!chromium || !ffmpeg)('scoring what the subscriber saw', () => {
  test('top layer on a clean link: every displayed frame numbered, PSNR > 40 dB against the clip', async () => {
    // Gradient and test pattern: PSNR above 40 dB is what VP8 at 2 Mbps gives them at 720p; the deep fractal zoom
    // and the noise scene get ~30-35 dB from the codec itself, whatever the capture does.
    const clip = await ensureReferenceClip({ height: 720, durationS: 10, scenes: ['gradient', 'pattern'] });
    // The top layer at 4 Mbps (default 2 Mbps): PSNR at 2 Mbps sits at 40-42 dB on this clip, too near the bar to
    // tell a capture or alignment fault from the encoder's own rate-distortion on a loaded machine.
    const layers: LayerConfig[] = [
      { rid: 'l', scaleResolutionDownBy: 4, maxBitrateBps: 150_000 },
      { rid: 'm', scaleResolutionDownBy: 2, maxBitrateBps: 500_000 },
      { rid: 'h', scaleResolutionDownBy: 1, maxBitrateBps: 4_000_000 },
    ];
    // Pixels of every nth frame as a scored run copies them by default (harness/media/capture-budget.ts): copying
    // every 720p frame (~28 Mpx/s) starves the 2-core machine's subscriber, which then displays a few frames a
    // second, and a fresh CI machine did not reach 45 frames of the top layer in 40 s.
    const pixelsEveryNth = defaultPixelsEveryNth({ subscribers: 1, width: 1280, height: 720, fps: 30 });
    const live = await startScoringLive({ clipPath: clip.path, pixels: true, pixelsEveryNth, layers });
    // Top-layer frames with pixels: 30 of them (about 3 s) are scored.
    const top = () => live.sink.framesOf('sub').filter((f) => f.width === 1280 && f.pixelsAt !== null).length;
    // Up to 60 s: on a fresh 2-core CI machine the 720p simulcast call starts slowly (9-18 s here).
    await live.session.waitFor(() => top() >= 30, 60_000, '30 frames of the top layer with pixels').catch(async (e) => {
      console.log(`no top layer yet; the call so far:\n${callTrail(live)}`);
      await live.close();
      throw e;
    });
    console.log(`30 frames of the top layer with pixels ${(live.nowMs() / 1000).toFixed(1)} s after the start`);
    await recorded(live, async () => {
      const sub = live.sink.framesOf('sub');
      const stats = await live.sink.waitForStats('sub', sub[0].label);
      expect(live.session.errors).toEqual([]);
      expect(sub.every((f) => f.number !== null)).toBe(true);
      const timeline = buildTimeline(sub, clip.frames, clip.fps);
      // The last 30 top-layer slots with pixels: 720p VMAF runs ~15 fps here.
      const topSlots = timeline.slots.filter((s) => sub[s.frame].width === 1280 && sub[s.frame].pixelsAt !== null).slice(-30);
      expect(topSlots.length).toBe(30);
      const scores = await scoreView({ referencePath: clip.path, slots: topSlots, frameAt: (i) => live.sink.pixels(sub[i]), ffmpegPath: ffmpeg! });
      const psnr = scores.slots.reduce((a, s) => a + s.psnrDb, 0) / scores.slots.length;
      const vmaf = scores.slots.reduce((a, s) => a + (s.vmaf ?? 0), 0) / scores.slots.length;
      console.log(
        `top layer 1280x720 VP8, clean link, pixels of 1 frame in ${pixelsEveryNth}: ${scores.slots.length} slots, PSNR ${psnr.toFixed(2)} dB, VMAF ${vmaf.toFixed(2)}; ` +
          `capture ${stats.captured} frames, ${stats.missed} presented but missed by the capture; skipped ${timeline.skipped}`,
      );
      // The capture counts what it misses (nothing is hidden); 15% bounds that cost. Copying every 720p frame, 0-12
      // of ~125 were missed here and 7 of 72 on a fresh CI clone.
      expect(stats.missed).toBeLessThanOrEqual(stats.captured * 0.15);
      expect(psnr).toBeGreaterThan(40);
    });
  }, 120_000);

  test('a 1 s outage on the subscriber link: one freeze of 1 s +- 150 ms where the outage was, scores per second', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 12, scenes: ['pattern', 'gradient'] });
    const OUTAGE_AT_MS = 5000;
    const sc = scenario([phase('clean', 0, { capacity: { kind: 'constant', bps: 20_000_000 }, delayMs: 0 })], [{ type: 'outage', atMs: OUTAGE_AT_MS, durationMs: 1000, direction: 'down' }], 60_000);
    const live = await startScoringLive({ clipPath: clip.path, pixels: true, layers: LAYERS_360P, capture: CAPTURE_360P, subscriberScenario: sc });
    try {
      await live.session.waitFor(() => live.relayStartMs !== null && live.nowMs() > live.relayStartMs + OUTAGE_AT_MS + 2500, 20_000, 'the outage and 1.5 s after it');
    } catch (e) {
      await live.close();
      throw e;
    }
    await recorded(live, async () => {
      const sub = live.sink.framesOf('sub');
      const timeline = buildTimeline(sub, clip.frames, clip.fps);
      const outageMs = live.relayStartMs! + OUTAGE_AT_MS;
      const during = timeline.freezes.filter((f) => f.startMs + f.durationMs > outageMs && f.startMs < outageMs + 1000);
      console.log(`outage at ${Math.round(outageMs)} ms: freezes ${JSON.stringify(timeline.freezes.map((f) => ({ startMs: Math.round(f.startMs), durationMs: Math.round(f.durationMs) })))}, skipped ${timeline.skipped}`);
      expect(during).toHaveLength(1);
      expect(Math.abs(during[0].durationMs - 1000)).toBeLessThanOrEqual(150);
      // Per second on the run clock, seconds counted from the outage's start.
      const scores = await scoreView({ referencePath: clip.path, slots: timeline.slots, frameAt: (i) => live.sink.pixels(sub[i]), ffmpegPath: ffmpeg!, originMs: outageMs });
      console.log(`per second from the outage: ${scores.perSecond.map((s) => `${s.second}: VMAF ${s.vmaf?.toFixed(1)} PSNR ${s.psnrDb.toFixed(1)} (${s.slots} slots)`).join('; ')}`);
      const at = scores.perSecond.find((s) => s.second === 0)!;
      const before = scores.perSecond.filter((s) => s.second < 0 && s.second >= -2);
      expect(at.vmaf).not.toBeNull();
      expect(at.vmaf!).toBeLessThan(Math.min(...before.map((s) => s.vmaf!)));
    });
  }, 90_000);

  test('glass-to-glass latency: 50 ms one-way delay on the subscriber link adds 50 ms +- 20 ms', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 12, scenes: ['pattern', 'gradient'] });
    const measure = async (delayMs: number) => {
      const sc = scenario([phase('link', 0, { capacity: { kind: 'constant', bps: 20_000_000 }, delayMs }, { capacity: { kind: 'constant', bps: 20_000_000 }, delayMs: 0 })], [], 60_000);
      const live = await startScoringLive({ clipPath: clip.path, pixels: false, layers: LAYERS_360P, capture: CAPTURE_360P, subscriberScenario: sc });
      let firstMs = 0;
      try {
        await live.session.waitFor(() => live.sink.framesOf('sub').length > 0, 15_000, 'first frame');
        firstMs = live.nowMs();
        await live.session.waitFor(() => live.nowMs() > firstMs + 5000, 10_000, '5 s of video');
      } catch (e) {
        await live.close();
        throw e;
      }
      return recorded(live, async () => {
        const sub = live.sink.framesOf('sub').filter((f) => f.displayMs > firstMs + 2000); // after the start-up
        const pub = live.sink.framesOf('pub', 'local').filter((f) => f.number !== null && f.captureMs !== null);
        const lat = glassToGlass(sub, pub.map((f) => ({ captureMs: f.captureMs!, number: f.number! })), clip.frames, clip.fps);
        expect(lat.length).toBeGreaterThan(sub.length * 0.9);
        // The receiver's own stage of each frame: from its last packet's arrival (rVFC receiveTime) to its display.
        const playout = sub.filter((f) => f.receiveMs !== null).map((f) => f.displayMs - f.receiveMs!);
        expect(playout.length).toBeGreaterThan(sub.length * 0.9);
        return { g2gMs: median(lat.map((l) => l.latencyMs)), playoutMs: median(playout) };
      });
    };
    const base = await measure(0);
    const delayed = await measure(50);
    // The receiver's playout stage differs per call (jitter-buffer target, the display's vsync phase against the
    // 30 fps stream): 20-34 ms between calls here, so the raw difference of two calls' medians ranged 28-64 ms.
    // Capture to receive (glass-to-glass minus that stage) carries the link's delay: 47.6-54.0 ms added.
    const raw = delayed.g2gMs - base.g2gMs;
    const added = delayed.g2gMs - delayed.playoutMs - (base.g2gMs - base.playoutMs);
    console.log(
      `glass-to-glass median: ${base.g2gMs.toFixed(1)} ms without delay (receive -> display ${base.playoutMs.toFixed(1)} ms), ` +
        `${delayed.g2gMs.toFixed(1)} ms with 50 ms one-way (receive -> display ${delayed.playoutMs.toFixed(1)} ms); added ${raw.toFixed(1)} ms end to end, ${added.toFixed(1)} ms capture to receive`,
    );
    expect(Math.abs(added - 50)).toBeLessThanOrEqual(20);
    expect(Math.abs(raw - 50)).toBeLessThanOrEqual(20 + Math.abs(delayed.playoutMs - base.playoutMs));
  }, 90_000);
});
