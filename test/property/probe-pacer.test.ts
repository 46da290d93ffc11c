import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProbePacer } from '../../harness/sfu/probe-pacer.ts';

const TICK_MS = 20;
const PAD_BYTES = 275;
const MAX_CREDIT = 32 * PAD_BYTES;

/** Runs a probe: each tick media arrives, then the tick pads while credit lasts. Returns bytes sent. */
function runProbe(targetBps: number, mediaPerTick: number[], jitterMs: number[], pacer = new ProbePacer({ maxCreditBytes: MAX_CREDIT, tickMs: TICK_MS })) {
  let media = 0;
  let padding = 0;
  let t = 0;
  pacer.tick(t, 0);
  for (let i = 0; i < mediaPerTick.length; i++) {
    pacer.onMedia(mediaPerTick[i]);
    media += mediaPerTick[i];
    t += TICK_MS + jitterMs[i % jitterMs.length];
    let credit = pacer.tick(t, targetBps);
    for (let k = 0; k < 64 && credit > 0; k++) {
      padding += PAD_BYTES;
      credit = pacer.spend(PAD_BYTES);
    }
  }
  return { media, padding, durationMs: t };
}

describe('ProbePacer', () => {
  it('media plus padding reach the target over a probe, within one credit cap, whatever the media', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200_000, max: 3_000_000 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 10, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 10 }),
        (targetBps, media, jitter) => {
          const r = runProbe(targetBps, media, jitter);
          const targetBytes = (targetBps * r.durationMs) / 8000;
          const total = r.media + r.padding;
          // Below the target only when media alone exceeded it (padding cannot be negative).
          if (r.media <= targetBytes) expect(total).toBeGreaterThanOrEqual(targetBytes - MAX_CREDIT - PAD_BYTES);
          // Padding never goes beyond what the target leaves, plus one packet and the carried credit.
          expect(r.padding).toBeLessThanOrEqual(Math.max(0, targetBytes - r.media) + MAX_CREDIT + PAD_BYTES);
        },
      ),
    );
  });

  it('padding is paid for once: 1.2 Mbps over 480 kbps of media pads about 720 kbps', () => {
    const mediaPerTick = Array.from({ length: 50 }, () => (480_000 * TICK_MS) / 8000);
    const r = runProbe(1_200_000, mediaPerTick, [0]);
    const paddingBps = (r.padding * 8000) / r.durationMs;
    expect(paddingBps).toBeGreaterThan(680_000);
    expect(paddingBps).toBeLessThan(760_000);
  });

  it('a tick without a target forgets credit and media: the next probe starts afresh', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 100_000, max: 2_000_000 }), (mediaBytes, targetBps) => {
        const p = new ProbePacer({ maxCreditBytes: MAX_CREDIT, tickMs: TICK_MS });
        p.tick(0, targetBps);
        p.onMedia(mediaBytes);
        expect(p.tick(20, 0)).toBe(0);
        expect(p.tick(40, targetBps)).toBeCloseTo((targetBps * TICK_MS) / 8000, 6);
      }),
    );
  });

  it('a stalled tick earns at most maxTickGapMs; debt stays within the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 21, max: 5000 }), fc.integer({ min: 0, max: 200_000 }), (gapMs, mediaBytes) => {
        const p = new ProbePacer({ maxCreditBytes: MAX_CREDIT, tickMs: TICK_MS, maxTickGapMs: 100 });
        p.tick(0, 1_000_000);
        const credit = p.tick(gapMs, 1_000_000);
        // At most the carried cap plus 100 ms of earning, however long the stall.
        expect(credit).toBeLessThanOrEqual(Math.min(MAX_CREDIT, (1_000_000 * TICK_MS) / 8000) + (1_000_000 * Math.min(gapMs, 100)) / 8000 + 1e-9);
        p.onMedia(mediaBytes);
        expect(p.tick(gapMs + 20, 1_000_000)).toBeGreaterThanOrEqual(-MAX_CREDIT);
      }),
    );
  });
});
