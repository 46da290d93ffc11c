import { describe, expect, it } from 'vitest';
import { createThroughputAbr } from '../../algorithms/abr/throughput.ts';
import { makeCtx } from '../helpers/abr-context.ts';

describe('throughput', () => {
  it('starts at the lowest rung', () => {
    expect(createThroughputAbr().choose(makeCtx()).quality).toBe(0);
  });

  it('takes the harmonic mean of the last 5 samples x 0.9', () => {
    // Last five: 1, 4, 4, 4, 4 Mbps -> harmonic mean 5 / (1 + 4 x 0.25) = 2.5 Mbps; x 0.9 = 2.25 Mbps -> 1.85 Mbps rung.
    const d = createThroughputAbr().choose(makeCtx({ throughputBps: [0.1e6, 1e6, 4e6, 4e6, 4e6, 4e6] }));
    expect(d.quality).toBe(3);
    expect(d.reason).toContain('2.5 Mbps x 0.9 safety = 2.25 Mbps');
    // The same without the oldest outlier but with only 4 Mbps samples: 3.6 Mbps -> 2.85 Mbps rung.
    expect(createThroughputAbr().choose(makeCtx({ throughputBps: [4e6, 4e6, 4e6, 4e6, 4e6] })).quality).toBe(4);
  });

  it('falls back to the lowest rung when nothing fits', () => {
    const d = createThroughputAbr().choose(makeCtx({ throughputBps: [100_000] }));
    expect(d.quality).toBe(0);
    expect(d.reason).toMatch(/none fits/);
  });
});
