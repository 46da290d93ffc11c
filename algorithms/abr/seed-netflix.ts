// Source: REFERENCE-NOTES.md, "ABR: seed-netflix"
//
// Buffer-based on a pessimistic throughput: the 10th percentile of the last 10 downloads (nearest
// rank: sorted ascending, index ceil(0.1 n) - 1, at least 0). Buffer < 2 s: panic, the lowest rung.
// Buffer < 5 s: highest rung <= 0.7 x safe; > 30 s: <= 1.2 x safe; otherwise <= 0.9 x safe; the
// lowest rung if none fits, and before the first download. (With a 30 s player buffer the > 30 s
// branch never fires; it is kept as written for larger buffers.)

import { percentile } from '../../harness/metrics/stats.ts';
import { formatRate, formatRung, formatSeconds, highestRungAtOrBelow, lastThroughputsBps } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory, LadderRung } from './types.ts';

/** The notes' default ladder: 500 kbps 360p, 1.5 Mbps 720p, 4 Mbps 1080p, 8 Mbps 2160p (30 fps assumed). */
export const SEED_NETFLIX_LADDER: readonly LadderRung[] = [
  { bitrateBps: 500_000, width: 640, height: 360, fps: 30 },
  { bitrateBps: 1_500_000, width: 1280, height: 720, fps: 30 },
  { bitrateBps: 4_000_000, width: 1920, height: 1080, fps: 30 },
  { bitrateBps: 8_000_000, width: 3840, height: 2160, fps: 30 },
];

const SAMPLE_COUNT = 10;

/** The buffer rule: multiplier of the safe throughput, or null for panic. */
export function seedNetflixMultiplier(bufferS: number): { multiplier: number | null; rule: string } {
  if (bufferS < 2) return { multiplier: null, rule: '< 2 s (panic)' };
  if (bufferS < 5) return { multiplier: 0.7, rule: '< 5 s' };
  if (bufferS > 30) return { multiplier: 1.2, rule: '> 30 s' };
  return { multiplier: 0.9, rule: '5..30 s' };
}

export function createSeedNetflixAbr(): AbrAlgorithm {
  return {
    name: 'seed-netflix',
    choose(ctx: AbrContext): AbrDecision {
      const buffer = `buffer ${formatSeconds(ctx.bufferS)}`;
      const rule = seedNetflixMultiplier(ctx.bufferS);
      if (rule.multiplier === null) return { quality: 0, reason: `${buffer} ${rule.rule}: lowest rung` };
      const samples = lastThroughputsBps(ctx, SAMPLE_COUNT);
      if (samples.length === 0) return { quality: 0, reason: `${buffer}; no throughput sample yet: lowest rung` };
      const safeBps = percentile(samples, 10);
      const targetBps = rule.multiplier * safeBps;
      const quality = highestRungAtOrBelow(ctx.ladder, targetBps);
      const fits = ctx.ladder[quality].bitrateBps <= targetBps;
      return {
        quality,
        reason:
          `${buffer} ${rule.rule}: ${rule.multiplier} x safe ${formatRate(safeBps)} (p10 of ${samples.length}) = ${formatRate(targetBps)}` +
          ` -> ${formatRung(ctx.ladder, quality)}${fits ? '' : ' (lowest: none fits)'}`,
      };
    },
  };
}

export const seedNetflixAbr: AbrFactory = {
  name: 'seed-netflix',
  source: 'REFERENCE-NOTES.md, "ABR: seed-netflix"',
  description: 'buffer-based on the 10th percentile of the last 10 downloads (panic < 2 s, x0.7 < 5 s, x1.2 > 30 s, else x0.9)',
  create: () => createSeedNetflixAbr(),
};
