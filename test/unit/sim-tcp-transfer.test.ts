// The simulator's TCP transfer model (harness/link/tcp.ts): a download is integrated piece by piece over the
// capacity and the Mathis (loss) timeline, so a loss burst slows only the part of a download inside it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCapacity } from '../../harness/link/capacity-schedule.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import { mathisGoodputBps, tcpTransferEndMs, type FluidCapacity, type MathisTimeline } from '../../harness/link/tcp.ts';
import { tcpMathisTimeline } from '../../harness/link/tcp-loss-timeline.ts';
import { downloadFinishMs } from '../../harness/sim/streaming-session.ts';
import { capacityArb, simpleScenario } from '../helpers/link-scenario.ts';

const constantCapacity = (bps: number): FluidCapacity => ({
  deliverableBytes: (t0, t1) => (t1 > t0 ? (bps * (t1 - t0)) / 8000 : 0),
  timeToDeliverMs: (t0, bytes) => t0 + (bytes * 8000) / bps,
});

/** One burst of goodput m in [b0, b0 + len), no loss elsewhere. */
const burstTimeline = (b0: number, len: number, m: number): MathisTimeline => ({
  startMs: [0, b0, b0 + len],
  goodputBps: [Infinity, m, Infinity],
});

const overlapMs = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

describe('TCP transfer over a loss timeline', () => {
  it('slows a download only while it is inside a burst (the audit reproduction: 5 Mbps, 100 ms, 2 s of 30% at 10 s)', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 5e6 }, delayMs: 50 }, [
      { type: 'lossBurst', atMs: 10_000, durationMs: 2000, rate: 0.3, direction: 'down' },
    ]);
    const link = buildLinkModel(s);
    const mathis = tcpMathisTimeline(link.down, link.up, { mssBytes: 1448 });
    const m = mathisGoodputBps(1448, 100, 0.3);
    const bytes = 2_000_000;
    const cleanMs = 100 + (bytes * 8000) / 5e6; // 3.3 s
    const took = (requestMs: number) => downloadFinishMs(link, requestMs, bytes, mathis) - requestMs;
    // Crosses the whole burst: 2 s at m instead of 5 Mbps; the missing bits follow at 5 Mbps.
    expect(took(9800)).toBeCloseTo(cleanMs + 2000 * (1 - m / 5e6), 6);
    // First byte at 10.05 s: 1.95 s of the burst.
    expect(took(9950)).toBeCloseTo(cleanMs + 1950 * (1 - m / 5e6), 6);
    // First byte when the burst ends: no slowdown (it was 61.87 s when the first byte's loss held throughout).
    expect(took(11_900)).toBeCloseTo(cleanMs, 6);
    expect(took(5000)).toBeCloseTo(cleanMs, 6);
  });

  it('constant capacity: extra time = (1 - m/C) x the time the transfer spends in the burst (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 50_000_000 }),
        fc.double({ min: 1e4, max: 1e8, noNaN: true }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (capBps, m, b0, len, t0, bytes) => {
          const cap = constantCapacity(capBps);
          const end = tcpTransferEndMs(cap, burstTimeline(b0, len, m), t0, bytes);
          const free = t0 + (bytes * 8000) / capBps;
          const slow = Math.max(0, 1 - m / capBps);
          const inBurst = overlapMs(t0, end, b0, b0 + len);
          expect(end - free).toBeCloseTo(slow * inBurst, 3);
          // Never faster than without loss; never slower by more than the burst's length times the slowdown.
          expect(end).toBeGreaterThanOrEqual(free - 1e-6);
          expect(end - free).toBeLessThanOrEqual(slow * len + 1e-6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a later request never finishes earlier, and no loss means the capacity integral alone (property, traces)', () => {
    const timelineArb = fc
      .array(fc.record({ gapMs: fc.integer({ min: 1, max: 5000 }), m: fc.oneof(fc.constant(Infinity), fc.double({ min: 1e4, max: 3e7, noNaN: true })) }), {
        minLength: 1,
        maxLength: 12,
      })
      .map((ps): MathisTimeline => {
        let t = 0;
        return { startMs: ps.map((p) => (t += p.gapMs) - ps[0].gapMs), goodputBps: ps.map((p) => p.m) };
      });
    fc.assert(
      fc.property(
        capacityArb,
        timelineArb,
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 3_000_000 }),
        (capacity, mathis, t0, dt, bytes) => {
          const sched = compileCapacity(simpleScenario({ capacity }, [], 40_000), 'down');
          const a = tcpTransferEndMs(sched, mathis, t0, bytes);
          const b = tcpTransferEndMs(sched, mathis, t0 + dt, bytes);
          expect(b).toBeGreaterThanOrEqual(a - 1e-6);
          // The capacity integral bounds every transfer, and with no loss it is the answer.
          expect(a).toBeGreaterThanOrEqual(sched.timeToDeliverMs(t0, bytes) - 1e-6);
          const lossless: MathisTimeline = { startMs: [0], goodputBps: [Infinity] };
          expect(tcpTransferEndMs(sched, lossless, t0, bytes)).toBe(sched.timeToDeliverMs(t0, bytes));
          // More loss (every goodput halved) never makes it faster.
          const worse: MathisTimeline = { startMs: mathis.startMs, goodputBps: mathis.goodputBps.map((g) => g / 2) };
          expect(tcpTransferEndMs(sched, worse, t0, bytes)).toBeGreaterThanOrEqual(a - 1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splitting a piece in two with the same goodput changes nothing (constant capacity, property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 50_000_000 }),
        fc.double({ min: 1e4, max: 1e8, noNaN: true }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (capBps, m, splitMs, t0, bytes) => {
          const cap = constantCapacity(capBps);
          const one: MathisTimeline = { startMs: [0], goodputBps: [m] };
          const two: MathisTimeline = { startMs: [0, splitMs], goodputBps: [m, m] };
          expect(tcpTransferEndMs(cap, two, t0, bytes)).toBeCloseTo(tcpTransferEndMs(cap, one, t0, bytes), 4);
          expect(tcpTransferEndMs(cap, one, t0, bytes)).toBeCloseTo(t0 + (bytes * 8000) / Math.min(capBps, m), 4);
        },
      ),
      { numRuns: 300 },
    );
  });
});
