// A small JPEG of one I420 frame, by ffmpeg (area scaling, then full-range yuvj420p for the mjpeg encoder), for the
// report's worst-moment thumbnails; as a data: URI so the HTML report stays self-contained and offline.
import { spawn } from 'node:child_process';
import type { I420Frame } from './i420.ts';
import { i420Size } from './i420.ts';

export interface JpegThumbnail {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** Thumbnail size for a frame: widthPx wide (even), height even and in proportion. */
export function thumbnailSize(width: number, height: number, widthPx: number): { width: number; height: number } {
  const w = Math.max(2, widthPx & ~1);
  return { width: w, height: Math.max(2, 2 * Math.round((w * height) / width / 2)) };
}

/**
 * The frame scaled to `size` (a lower layer is scaled up, as the viewer's <video> does) as JPEG.
 * qscale 2 (best) .. 31; 6 keeps a 160x90 thumbnail around 3-5 kB.
 */
export async function jpegThumbnail(ffmpegPath: string, frame: I420Frame, size: { width: number; height: number }, qscale = 6): Promise<JpegThumbnail> {
  if (frame.data.length < i420Size(frame.width, frame.height)) throw new Error(`frame ${frame.width}x${frame.height} has ${frame.data.length} bytes, fewer than I420 needs`);
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${frame.width}x${frame.height}`, '-i', 'pipe:0',
    '-vf', `scale=${size.width}:${size.height}:flags=area,format=yuvj420p`,
    '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', String(qscale), '-f', 'image2pipe', 'pipe:1',
  ];
  const jpeg = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // ffmpeg may exit before reading all of stdin on an error: the close/exit code says what went wrong.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg JPEG thumbnail failed (exit ${code}): ${stderr.trim().slice(-400)}`))));
    child.stdin.end(frame.data.subarray(0, i420Size(frame.width, frame.height)));
  });
  return { jpeg, width: size.width, height: size.height };
}

export function jpegDataUri(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
