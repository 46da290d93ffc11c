// What one encoded segment holds, read back with ffmpeg alone (no ffprobe in the npm ffmpeg): its video packets
// in decode order (ffmpeg's framecrc muxer: timestamps, durations, keyframe flags set by the demuxer from the
// bitstream) and the stream's resolution.
import { runTool } from '../../harness/media/ffmpeg-run.ts';

export interface SegmentPacket {
  ptsS: number;
  durationS: number;
  key: boolean;
  bytes: number;
}

/**
 * framecrc lines: "#tb 0: 1/90000" then "0, dts, pts, duration, size, 0xcrc[, F=0x0][, S=...]". ffmpeg adds
 * "F=0x<flags>" only when the flags are not exactly "keyframe".
 */
export function parseFramecrc(text: string): SegmentPacket[] {
  const tb = /^#tb 0: (\d+)\/(\d+)/m.exec(text);
  if (!tb) throw new Error(`framecrc output without "#tb 0:": ${text.slice(0, 200)}`);
  const unitS = Number(tb[1]) / Number(tb[2]);
  const packets: SegmentPacket[] = [];
  for (const line of text.split('\n')) {
    if (!/^0,/.test(line)) continue;
    const f = line.split(',').map((s) => s.trim());
    const flags = f.find((x) => x.startsWith('F='));
    packets.push({ ptsS: Number(f[2]) * unitS, durationS: Number(f[3]) * unitS, key: flags === undefined || (parseInt(flags.slice(2), 16) & 1) === 1, bytes: Number(f[4]) });
  }
  return packets;
}

export function parseVideoSize(stderr: string): { width: number; height: number } | null {
  const m = /Stream #0:\d.*?Video: .*?, (\d{2,5})x(\d{2,5})[ ,]/.exec(stderr);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/** The packets and size of a segment; fMP4 segments are read after their init segment (ffmpeg's concat: protocol). */
export async function readSegment(ffmpeg: string, segment: string, init: string | null): Promise<{ packets: SegmentPacket[]; size: { width: number; height: number } | null }> {
  const input = init === null ? segment : `concat:${init}|${segment}`;
  const r = await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-i', input, '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-'], 0, 16 << 20);
  if (r.code !== 0) throw new Error(`ffmpeg could not read ${input}: ${r.stderr.trim().slice(-400)}`);
  return { packets: parseFramecrc(r.stdout), size: parseVideoSize(r.stderr) };
}
