// ITU-T P.1203.1 (10/2017) mode 0: short-term video quality O.22 per second from bitrate, resolution and frame rate (coefficients of its mode-0 tables; handheld mapping eq. 13).

import { clamp, p1203MosFromQ, p1203QFromMos, p1203SampleSegments } from './p1203-shared.ts';

/** One media segment as P.1203 mode 0 sees it (its I.13 input): media-time position, bitrate, coding size, frame rate. */
export interface P1203VideoSegment {
  startS: number;
  durationS: number;
  bitrateKbps: number;
  width: number;
  height: number;
  fps: number;
}

export type P1203Device = 'pc' | 'mobile';

export interface P1203DisplayOptions {
  /** Display (viewing) resolution; P.1203's default is 1920x1080. */
  displayWidth?: number;
  displayHeight?: number;
  /** 'mobile' applies the handheld adjustment (P.1203.1 clause 8.4.1). */
  device?: P1203Device;
}

// Mode 0 compression coefficients (a1..a4), quality mapping (q1..q3), upscaling (u1, u2), frame rate (t1..t3),
// handheld mapping (htv1..htv4).
const A1 = 11.9983519;
const A2 = -2.99991847;
const A3 = 41.2475074001;
const A4 = 0.13183165961;
const Q1 = 4.66;
const Q2 = -0.07;
const Q3 = 4.06;
const U1 = 72.61;
const U2 = 0.32;
const T1 = 30.98;
const T2 = 1.29;
const T3 = 64.65;
const HTV = [-0.60293, 2.12382, -0.36936, 0.03409] as const;

/** P.1203 caps the frame rate at 120 fps. */
const MAX_FPS = 120;

/**
 * O.22 of one measurement window (mode 0): the coding degradation from bits per pixel, the upscaling
 * degradation from coding vs display size, the frame-rate degradation below 24 fps, summed on the 0..100
 * quality scale and mapped back to MOS.
 */
export function p1203O22Mode0(input: {
  bitrateKbps: number;
  codingPixels: number;
  displayPixels: number;
  fps: number;
  device?: P1203Device;
}): number {
  const { bitrateKbps, codingPixels, displayPixels } = input;
  if (!(bitrateKbps > 0) || !(codingPixels > 0) || !(displayPixels > 0) || !(input.fps > 0)) {
    throw new RangeError(`P.1203 mode 0 needs bitrate, coding/display pixels and fps > 0, got ${JSON.stringify(input)}`);
  }
  const fps = Math.min(input.fps, MAX_FPS);
  const quant = A1 + A2 * Math.log(A3 + Math.log(bitrateKbps) + Math.log((bitrateKbps * bitrateKbps) / (codingPixels * fps) + A4));
  const mosCod = clamp(Q1 + Q2 * Math.exp(Q3 * quant), 1, 5);
  const degCod = clamp(100 - p1203QFromMos(mosCod), 0, 100);
  const scale = Math.max(displayPixels / codingPixels, 1);
  const degScal = clamp(U1 * Math.log10(U2 * (scale - 1) + 1), 0, 100);
  const degFrameRate = fps < 24 ? clamp(((100 - degCod - degScal) * (T1 - T2 * fps)) / (T3 + fps), 0, 100) : 0;
  const q = 100 - clamp(degCod + degScal + degFrameRate, 0, 100);
  const mos = p1203MosFromQ(q);
  return input.device === 'mobile' ? handheld(mos) : mos;
}

/** P.1203.1 eq. 13: the mapping for small (handheld) screens. */
function handheld(mos: number): number {
  return clamp(HTV[0] + HTV[1] * mos + HTV[2] * mos ** 2 + HTV[3] * mos ** 3, 1, 5);
}


/**
 * O.22 for each second of media: second t is scored on the segment of the last frame starting before its end,
 * as P.1203's 1 s output sampling of the measurement window does in mode 0 (p1203FrameSampling).
 * Segments play one after the other in startS order (the stalls are given apart, to P.1203.3).
 */
export function p1203VideoPerSecond(segments: readonly P1203VideoSegment[], opts: P1203DisplayOptions = {}): number[] {
  const displayPixels = (opts.displayWidth ?? 1920) * (opts.displayHeight ?? 1080);
  const ordered = [...segments].sort((a, b) => a.startS - b.startS);
  // Sessions repeat a few renditions: each distinct (bitrate, size, rate) is scored once (a pure function).
  const seen: { bitrateKbps: number; codingPixels: number; fps: number; score: number }[] = [];
  const scores = ordered.map((seg) => {
    const codingPixels = seg.width * seg.height;
    for (let i = seen.length - 1; i >= 0; i--) {
      const e = seen[i];
      if (Object.is(e.bitrateKbps, seg.bitrateKbps) && Object.is(e.codingPixels, codingPixels) && Object.is(e.fps, seg.fps)) return e.score;
    }
    const score = p1203O22Mode0({ bitrateKbps: seg.bitrateKbps, codingPixels, displayPixels, fps: seg.fps, device: opts.device });
    if (seen.length < 16) seen.push({ bitrateKbps: seg.bitrateKbps, codingPixels, fps: seg.fps, score });
    return score;
  });
  return p1203SampleSegments(ordered.map((s) => ({ durationS: s.durationS, framesPerS: Math.min(s.fps, MAX_FPS) })), scores);
}
