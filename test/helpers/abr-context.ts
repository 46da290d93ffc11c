// Builds AbrContext values for the ABR tests: explicit ones for rule checks, arbitrary ones for properties.

import fc from 'fast-check';
import type { AbrContext, LadderRung, NetworkStats, ThroughputSample } from '../../algorithms/abr/types.ts';

export const LADDER_6: readonly LadderRung[] = [
  { bitrateBps: 300_000, width: 426, height: 240, fps: 30 },
  { bitrateBps: 750_000, width: 640, height: 360, fps: 30 },
  { bitrateBps: 1_200_000, width: 854, height: 480, fps: 30 },
  { bitrateBps: 1_850_000, width: 1280, height: 720, fps: 30 },
  { bitrateBps: 2_850_000, width: 1920, height: 1080, fps: 30 },
  { bitrateBps: 4_300_000, width: 1920, height: 1080, fps: 60 },
];

export function ladderOf(bitratesBps: readonly number[]): LadderRung[] {
  return [...bitratesBps].sort((a, b) => a - b).map((b, i) => ({ bitrateBps: b, width: 640 * (i + 1), height: 360 * (i + 1), fps: 30 }));
}

/** Samples all at `bps`, one per segment duration, oldest first. */
export function samplesAt(bpsList: readonly number[], segmentDurationS = 2): ThroughputSample[] {
  return bpsList.map((bps, i) => {
    const bytes = (bps * segmentDurationS) / 8;
    return { tMs: (i + 1) * 2000, bytes, durationMs: (bytes * 8000) / bps, bps };
  });
}

export interface CtxInput {
  ladder?: readonly LadderRung[];
  bufferS?: number;
  bufferMaxS?: number;
  segmentDurationS?: number;
  segmentIndex?: number;
  segmentCount?: number;
  lastQuality?: number | null;
  throughputBps?: readonly number[];
  history?: readonly ThroughputSample[];
  network?: NetworkStats;
  /** Per-segment size factor (VBR); default CBR. */
  vbr?: (index: number, quality: number) => number;
}

export function makeCtx(input: CtxInput = {}): AbrContext {
  const ladder = input.ladder ?? LADDER_6;
  const segmentDurationS = input.segmentDurationS ?? 2;
  const segmentCount = input.segmentCount ?? 300;
  const history = input.history ?? samplesAt(input.throughputBps ?? [], segmentDurationS);
  const vbr = input.vbr ?? (() => 1);
  return {
    tMs: 0,
    segmentIndex: input.segmentIndex ?? 10,
    segmentCount,
    segmentDurationS,
    bufferS: input.bufferS ?? 10,
    bufferMaxS: input.bufferMaxS ?? 30,
    ladder,
    segmentSizesBits: (i) => (i < 0 || i >= segmentCount ? undefined : ladder.map((r, q) => r.bitrateBps * segmentDurationS * vbr(i, q))),
    lastQuality: input.lastQuality === undefined ? null : input.lastQuality,
    throughputHistory: history,
    network: input.network ?? {},
    playing: true,
  };
}

/** An ascending ladder of 1..8 distinct rungs between 100 kbps and 20 Mbps. */
export const arbLadder = fc
  .uniqueArray(fc.integer({ min: 100_000, max: 20_000_000 }), { minLength: 1, maxLength: 8 })
  .map((b) => ladderOf(b));

/** Any context a player could produce, VBR sizes included. */
export const arbCtx: fc.Arbitrary<AbrContext> = arbLadder.chain((ladder) =>
  fc
    .record({
      segmentDurationS: fc.constantFrom(1, 2, 4, 6),
      bufferMaxS: fc.constantFrom(10, 20, 30, 60),
      bufferFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      segmentCount: fc.integer({ min: 1, max: 400 }),
      indexFraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      lastQuality: fc.option(fc.integer({ min: 0, max: ladder.length - 1 })),
      throughputBps: fc.array(fc.double({ min: 10_000, max: 100_000_000, noNaN: true }), { maxLength: 25 }),
      network: fc.record(
        {
          rttMs: fc.double({ min: 0, max: 1000, noNaN: true }),
          lossRate: fc.double({ min: 0, max: 1, noNaN: true }),
          jitterMs: fc.double({ min: 0, max: 2000, noNaN: true }),
          bandwidthBps: fc.double({ min: 0, max: 100_000_000, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      vbrSeed: fc.integer({ min: 0, max: 1000 }),
    })
    .map((r) =>
      makeCtx({
        ladder,
        segmentDurationS: r.segmentDurationS,
        bufferMaxS: r.bufferMaxS,
        bufferS: r.bufferFraction * r.bufferMaxS,
        segmentCount: r.segmentCount,
        segmentIndex: Math.floor(r.indexFraction * r.segmentCount),
        lastQuality: r.lastQuality,
        throughputBps: r.throughputBps,
        network: r.network,
        vbr: (i, q) => 0.6 + 0.8 * Math.abs(Math.sin(i * 12.9898 + q * 78.233 + r.vbrSeed)),
      }),
    ),
);
