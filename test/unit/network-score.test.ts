import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { networkScore } from '../../harness/metrics/network-score.ts';

const arbInput = fc.record({
  bandwidthKbps: fc.double({ min: 0, max: 1e6, noNaN: true }),
  lossPct: fc.double({ min: 0, max: 100, noNaN: true }),
  jitterMs: fc.double({ min: 0, max: 5000, noNaN: true }),
});

describe('networkScore (REFERENCE-NOTES "Network quality score")', () => {
  it('applies each term with its cap', () => {
    expect(networkScore({ bandwidthKbps: 10_000, lossPct: 0, jitterMs: 0 }).score).toBe(100);
    expect(networkScore({ bandwidthKbps: 5000, lossPct: 1, jitterMs: 20 }).score).toBe(100 - 20 - 6 - 4);
    expect(networkScore({ bandwidthKbps: 0, lossPct: 0, jitterMs: 0 }).score).toBe(60); // bandwidth capped at 40
    expect(networkScore({ bandwidthKbps: 10_000, lossPct: 50, jitterMs: 0 }).score).toBe(70); // loss capped at 30
    expect(networkScore({ bandwidthKbps: 10_000, lossPct: 0, jitterMs: 1000 }).score).toBe(70); // jitter capped at 30
    expect(networkScore({ bandwidthKbps: 0, lossPct: 100, jitterMs: 1000 }).score).toBe(0);
    expect(networkScore({ bandwidthKbps: 9_900, lossPct: 0.1, jitterMs: 1 }).score).toBe(Math.round(100 - 0.4 - 0.6 - 0.2));
  });

  it('gives no bonus above 10 Mbps: the bandwidth term is capped at 0', () => {
    expect(networkScore({ bandwidthKbps: 100_000, lossPct: 0, jitterMs: 0 }).score).toBe(100);
    expect(networkScore({ bandwidthKbps: 100_000, lossPct: 2, jitterMs: 50 }).score).toBe(100 - 12 - 10);
    expect(networkScore({ bandwidthKbps: 50_000, lossPct: 2, jitterMs: 50 }).score).toBe(networkScore({ bandwidthKbps: 10_000, lossPct: 2, jitterMs: 50 }).score);
  });

  it.each([
    [100, 'excellent', '4K possible'],
    [90, 'excellent', '4K possible'],
    [89, 'good', '1080p60'],
    [70, 'good', '1080p60'],
    [69, 'fair', '720p60'],
    [50, 'fair', '720p60'],
    [49, 'poor', '480p30'],
    [20, 'poor', '480p30'],
    [19, 'critical', '360p30, consider another network'],
    [0, 'critical', '360p30, consider another network'],
  ])('score %i is %s (%s)', (score, band, recommendation) => {
    // Jitter alone sets the score: 10 Mbps, no loss, jitter 5 ms per point lost (up to 30), then loss.
    const lost = 100 - score;
    const jitterMs = Math.min(30, lost) * 5;
    const lossPct = Math.min(30, Math.max(0, lost - 30)) / 6;
    const bandwidthKbps = 10_000 - Math.max(0, lost - 60) * 250;
    const s = networkScore({ bandwidthKbps, lossPct, jitterMs });
    expect(s.score).toBe(score);
    expect(s.band).toBe(band);
    expect(s.recommendation).toBe(recommendation);
  });

  it('is an integer in [0, 100]', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const { score } = networkScore(i);
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('never falls with more bandwidth, never rises with more loss or jitter', () => {
    fc.assert(
      fc.property(arbInput, fc.double({ min: 0, max: 1e5, noNaN: true }), (i, more) => {
        const base = networkScore(i).score;
        expect(networkScore({ ...i, bandwidthKbps: i.bandwidthKbps + more }).score).toBeGreaterThanOrEqual(base);
        expect(networkScore({ ...i, lossPct: i.lossPct + more }).score).toBeLessThanOrEqual(base);
        expect(networkScore({ ...i, jitterMs: i.jitterMs + more }).score).toBeLessThanOrEqual(base);
      }),
    );
  });

  it('bands agree with the score', () => {
    const order = ['critical', 'poor', 'fair', 'good', 'excellent'];
    fc.assert(
      fc.property(arbInput, arbInput, (a, b) => {
        const sa = networkScore(a);
        const sb = networkScore(b);
        if (sa.score <= sb.score) expect(order.indexOf(sa.band)).toBeLessThanOrEqual(order.indexOf(sb.band));
      }),
    );
  });
});
