// Runs ffmpeg to encode or decode whole clips: decoded frames as packed I420 (for tests, benches, and scoring a
// recorded file), and one-shot encodes (x264 / VP8) that stand in for a codec at a given rate and scale.
import { spawn } from 'node:child_process';
import { spawnFfmpeg } from './ffmpeg-run.ts';
import type { I420Frame } from './i420.ts';
import { i420Size } from './i420.ts';

/** Every frame of `input` (ffmpeg input args) as I420 at width x height (ffmpeg scales when they differ). */
export async function decodeFrames(ffmpegPath: string, input: string[], width: number, height: number): Promise<I420Frame[]> {
  const size = i420Size(width, height);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input, '-vf', `scale=${width}:${height}`, '-pix_fmt', 'yuv420p', '-f', 'rawvideo', 'pipe:1'];
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const frames: I420Frame[] = [];
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= size) {
      frames.push({ width, height, data: new Uint8Array(pending.subarray(0, size)) });
      pending = pending.subarray(size);
    }
  }
  const code = await new Promise<number>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('close', (c) => r(c ?? 1))));
  if (code !== 0) throw new Error(`ffmpeg decode of ${input.join(' ')} failed (exit ${code}): ${stderr.trim().slice(-500)}`);
  return frames;
}

/** Encodes `inputPath` to `outPath` with the codec at `rateBps`, scaled down by `scaleDownBy` (1 = full size). */
export async function encodeClip(ffmpegPath: string, inputPath: string, outPath: string, codec: 'h264' | 'vp8', rateBps: number, scaleDownBy = 1): Promise<void> {
  const codecArgs =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', String(rateBps), '-maxrate', String(rateBps), '-bufsize', String(rateBps)]
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', String(rateBps), '-minrate', String(rateBps), '-maxrate', String(rateBps)];
  const vf = scaleDownBy === 1 ? [] : ['-vf', `scale=iw/${scaleDownBy}:ih/${scaleDownBy}`];
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', inputPath, ...vf, ...codecArgs, '-g', '300', outPath];
  const r = await spawnFfmpeg(ffmpegPath, args);
  if (r.code !== 0) throw new Error(`ffmpeg encode failed (exit ${r.code}): ${r.stderr.trim().slice(-500)}`);
}
