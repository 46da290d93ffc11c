// Worst-moment thumbnails on real ffmpeg, no browser: an x264 encode of the 360p clip with a frozen second is
// scored, the moments picked, and both thumbnails of each are whole JPEGs of the stated size; the frozen moment's
// received picture differs from the reference that was due, the others' stay close to theirs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { decodeFrames, encodeClip } from '../../harness/media/ffmpeg-frames.ts';
import { decodeMarker } from '../../harness/media/frame-marker.ts';
import { buildTimeline } from '../../harness/media/frame-timeline.ts';
import type { DisplayedFrame } from '../../harness/media/frame-timeline.ts';
import { momentThumbnails } from '../../harness/media/moment-thumbnails.ts';
import { scoreView } from '../../harness/media/score-video.ts';
import { decodeJpeg, jpegFromDataUri, jpegInfo, lumaMad } from '../helpers/jpeg-info.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';

const ffmpeg = requireFfmpeg();
const dir = mkdtempSync(join(tmpdir(), 'netqoe-thumbs-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ffmpeg)('worst-moment thumbnails', () => {
  test('a frozen second of an x264 encode: JPEG pairs of 160x90, the frozen one differs from what was due', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 4 });
    const out = join(dir, 'mid.mp4');
    await encodeClip(ffmpeg!, clip.path, out, 'h264', 400_000);
    const frames = await decodeFrames(ffmpeg!, ['-i', out], clip.width, clip.height);
    // The first 3 s (the 4th, noise, breaks x264 at this rate). Frames 45..74 never shown: frame 44 stays on
    // screen for 31 periods (1.47 s to 2.5 s), half of second 1 and of second 2.
    const shown = frames.map((f, i) => ({ f, i })).filter(({ i }) => i < 90 && (i < 45 || i >= 75));
    const displayed: DisplayedFrame[] = shown.map(({ f, i }) => ({ displayMs: (i * 1000) / clip.fps, number: decodeMarker({ width: f.width, height: f.height, stride: f.width, data: f.data }), width: f.width, height: f.height }));
    const timeline = buildTimeline(displayed, clip.frames, clip.fps);
    expect(timeline.freezes).toHaveLength(1);
    const scores = await scoreView({ referencePath: clip.path, slots: timeline.slots, frameAt: (k) => shown[k].f, ffmpegPath: ffmpeg! });
    const t0 = performance.now();
    const events = await momentThumbnails({
      peerId: 'sub',
      label: '1',
      referencePath: clip.path,
      ffmpegPath: ffmpeg!,
      fps: clip.fps,
      scoredInput: timeline.slots,
      scores,
      freezes: timeline.freezes,
      displayMsOf: (k) => displayed[k].displayMs,
      pixelsOf: (k) => shown[k].f,
      // Every second, to get both kinds: with 3 s spacing the frozen second 1 would be alone.
      pick: { count: 3, spacingMs: 1000 },
    });
    console.log(`3 moments, 6 thumbnails in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(events.map((e) => [e.second, e.frozen])).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    for (const f of events.filter((e) => e.frozen)) {
      expect(f.shownNumber).toBe(44);
      expect(f.referenceNumber).toBe(44 + Math.round(f.heldMs / (1000 / clip.fps)));
      expect(f.heldMs).toBeGreaterThan(400);
    }
    const mads: number[] = [];
    for (const e of events) {
      const ref = jpegFromDataUri(e.reference);
      const rec = jpegFromDataUri(e.received);
      expect(jpegInfo(ref)).toEqual({ width: 160, height: 90 });
      expect(jpegInfo(rec)).toEqual({ width: 160, height: 90 });
      expect(e.reference.length + e.received.length).toBeLessThan(20_000); // a few kB each in results.json
      const mad = lumaMad(await decodeJpeg(ffmpeg!, ref), await decodeJpeg(ffmpeg!, rec));
      mads.push(mad);
      console.log(`moment ${e.second} s (${e.frozen ? `frozen ${e.heldMs} ms` : 'fresh'}): shown ${e.shownNumber}, reference ${e.referenceNumber}, VMAF ${e.vmaf}, PSNR ${e.psnrDb} dB; thumbnails ${ref.length} + ${rec.length} B, luma MAD ${mad.toFixed(2)}`);
    }
    expect(events[0].referenceNumber).toBe(events[0].shownNumber);
    // The frozen picture is far from what was due; the coded one close to its own reference.
    expect(mads[1]).toBeGreaterThan(3 * mads[0]);
    expect(mads[2]).toBeGreaterThan(3 * mads[0]);
  }, 120_000);
});
