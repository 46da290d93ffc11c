// Scoring speed (issue 7): the whole scoring of a 60 s 360p30 recording (displayed-frame timeline, rebuild at the
// reference size, ffmpeg VMAF + PSNR + SSIM, per-second aggregation) in wall seconds against the 60 s target.
// The "recording" is the reference clip through x264 at 600 kbps with a 1 s freeze and a 0.5 s stretch at 15 fps
// cut into its display times; its frames are held in memory as the frame sink's spill file would give them.
// Run under the lock: flock /tmp/netqoe-live.lock node bench/scoring.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReferenceClip } from '../fixtures/reference-clips.ts';
import { resolveFfmpeg } from '../harness/media/ffmpeg-path.ts';
import { decodeFrames, encodeClip } from '../harness/media/ffmpeg-frames.ts';
import { decodeMarker } from '../harness/media/frame-marker.ts';
import { buildTimeline } from '../harness/media/frame-timeline.ts';
import type { DisplayedFrame } from '../harness/media/frame-timeline.ts';
import { scoreView } from '../harness/media/score-video.ts';

const DURATION_S = Number(process.env.BENCH_SCORING_S ?? 60);
const TARGET_S = DURATION_S; // real time: scoring a minute may take at most a minute
const found = resolveFfmpeg();
if ('missing' in found) {
  console.log(`skipped: ${found.missing}`);
  process.exit(0);
}
const ffmpeg = found.path;
const clip = await ensureReferenceClip({ height: 360, durationS: DURATION_S });
const dir = mkdtempSync(join(tmpdir(), 'netqoe-bench-scoring-'));
try {
  const encoded = join(dir, 'received.mp4');
  await encodeClip(ffmpeg, clip.path, encoded, 'h264', 600_000);
  const frames = await decodeFrames(ffmpeg, ['-i', encoded], clip.width, clip.height);
  // Display times: 30 fps, frames 300..329 never shown (a 1 s freeze at 10 s), every other frame of 600..614 dropped.
  const shown = frames.map((f, i) => ({ f, i })).filter(({ i }) => !(i >= 300 && i < 330) && !(i >= 600 && i < 615 && i % 2 === 1));
  const t0 = performance.now();
  const displayed: DisplayedFrame[] = shown.map(({ f, i }) => ({ displayMs: (i * 1000) / clip.fps, number: decodeMarker({ width: f.width, height: f.height, stride: f.width, data: f.data }), width: f.width, height: f.height }));
  const markerMs = performance.now() - t0;
  console.log(`recording: ${DURATION_S} s 360p30 x264 600 kbps, ${displayed.length} frames displayed; reading their markers in Node took ${(markerMs / 1000).toFixed(2)} s (the pages do this while capturing)`);
  const rows: string[] = [];
  for (const mode of [
    { name: 'every frame, VMAF on every frame', everyNth: 1, vmafSubsample: 1 },
    { name: 'every frame, VMAF on every 2nd', everyNth: 1, vmafSubsample: 2 },
    { name: 'every frame, VMAF on every 3rd', everyNth: 1, vmafSubsample: 3 },
  ]) {
    const s0 = performance.now();
    const timeline = buildTimeline(displayed, clip.frames, clip.fps);
    const scores = await scoreView({ referencePath: clip.path, slots: timeline.slots, frameAt: (k) => shown[k].f, everyNth: mode.everyNth, vmafSubsample: mode.vmafSubsample, ffmpegPath: ffmpeg });
    const wallS = (performance.now() - s0) / 1000;
    const vmafFrames = scores.slots.filter((s) => s.vmaf !== null).length;
    const vmafMean = scores.slots.reduce((a, s) => a + (s.vmaf ?? 0), 0) / Math.max(1, vmafFrames);
    rows.push(
      `${mode.name.padEnd(34)} ${wallS.toFixed(1).padStart(6)} s  ${(wallS / TARGET_S).toFixed(2).padStart(5)} x target  ` +
        `slots ${scores.slots.length}/${timeline.slots.length}, VMAF on ${vmafFrames} (slots 0, ${mode.vmafSubsample}, ${2 * mode.vmafSubsample}, ...)  ` +
        `rebuild ${(scores.rebuildMs / 1000).toFixed(1)} s, ffmpeg ${(scores.ffmpegMs / 1000).toFixed(1)} s  mean VMAF ${vmafMean.toFixed(2)}, freezes ${timeline.freezes.length}, skipped ${timeline.skipped}`,
    );
    console.log(rows[rows.length - 1]);
  }
  console.log(`target: whole scoring <= ${TARGET_S} s wall (1.00 x) on this machine`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
