// Source: rate-based ABR as in dash.js's ThroughputRule and Sabre's "throughput" (harmonic mean x safety factor).

import { formatRate, formatRung, harmonicMean, highestRungAtOrBelow, lastThroughputsBps } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory } from './types.ts';

export interface ThroughputOptions {
  /** How many of the latest downloads the estimate averages. */
  window?: number;
  /** The estimate is multiplied by this to leave headroom for the next download's variance. */
  safetyFactor?: number;
}

export function createThroughputAbr(opts: ThroughputOptions = {}): AbrAlgorithm {
  const window = opts.window ?? 5;
  const safety = opts.safetyFactor ?? 0.9;
  return {
    name: 'throughput',
    choose(ctx: AbrContext): AbrDecision {
      const samples = lastThroughputsBps(ctx, window);
      if (samples.length === 0) return { quality: 0, reason: 'no throughput sample yet: lowest rung' };
      const estimateBps = harmonicMean(samples);
      const targetBps = estimateBps * safety;
      const quality = highestRungAtOrBelow(ctx.ladder, targetBps);
      const fits = ctx.ladder[quality].bitrateBps <= targetBps;
      return {
        quality,
        reason:
          `harmonic mean of ${samples.length} ${formatRate(estimateBps)} x ${safety} safety = ${formatRate(targetBps)}` +
          ` -> ${formatRung(ctx.ladder, quality)}${fits ? '' : ' (lowest: none fits)'}`,
      };
    },
  };
}

export const throughputAbr: AbrFactory = {
  name: 'throughput',
  source: 'rate-based ABR (dash.js ThroughputRule, Sabre "throughput")',
  description: 'harmonic mean of the last 5 downloads x 0.9 safety factor, highest rung at or below it',
  create: () => createThroughputAbr(),
};
