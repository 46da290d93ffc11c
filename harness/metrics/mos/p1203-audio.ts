// ITU-T P.1203.2 (10/2017) mode 0: short-term audio quality O.21 per second from codec and bitrate (per-codec coefficients a1..a3).

import { p1203MosFromQ, p1203SampleSegments } from './p1203-shared.ts';

export type P1203AudioCodec = 'mp2' | 'ac3' | 'aaclc' | 'heaac';

const COEFFS: Record<P1203AudioCodec, { a1: number; a2: number; a3: number }> = {
  mp2: { a1: 100, a2: -0.02, a3: 15.48 },
  ac3: { a1: 100, a2: -0.03, a3: 15.7 },
  aaclc: { a1: 100, a2: -0.05, a3: 14.6 },
  heaac: { a1: 100, a2: -0.11, a3: 20.06 },
};

export interface P1203AudioSegment {
  startS: number;
  durationS: number;
  bitrateKbps: number;
  codec: P1203AudioCodec;
}

/** O.21 of one window: the coding degradation a1 exp(a2 x kbps) + a3 on the 0..100 scale, mapped to MOS. */
export function p1203O21(codec: P1203AudioCodec, bitrateKbps: number): number {
  const c = COEFFS[codec];
  if (!c) throw new RangeError(`P.1203.2 audio codec must be one of ${Object.keys(COEFFS).join(', ')}, got ${JSON.stringify(codec)}`);
  if (!(bitrateKbps > 0)) throw new RangeError(`P.1203.2 audio bitrate must be > 0 kbps, got ${bitrateKbps}`);
  return p1203MosFromQ(100 - (c.a1 * Math.exp(c.a2 * bitrateKbps) + c.a3));
}

/** O.21 for each second of media: audio is sampled as 100 frames a second, then as for video (p1203FrameSampling). */
export function p1203AudioPerSecond(segments: readonly P1203AudioSegment[]): number[] {
  const ordered = [...segments].sort((a, b) => a.startS - b.startS);
  const scores = ordered.map((s) => p1203O21(s.codec, s.bitrateKbps));
  return p1203SampleSegments(ordered.map((s) => ({ durationS: s.durationS, framesPerS: 100 })), scores);
}
