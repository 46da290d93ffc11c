// Extra one-way delay per packet (netem's "delay TIME JITTER distribution": uniform, normal, pareto).
// uniform: U(-ms, +ms); normal: N(0, ms); pareto: Lomax (Pareto shifted to start at 0) with scale ms and
// shape 3, so it is always >= 0, has mean ms/2 and a heavy tail. The caller clamps delay + jitter at 0.

import type { JitterSpec } from '../scenario/types.ts';
import { standardNormal, type Rng } from './prng.ts';

export const PARETO_SHAPE = 3;

export function sampleJitterMs(spec: JitterSpec, rng: Rng): number {
  if (!(spec.ms > 0)) return 0;
  switch (spec.distribution) {
    case 'uniform':
      return (2 * rng.next() - 1) * spec.ms;
    case 'normal':
      return standardNormal(rng) * spec.ms;
    case 'pareto': {
      // Inverse CDF of Lomax: x = scale * (U^(-1/shape) - 1), with U in (0, 1].
      const u = 1 - rng.next();
      return spec.ms * (Math.pow(u, -1 / PARETO_SHAPE) - 1);
    }
  }
}
