// The video the simulated player streams: a ladder (CBR segments) or a Sabre movie manifest (VBR sizes).

import { readFileSync } from 'node:fs';
import type { MediaSpec, Rung } from './types.ts';
import { ScenarioError } from './errors.ts';
import { parseResolution } from './units.ts';

/** Pensieve's and Sabre's ladder (Mao et al., SIGCOMM 2017): the ABR literature's common yardstick. */
export const DEFAULT_LADDER: readonly Rung[] = [
  { bitrateBps: 300e3, width: 426, height: 240, fps: 30 },
  { bitrateBps: 750e3, width: 640, height: 360, fps: 30 },
  { bitrateBps: 1200e3, width: 854, height: 480, fps: 30 },
  { bitrateBps: 1850e3, width: 1280, height: 720, fps: 30 },
  { bitrateBps: 2850e3, width: 1920, height: 1080, fps: 30 },
  { bitrateBps: 4300e3, width: 1920, height: 1080, fps: 30 },
];

export const DEFAULT_SEGMENT_MS = 4000;
export const DEFAULT_BUFFER_MAX_MS = 30_000;

/**
 * Manifests carry no resolutions: guess the usual one for the bitrate (H.264 ladders in the
 * 300 kbps-8 Mbps range). Only the report's labels use it; ABR decisions use bitrates and sizes.
 */
export function guessResolution(bitrateBps: number): { width: number; height: number } {
  const kbps = bitrateBps / 1000;
  if (kbps < 500) return { width: 426, height: 240 };
  if (kbps < 1000) return { width: 640, height: 360 };
  if (kbps < 1600) return { width: 854, height: 480 };
  if (kbps < 2600) return { width: 1280, height: 720 };
  if (kbps < 6000) return { width: 1920, height: 1080 };
  return { width: 3840, height: 2160 };
}

export interface SabreManifest {
  segmentDurationMs: number;
  rungs: Rung[];
  segmentSizesBits: number[][];
}

/** Sabre movie manifest: {segment_duration_ms, bitrates_kbps, segment_sizes_bits[segment][quality]}. */
export function parseSabreManifest(text: string, file: string): SabreManifest {
  const bad = (path: string, message: string) => new ScenarioError([{ file, line: null, path, message }]);
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw bad('', `expected a Sabre movie manifest (JSON), got invalid JSON: ${(err as Error).message}`);
  }
  const seg = data?.segment_duration_ms;
  if (typeof seg !== 'number' || !(seg > 0)) throw bad('segment_duration_ms', `expected a number > 0, got ${JSON.stringify(seg)}`);
  const br = data.bitrates_kbps;
  if (!Array.isArray(br) || br.length === 0 || br.some((b) => typeof b !== 'number' || !(b > 0))) {
    throw bad('bitrates_kbps', `expected a non-empty list of numbers > 0, got ${JSON.stringify(br)?.slice(0, 60)}`);
  }
  for (let i = 1; i < br.length; i++) if (br[i] <= br[i - 1]) throw bad(`bitrates_kbps[${i}]`, `expected ascending bitrates, got ${br[i]} after ${br[i - 1]}`);
  const sizes = data.segment_sizes_bits;
  if (!Array.isArray(sizes) || sizes.length === 0) throw bad('segment_sizes_bits', 'expected a non-empty list of per-quality size lists');
  sizes.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== br.length || row.some((x) => typeof x !== 'number' || !(x > 0))) {
      throw bad(`segment_sizes_bits[${i}]`, `expected ${br.length} sizes > 0 (one per bitrate), got ${JSON.stringify(row)?.slice(0, 60)}`);
    }
  });
  // Optional (netqoe's encoded ladders write them; Sabre ignores them): one "WxH" and one fps per bitrate.
  const res = data.resolutions;
  const sizesWh = Array.isArray(res) ? res.map((r) => parseResolution(r)) : [];
  if (res !== undefined && (!Array.isArray(res) || res.length !== br.length || sizesWh.some((p) => !p.ok))) {
    throw bad('resolutions', `expected ${br.length} resolutions like "1280x720" (one per bitrate), got ${JSON.stringify(res)?.slice(0, 60)}`);
  }
  const fps = data.frame_rates;
  if (fps !== undefined && (!Array.isArray(fps) || fps.length !== br.length || fps.some((f) => typeof f !== 'number' || !(f > 0)))) {
    throw bad('frame_rates', `expected ${br.length} numbers > 0 (one per bitrate), got ${JSON.stringify(fps)?.slice(0, 60)}`);
  }
  const rungs = (br as number[]).map((kbps, i) => {
    const wh = sizesWh[i];
    return { bitrateBps: kbps * 1000, ...(wh?.ok ? wh.value : guessResolution(kbps * 1000)), fps: (fps as number[] | undefined)?.[i] ?? 30 };
  });
  return { segmentDurationMs: seg, rungs, segmentSizesBits: sizes as number[][] };
}

export function loadSabreManifest(path: string): SabreManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError([{ file: path, line: null, path: '', message: `expected a readable manifest file, got ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseSabreManifest(text, path);
}

/** CBR sizes: bitrate x segment duration for every segment. */
export function cbrSizes(rungs: readonly Rung[], segmentDurationMs: number, segmentCount: number): number[][] {
  const row = rungs.map((r) => (r.bitrateBps * segmentDurationMs) / 1000);
  return Array.from({ length: segmentCount }, () => row.slice());
}

export function ladderMedia(opts: {
  rungs: readonly Rung[];
  segmentDurationMs: number;
  lengthMs: number;
  bufferMaxMs?: number;
  startupBufferMs?: number;
}): MediaSpec {
  const segmentCount = Math.max(1, Math.ceil(opts.lengthMs / opts.segmentDurationMs - 1e-9));
  const rungs = [...opts.rungs].sort((a, b) => a.bitrateBps - b.bitrateBps);
  return {
    source: 'ladder',
    manifestFile: null,
    segmentDurationMs: opts.segmentDurationMs,
    segmentCount,
    rungs,
    segmentSizesBits: cbrSizes(rungs, opts.segmentDurationMs, segmentCount),
    bufferMaxMs: opts.bufferMaxMs ?? DEFAULT_BUFFER_MAX_MS,
    startupBufferMs: opts.startupBufferMs ?? opts.segmentDurationMs,
  };
}

export function manifestMedia(file: string, m: SabreManifest, opts: { bufferMaxMs?: number; startupBufferMs?: number; segmentCount?: number }): MediaSpec {
  const count = Math.min(m.segmentSizesBits.length, opts.segmentCount ?? Infinity);
  return {
    source: 'manifest',
    manifestFile: file,
    segmentDurationMs: m.segmentDurationMs,
    segmentCount: count,
    rungs: m.rungs,
    segmentSizesBits: m.segmentSizesBits.slice(0, count),
    bufferMaxMs: opts.bufferMaxMs ?? DEFAULT_BUFFER_MAX_MS,
    startupBufferMs: opts.startupBufferMs ?? m.segmentDurationMs,
  };
}
