// The scoring pipeline on real ffmpeg encodes, no browser: the marker survives the low simulcast layer's codec
// and rate, and the pipeline's VMAF (decode marker -> align -> rebuild -> score) equals ffmpeg's direct score.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { decodeFrames, encodeClip } from '../../harness/media/ffmpeg-frames.ts';
import { decodeMarker } from '../../harness/media/frame-marker.ts';
import { buildTimeline } from '../../harness/media/frame-timeline.ts';
import type { DisplayedFrame } from '../../harness/media/frame-timeline.ts';
import type { I420Frame } from '../../harness/media/i420.ts';
import { scoreView } from '../../harness/media/score-video.ts';
import { scorePair } from '../../harness/media/vmaf.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';

const ffmpeg = requireFfmpeg();
const dir = mkdtempSync(join(tmpdir(), 'netqoe-scoring-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const numberOf = (f: I420Frame) => decodeMarker({ width: f.width, height: f.height, stride: f.width, data: f.data });
const mean = (v: readonly (number | null)[]) => {
  const x = v.filter((e): e is number => e !== null);
  return x.reduce((a, b) => a + b, 0) / x.length;
};

describe.skipIf(!ffmpeg)('scoring pipeline on real encodes', () => {
  test.each(['vp8', 'h264'] as const)('the marker survives %s at the low simulcast layer (720p /4, 150 kbps)', async (codec) => {
    const clip = await ensureReferenceClip({ height: 720, durationS: 4 });
    const out = join(dir, `low.${codec === 'vp8' ? 'webm' : 'mp4'}`);
    await encodeClip(ffmpeg!, clip.path, out, codec, 150_000, 4);
    const frames = await decodeFrames(ffmpeg!, ['-i', out], 320, 180);
    expect(frames.length).toBe(clip.frames);
    const wrong = frames.map((f, i) => ({ i, n: numberOf(f) })).filter(({ i, n }) => n !== i);
    console.log(`${codec} 320x180 150 kbps: ${frames.length - wrong.length}/${frames.length} frame numbers read`);
    expect(wrong.filter(({ n }) => n !== null)).toEqual([]); // never a wrong number
    expect(wrong.length).toBeLessThanOrEqual(frames.length * 0.01);
  }, 120_000);

  test('pipeline VMAF of an x264 encode is within 1 point of ffmpeg scoring the same files directly', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 4 });
    const out = join(dir, 'mid.mp4');
    await encodeClip(ffmpeg!, clip.path, out, 'h264', 400_000);
    const frames = await decodeFrames(ffmpeg!, ['-i', out], clip.width, clip.height);
    const displayed: DisplayedFrame[] = frames.map((f, i) => ({ displayMs: (i * 1000) / clip.fps, number: numberOf(f), width: f.width, height: f.height }));
    const timeline = buildTimeline(displayed, clip.frames, clip.fps);
    expect(timeline.undecodable).toBe(0);
    expect(timeline.freezes).toEqual([]);
    const piped = await scoreView({ referencePath: clip.path, slots: timeline.slots, frameAt: (i) => frames[i], ffmpegPath: ffmpeg! });
    const direct = await scorePair({ ffmpegPath: ffmpeg!, distorted: ['-i', out], reference: ['-i', clip.path] });
    expect(piped.vmafMissing).toBeNull();
    const pv = mean(piped.slots.map((s) => s.vmaf));
    const dv = mean(direct.vmaf!);
    console.log(`x264 400 kbps 360p: pipeline VMAF ${pv.toFixed(2)} vs direct ${dv.toFixed(2)}; PSNR ${mean(piped.slots.map((s) => s.psnrDb)).toFixed(2)} vs ${mean(direct.psnrDb).toFixed(2)} dB`);
    expect(Math.abs(pv - dv)).toBeLessThan(1);
    expect(pv).toBeGreaterThan(20); // a real score, not an empty log
    expect(pv).toBeLessThan(99.5); // and of a distorted clip
    expect(piped.perSecond.map((s) => s.second)).toEqual([0, 1, 2, 3]);
    expect(piped.perSecond.every((s) => s.slots === 30 && s.scored === 30)).toBe(true);
  }, 120_000);

  test('a frozen second: the frozen frame is paired with the reference it shows; the timeline has one freeze', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 4 });
    const frames = await decodeFrames(ffmpeg!, ['-i', clip.path], clip.width, clip.height);
    // Frames 30..59 never shown: frame 29 stays on screen for 31 periods.
    const shown = frames.map((f, i) => ({ f, i })).filter(({ i }) => i < 30 || i >= 60);
    const displayed: DisplayedFrame[] = shown.map(({ f, i }) => ({ displayMs: (i * 1000) / clip.fps, number: numberOf(f), width: f.width, height: f.height }));
    const timeline = buildTimeline(displayed, clip.frames, clip.fps);
    expect(timeline.freezes).toHaveLength(1);
    expect(timeline.freezes[0].durationMs).toBeCloseTo((31 * 1000) / 30, 6);
    expect(timeline.skipped).toBe(30);
    const scored = await scoreView({ referencePath: clip.path, slots: timeline.slots, frameAt: (k) => shown[k].f, ffmpegPath: ffmpeg! });
    const frozen = scored.slots.filter((s) => s.referenceNumber === 29);
    expect(frozen).toHaveLength(31);
    // Identical pixels against the reference they show: PSNR at the ceiling.
    expect(frozen.every((s) => s.psnrDb === 100)).toBe(true);
  }, 120_000);

  test('an ffmpeg without libvmaf still gives PSNR/SSIM, and says why VMAF is missing', async () => {
    // A wrapper that hides the libvmaf filter from `-h filter=libvmaf`, as a build without it answers.
    const fake = join(dir, 'ffmpeg-no-vmaf');
    writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do [ "$a" = filter=libvmaf ] && { echo "Unknown filter 'libvmaf'." >&2; exit 1; }; done\nexec '${ffmpeg}' "$@"\n`);
    chmodSync(fake, 0o755);
    const clip = await ensureReferenceClip({ height: 360, durationS: 4 });
    const r = await scorePair({ ffmpegPath: fake, distorted: ['-t', '0.334', '-i', clip.path], reference: ['-t', '0.334', '-i', clip.path] });
    expect(r.vmaf).toBeNull();
    expect(r.vmafMissing).toMatch(/without libvmaf/);
    expect(r.psnrDb).toHaveLength(10);
    expect(r.ssim.every((v) => v === 1)).toBe(true);
  }, 60_000);
});
