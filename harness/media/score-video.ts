// Scores what a viewer saw against the reference clip: each slot of the rebuilt sequence (frame-timeline.ts) is
// the displayed frame scaled to the reference's size, paired with the reference frame of the number it shows;
// ffmpeg computes VMAF/PSNR/SSIM per slot (vmaf.ts); this file aggregates per second. docs/scoring.md.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpeg } from './ffmpeg-path.ts';
import type { SeenSlot } from './frame-timeline.ts';
import type { I420Frame } from './i420.ts';
import { scaleI420 } from './i420.ts';
import { scorePair } from './vmaf.ts';
import { Y4mReader } from './y4m.ts';

export interface SlotScore {
  slot: number;
  tMs: number;
  referenceNumber: number;
  vmaf: number | null;
  psnrDb: number;
  ssim: number;
}

export interface SecondScore {
  /** floor((tMs - originMs) / 1000). */
  second: number;
  /** Mean over the slots of that second with a VMAF (null when none: no libvmaf, or subsampled away). */
  vmaf: number | null;
  psnrDb: number;
  ssim: number;
  /** Slots shown in that second, and how many were scored (< when subsampled). */
  slots: number;
  scored: number;
}

export interface ScoreViewOptions {
  /** The reference clip (Y4M) whose frame numbers the slots carry. */
  referencePath: string;
  slots: readonly SeenSlot[];
  /** Pixels of displayed frame i (SeenSlot.frame). Called once per distinct frame. */
  frameAt: (displayedIndex: number) => I420Frame;
  /** Score every nth slot only (each scored slot is still paired with its own reference). Default 1. */
  everyNth?: number;
  /** VMAF on every nth of the scored slots (libvmaf n_subsample; PSNR/SSIM stay on every scored slot). Default 1. */
  vmafSubsample?: number;
  modelPath?: string;
  ffmpegPath?: string;
  originMs?: number;
  /** Score at this size instead of the reference's: both sides are scaled (bilinear) to it. For speed at 720p. */
  scoreSize?: { width: number; height: number };
  env?: NodeJS.ProcessEnv;
  /** PSNR/SSIM only (vmafMissing says 'VMAF not requested'). */
  noVmaf?: boolean;
}

export interface ViewScores {
  slots: SlotScore[];
  perSecond: SecondScore[];
  vmafMissing: string | null;
  model: string | null;
  ffmpegPath: string;
  /** Indices (into the input slots) that were scored. */
  scoredSlots: number[];
  rebuildMs: number;
  ffmpegMs: number;
}

export async function scoreView(opts: ScoreViewOptions): Promise<ViewScores> {
  const env = opts.env ?? process.env;
  let ffmpegPath = opts.ffmpegPath;
  if (!ffmpegPath) {
    const found = resolveFfmpeg({ env });
    if ('missing' in found) throw new Error(`cannot score: ${found.missing}; ${found.fix}`);
    ffmpegPath = found.path;
  }
  const everyNth = Math.max(1, Math.floor(opts.everyNth ?? 1));
  const reader = new Y4mReader(opts.referencePath);
  const { fps } = reader.info;
  const width = opts.scoreSize?.width ?? reader.info.width;
  const height = opts.scoreSize?.height ?? reader.info.height;
  const refSized = (data: Uint8Array) => scaleI420({ width: reader.info.width, height: reader.info.height, data }, width, height).data;
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-view-'));
  try {
    const t0 = performance.now();
    const distPath = join(dir, 'dist.yuv');
    const refPath = join(dir, 'ref.yuv');
    const distFd = openSync(distPath, 'w');
    const refFd = openSync(refPath, 'w');
    const scoredSlots: number[] = [];
    const refBuf = new Uint8Array(reader.info.frameBytes);
    let cachedIndex = -1;
    let cached: I420Frame | null = null;
    try {
      for (let i = 0; i < opts.slots.length; i += everyNth) {
        const slot = opts.slots[i];
        if (slot.referenceNumber >= reader.info.frames) throw new Error(`slot ${i} shows frame ${slot.referenceNumber}, beyond the ${reader.info.frames} frames of ${opts.referencePath}`);
        if (slot.frame !== cachedIndex) {
          cached = scaleI420(opts.frameAt(slot.frame), width, height);
          cachedIndex = slot.frame;
        }
        writeSync(distFd, cached!.data);
        writeSync(refFd, refSized(reader.read(slot.referenceNumber, refBuf)));
        scoredSlots.push(i);
      }
    } finally {
      closeSync(distFd);
      closeSync(refFd);
    }
    const rebuildMs = performance.now() - t0;
    if (scoredSlots.length === 0) throw new Error('nothing to score: no displayed frame carried a readable frame number');
    const raw = (path: string) => ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(fps), '-i', path];
    const t1 = performance.now();
    const pf = await scorePair({ ffmpegPath, distorted: raw(distPath), reference: raw(refPath), modelPath: opts.modelPath, vmafSubsample: opts.vmafSubsample, env, noVmaf: opts.noVmaf });
    const ffmpegMs = performance.now() - t1;
    const slots: SlotScore[] = scoredSlots.map((slotIndex, k) => ({
      slot: slotIndex,
      tMs: opts.slots[slotIndex].tMs,
      referenceNumber: opts.slots[slotIndex].referenceNumber,
      vmaf: pf.vmaf?.[k] ?? null,
      psnrDb: pf.psnrDb[k],
      ssim: pf.ssim[k],
    }));
    return {
      slots,
      perSecond: perSecond(slots, opts.slots, opts.originMs ?? 0),
      vmafMissing: pf.vmafMissing,
      model: pf.model,
      ffmpegPath,
      scoredSlots,
      rebuildMs,
      ffmpegMs,
    };
  } finally {
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Means per second of the scored slots; `all` gives the number of slots shown per second. */
export function perSecond(scored: readonly SlotScore[], all: readonly { tMs: number }[], originMs = 0): SecondScore[] {
  const secOf = (t: number) => Math.floor((t - originMs) / 1000);
  const shown = new Map<number, number>();
  for (const s of all) shown.set(secOf(s.tMs), (shown.get(secOf(s.tMs)) ?? 0) + 1);
  const acc = new Map<number, { v: number; vn: number; p: number; s: number; n: number }>();
  for (const s of scored) {
    const k = secOf(s.tMs);
    const a = acc.get(k) ?? { v: 0, vn: 0, p: 0, s: 0, n: 0 };
    if (s.vmaf !== null) {
      a.v += s.vmaf;
      a.vn++;
    }
    a.p += s.psnrDb;
    a.s += s.ssim;
    a.n++;
    acc.set(k, a);
  }
  return [...acc.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([second, a]) => ({
      second,
      vmaf: a.vn > 0 ? a.v / a.vn : null,
      psnrDb: a.p / a.n,
      ssim: a.s / a.n,
      slots: shown.get(second) ?? a.n,
      scored: a.n,
    }));
}
