import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleJitterMs } from '../../harness/link/jitter.ts';
import { createRng } from '../../harness/link/prng.ts';
import { MATHIS_C, mathisGoodputBps, tcpGoodputBps } from '../../harness/link/tcp.ts';

describe('prng', () => {
  it('repeats a stream for the same seed and label, and separates seeds and labels', () => {
    const draw = (seed: number, label: string) => {
      const r = createRng(seed, label);
      return Array.from({ length: 8 }, () => r.nextU32());
    };
    fc.assert(
      fc.property(fc.integer(), fc.string(), (seed, label) => {
        expect(draw(seed, label)).toEqual(draw(seed, label));
        expect(draw(seed, label)).not.toEqual(draw(seed + 1, label));
        expect(draw(seed, label)).not.toEqual(draw(seed, `${label}x`));
      }),
      { numRuns: 200 },
    );
  });

  it('is roughly uniform in [0, 1)', () => {
    const r = createRng(3, 'u');
    const bins = new Array(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 10)]++;
    }
    expect(outside).toBe(0);
    // Each bin ~ Binomial(n, 0.1): sd ~ 95.
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(5 * Math.sqrt(n * 0.09));
  });
});

describe('jitter', () => {
  it('has the documented spread per distribution', () => {
    const r = createRng(1, 'jitter');
    const n = 50_000;
    const stats = (distribution: 'uniform' | 'normal' | 'pareto') => {
      let s = 0;
      let s2 = 0;
      let min = Infinity;
      for (let i = 0; i < n; i++) {
        const x = sampleJitterMs({ ms: 10, distribution, reorder: true }, r);
        s += x;
        s2 += x * x;
        min = Math.min(min, x);
      }
      return { mean: s / n, sd: Math.sqrt(s2 / n - (s / n) ** 2), min };
    };
    const u = stats('uniform');
    expect(u.mean).toBeCloseTo(0, 0);
    expect(u.sd).toBeCloseTo(10 / Math.sqrt(3), 0);
    expect(u.min).toBeGreaterThanOrEqual(-10);
    const g = stats('normal');
    expect(g.sd).toBeCloseTo(10, 0);
    const p = stats('pareto');
    expect(p.min).toBeGreaterThanOrEqual(0);
    expect(Math.abs(p.mean - 5)).toBeLessThan(0.5); // Lomax(scale 10, shape 3) has mean 5
  });
});

describe('tcp goodput (Mathis)', () => {
  it('matches the textbook figure: MSS 1460 B, RTT 100 ms, 1% loss -> about 1.43 Mbit/s', () => {
    expect(mathisGoodputBps(1460, 100, 0.01) / 1e6).toBeCloseTo(1.43, 2);
    expect(MATHIS_C).toBeCloseTo(1.2247, 4);
  });

  it('scales as 1/RTT and 1/sqrt(p); no loss means only capacity limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 500, max: 9000 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 1e-6, max: 0.25, noNaN: true }),
        (mss, rtt, p) => {
          const g = mathisGoodputBps(mss, rtt, p);
          expect(mathisGoodputBps(mss, 2 * rtt, p)).toBeCloseTo(g / 2, 6);
          expect(mathisGoodputBps(mss, rtt, p / 4) / (2 * g)).toBeCloseTo(1, 9);
          expect(tcpGoodputBps(1e6, mss, rtt, p)).toBe(Math.min(1e6, g));
        },
      ),
    );
    expect(mathisGoodputBps(1460, 50, 0)).toBe(Infinity);
    expect(tcpGoodputBps(5e6, 1460, 50, 0)).toBe(5e6);
  });
});
