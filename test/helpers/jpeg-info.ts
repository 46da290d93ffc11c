// Checks a thumbnail is a whole JPEG (SOI ... EOI) and reads its size from the frame header (SOF0-SOF15, not
// DHT/JPG/DAC), and decodes it with ffmpeg to I420 for pixel comparisons.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrames } from '../../harness/media/ffmpeg-frames.ts';
import type { I420Frame } from '../../harness/media/i420.ts';

export function jpegFromDataUri(uri: string): Buffer {
  const prefix = 'data:image/jpeg;base64,';
  if (!uri.startsWith(prefix)) throw new Error(`not a JPEG data URI: ${uri.slice(0, 40)}`);
  return Buffer.from(uri.slice(prefix.length), 'base64');
}

/** Width/height from the SOF segment; throws when the markers are not those of a complete JPEG. */
export function jpegInfo(jpeg: Buffer): { width: number; height: number } {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('no SOI marker');
  if (jpeg[jpeg.length - 2] !== 0xff || jpeg[jpeg.length - 1] !== 0xd9) throw new Error('no EOI marker');
  let i = 2;
  while (i + 4 <= jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error(`no marker at byte ${i}`);
    const m = jpeg[i + 1];
    const len = jpeg.readUInt16BE(i + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF segment');
}

/** The JPEG decoded by ffmpeg at its own size. */
export async function decodeJpeg(ffmpegPath: string, jpeg: Buffer): Promise<I420Frame> {
  const { width, height } = jpegInfo(jpeg);
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-jpeg-'));
  try {
    const file = join(dir, 'thumb.jpg');
    writeFileSync(file, jpeg);
    const frames = await decodeFrames(ffmpegPath, ['-i', file], width, height);
    if (frames.length !== 1) throw new Error(`ffmpeg decoded ${frames.length} frames from one JPEG`);
    return frames[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean absolute difference of the Y planes (same size). */
export function lumaMad(a: I420Frame, b: I420Frame): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const n = a.width * a.height;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / n;
}
