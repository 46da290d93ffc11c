// A VMAF model that is missing or unreadable costs a scored run its VMAF only: PSNR/SSIM are still computed and
// vmafMissing carries the real reason (which the run's 'score-summary' and the report show), instead of the run
// crashing or the report guessing "ffmpeg without libvmaf".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { decodeFrames } from '../../harness/media/ffmpeg-frames.ts';
import { decodeMarker } from '../../harness/media/frame-marker.ts';
import { buildTimeline } from '../../harness/media/frame-timeline.ts';
import { scoreViewOrWithoutVmaf } from '../../harness/media/score-live.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';

const ffmpeg = requireFfmpeg();
const dir = mkdtempSync(join(tmpdir(), 'netqoe-vmaf-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ffmpeg)('scoring with a bad VMAF model', () => {
  test('missing model, unreadable model: PSNR/SSIM of every slot, VMAF null, the reason named; a good one scores VMAF', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 4 });
    const frames = (await decodeFrames(ffmpeg!, ['-t', '0.5', '-i', clip.path], clip.width, clip.height)).slice(0, 15);
    const timeline = buildTimeline(
      frames.map((f, i) => ({ displayMs: (i * 1000) / clip.fps, number: decodeMarker({ width: f.width, height: f.height, stride: f.width, data: f.data }), width: f.width, height: f.height })),
      clip.frames,
      clip.fps,
    );
    const view = (modelPath?: string) => scoreViewOrWithoutVmaf({ referencePath: clip.path, slots: timeline.slots, frameAt: (i) => frames[i], ffmpegPath: ffmpeg!, modelPath });

    const good = await view();
    expect(good.vmafMissing).toBeNull();
    expect(good.slots.every((s) => s.vmaf !== null && s.vmaf > 90)).toBe(true);

    const missing = await view(join(dir, 'no-such-model.json'));
    const nope = join(dir, 'no-such-model.json');
    expect(missing.vmafMissing).toBe(`VMAF failed (model ${nope}), PSNR/SSIM only: VMAF model ${nope} does not exist`);
    expect(missing.slots).toHaveLength(15);
    expect(missing.slots.every((s) => s.vmaf === null && s.psnrDb === 100 && s.ssim === 1)).toBe(true); // the clip against itself

    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, 'not a model');
    const unreadable = await view(garbage);
    console.log(`unreadable model: ${unreadable.vmafMissing}`);
    expect(unreadable.vmafMissing!.startsWith(`VMAF failed (model ${garbage}), PSNR/SSIM only: ffmpeg scoring failed`)).toBe(true);
    // Through NETQOE_VMAF_MODEL, as a user sets it: named as such.
    const viaEnv = await scoreViewOrWithoutVmaf({ referencePath: clip.path, slots: timeline.slots.slice(0, 3), frameAt: (i) => frames[i], ffmpegPath: ffmpeg!, env: { ...process.env, NETQOE_VMAF_MODEL: nope } });
    expect(viaEnv.vmafMissing).toBe(`VMAF failed (model ${nope}, NETQOE_VMAF_MODEL), PSNR/SSIM only: VMAF model ${nope} (NETQOE_VMAF_MODEL) does not exist`);
    expect(unreadable.slots.every((s) => s.vmaf === null && s.psnrDb === 100)).toBe(true);
  }, 60_000);
});
