// Source: REFERENCE-NOTES.md, "ABR: seed-dash"
//
// effective = bandwidth x (1 - loss); jitter over 50 ms takes (jitter - 50)/1000 more off; the buffer
// picks a multiplier (< 2 s x0.5 critical, < 5 s x0.7 low, > 20 s x0.9 high, else x0.8 normal);
// the highest rung <= effective x multiplier, or the lowest.
// Readings where the notes are silent (a production engineer's choices):
// - bandwidth: ctx.network.bandwidthBps when the player knows it, else the last download's
//   throughput; neither yet: the lowest rung. Loss and jitter: 0 when unknown.
// - the jitter factor is floored at 0 (jitter over 1,050 ms would otherwise make it negative).
// - hysteresis ("smooth transitions", amount not given) is a fraction h, default 0 = off: go up only
//   to a rung that fits target / (1 + h); go down only when the current rung exceeds target x (1 + h),
//   and then to the highest rung that fits target x (1 + h). h = 0 is exactly the notes' rule.

import { formatRate, formatRung, formatSeconds, highestRungAtOrBelow } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory } from './types.ts';

export interface SeedDashOptions {
  /** Hysteresis fraction, 0 = off (default). 0.1: moves only past a 10% margin. */
  hysteresis?: number;
}

/** The buffer multiplier of step 3 and its state name. */
export function seedDashBufferMultiplier(bufferS: number): { multiplier: number; state: string; rule: string } {
  if (bufferS < 2) return { multiplier: 0.5, state: 'critical', rule: '< 2 s' };
  if (bufferS < 5) return { multiplier: 0.7, state: 'low', rule: '< 5 s' };
  if (bufferS > 20) return { multiplier: 0.9, state: 'high', rule: '> 20 s' };
  return { multiplier: 0.8, state: 'normal', rule: '2..20 s' };
}

/** Steps 1-3: the target bitrate (bit/s) from bandwidth, loss fraction, jitter and buffer. */
export function seedDashTargetBps(bandwidthBps: number, lossRate: number, jitterMs: number, bufferS: number): number {
  let effective = bandwidthBps * (1 - Math.min(1, Math.max(0, lossRate)));
  if (jitterMs > 50) effective *= Math.max(0, 1 - (jitterMs - 50) / 1000);
  return effective * seedDashBufferMultiplier(bufferS).multiplier;
}

export function createSeedDashAbr(opts: SeedDashOptions = {}): AbrAlgorithm {
  const hysteresis = Math.max(0, opts.hysteresis ?? 0);
  return {
    name: 'seed-dash',
    choose(ctx: AbrContext): AbrDecision {
      const last = ctx.throughputHistory[ctx.throughputHistory.length - 1];
      const known = ctx.network.bandwidthBps;
      const bandwidthBps = known !== undefined && Number.isFinite(known) ? known : last?.bps;
      if (bandwidthBps === undefined) return { quality: 0, reason: 'no bandwidth known yet: lowest rung' };
      const lossRate = ctx.network.lossRate ?? 0;
      const jitterMs = ctx.network.jitterMs ?? 0;
      const buffer = seedDashBufferMultiplier(ctx.bufferS);
      const targetBps = seedDashTargetBps(bandwidthBps, lossRate, jitterMs, ctx.bufferS);

      const parts = [`bw ${formatRate(bandwidthBps)}`];
      if (lossRate > 0) parts.push(`loss ${(lossRate * 100).toFixed(1)}%`);
      if (jitterMs > 50) parts.push(`jitter ${jitterMs.toFixed(0)} ms > 50: x${Math.max(0, 1 - (jitterMs - 50) / 1000).toFixed(3)}`);
      parts.push(`buffer ${formatSeconds(ctx.bufferS)} ${buffer.rule} (${buffer.state}): x${buffer.multiplier}`);
      const why = `${parts.join('; ')}; target ${formatRate(targetBps)}`;

      let quality = highestRungAtOrBelow(ctx.ladder, targetBps);
      const prev = ctx.lastQuality;
      if (hysteresis > 0 && prev !== null && prev < ctx.ladder.length) {
        const up = highestRungAtOrBelow(ctx.ladder, targetBps / (1 + hysteresis));
        const down = highestRungAtOrBelow(ctx.ladder, targetBps * (1 + hysteresis));
        const held = up > prev ? up : down < prev ? down : prev;
        if (held !== quality) {
          return { quality: held, reason: `${why}; hysteresis ${hysteresis * 100}%: ${held === prev ? 'stay at' : '->'} ${formatRung(ctx.ladder, held)}` };
        }
        quality = held;
      }
      const fits = ctx.ladder[quality].bitrateBps <= targetBps;
      return { quality, reason: `${why} -> ${formatRung(ctx.ladder, quality)}${fits ? '' : ' (lowest: none fits)'}` };
    },
  };
}

export const seedDashAbr: AbrFactory = {
  name: 'seed-dash',
  source: 'REFERENCE-NOTES.md, "ABR: seed-dash"',
  description: 'bandwidth x (1 - loss), jitter penalty over 50 ms, buffer multipliers 0.5/0.7/0.8/0.9, highest rung that fits',
  create: () => createSeedDashAbr(),
};
