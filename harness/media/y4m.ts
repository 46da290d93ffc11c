// YUV4MPEG2 (Y4M) 4:2:0 files: header, frame layout, random access by frame index (the format of mjpegtools'
// yuv4mpeg(5); what Chromium's --use-file-for-fake-video-capture and ffmpeg read).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface Y4mInfo {
  width: number;
  height: number;
  fps: number;
  /** Bytes before the first "FRAME". */
  headerBytes: number;
  /** Bytes of one frame's planes (Y + U + V). */
  frameBytes: number;
  frames: number;
}

const FRAME_TAG = 'FRAME\n';

export function y4mHeader(width: number, height: number, fps: number): string {
  return `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n`;
}

export function i420Bytes(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

/** Parses a Y4M header line (4:2:0 only, no per-frame parameters). */
export function parseY4mHeader(line: string, fileBytes: number, file = 'y4m'): Y4mInfo {
  if (!line.startsWith('YUV4MPEG2 ')) throw new Error(`${file}: not a YUV4MPEG2 file`);
  const fields = new Map<string, string>();
  for (const token of line.trim().split(' ').slice(1)) fields.set(token[0], token.slice(1));
  const width = Number(fields.get('W'));
  const height = Number(fields.get('H'));
  if (!(width > 0 && height > 0)) throw new Error(`${file}: header W/H missing or invalid`);
  const [num, den] = (fields.get('F') ?? '30:1').split(':').map(Number);
  const colour = fields.get('C') ?? '420jpeg';
  if (!colour.startsWith('420')) throw new Error(`${file}: colour space C${colour} is not 4:2:0`);
  const headerBytes = Buffer.byteLength(line) + (line.endsWith('\n') ? 0 : 1);
  const frameBytes = i420Bytes(width, height);
  const frames = Math.floor((fileBytes - headerBytes) / (FRAME_TAG.length + frameBytes));
  return { width, height, fps: num / (den || 1), headerBytes, frameBytes, frames };
}

/** Random access to the frames of a Y4M file (synchronous reads: scoring is a batch job). */
export class Y4mReader {
  readonly info: Y4mInfo;
  readonly path: string;
  private fd: number;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'r');
    const head = Buffer.alloc(256);
    const n = readSync(this.fd, head, 0, head.length, 0);
    const nl = head.subarray(0, n).indexOf(0x0a);
    if (nl < 0) throw new Error(`${path}: no Y4M header line`);
    this.info = parseY4mHeader(head.subarray(0, nl + 1).toString('latin1'), fstatSync(this.fd).size, path);
  }

  /** Frame `index` (0-based) into `into` (frameBytes long), I420 planes packed. */
  read(index: number, into: Uint8Array = new Uint8Array(this.info.frameBytes)): Uint8Array {
    if (index < 0 || index >= this.info.frames) throw new RangeError(`${this.path}: frame ${index} outside 0..${this.info.frames - 1}`);
    const pos = this.info.headerBytes + index * (FRAME_TAG.length + this.info.frameBytes) + FRAME_TAG.length;
    const got = readSync(this.fd, into, 0, this.info.frameBytes, pos);
    if (got !== this.info.frameBytes) throw new Error(`${this.path}: frame ${index} truncated`);
    return into;
  }

  close(): void {
    closeSync(this.fd);
  }
}
