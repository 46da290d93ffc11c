// Every built-in estimator on arbitrary feedback sessions: a finite target > 0 and a reason, always.
// The seed rules' own promises: seed-smooth acts at most every 2 s and only on a > 20% change;
// seed-jitter-cap caps at 500 kbps exactly when the 60-sample jitter average exceeds 50 ms (and lifts
// only after 10 readings under 30 ms).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BWE_REGISTRY } from '../../algorithms/bwe/registry.ts';
import { JITTER_CAP_BPS, SeedJitterCap } from '../../algorithms/bwe/seed-jitter-cap.ts';
import { SeedSmooth, SMOOTH_START_BPS } from '../../algorithms/bwe/seed-smooth.ts';
import type { BweContext, PacketResult } from '../../algorithms/bwe/types.ts';

const arbPacket = fc.record({
  gapMs: fc.double({ min: 0, max: 50, noNaN: true }),
  delayMs: fc.option(fc.double({ min: -20, max: 2000, noNaN: true }), { nil: null }),
  bytes: fc.integer({ min: 1, max: 1500 }),
  probe: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
});

const arbStep = fc.record({
  dtMs: fc.integer({ min: 0, max: 3000 }),
  packets: fc.array(arbPacket, { maxLength: 25 }),
  report: fc.option(
    fc.record({
      lossFraction: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      jitterMs: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
      rttMs: fc.option(fc.double({ min: 0, max: 2000, noNaN: true }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  rttMs: fc.option(fc.double({ min: 1, max: 2000, noNaN: true }), { nil: undefined }),
  available: fc.option(fc.double({ min: 1000, max: 1e8, noNaN: true }), { nil: undefined }),
  jitter: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
});

type Step = typeof arbStep extends fc.Arbitrary<infer T> ? T : never;

/** Turn steps into contexts with a non-decreasing clock and increasing sequence numbers. */
function sessionOf(steps: Step[]): BweContext[] {
  let t = 0;
  let seq = 0;
  let sendMs = 0;
  return steps.map((s) => {
    t += s.dtMs;
    const packets: PacketResult[] = [];
    for (const p of s.packets) {
      sendMs = Math.min(t, sendMs + p.gapMs);
      packets.push({
        sequence: seq++,
        sendTimeMs: sendMs,
        arrivalTimeMs: p.delayMs === null ? null : sendMs + p.delayMs,
        bytes: p.bytes,
        ...(p.probe !== undefined ? { probeClusterId: p.probe } : {}),
      });
    }
    return {
      tMs: t,
      packets,
      ...(s.report ? { report: s.report } : {}),
      ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}),
      ...(s.available !== undefined ? { availableOutgoingBitrateBps: s.available } : {}),
      ...(s.jitter !== undefined ? { inboundJitterMs: s.jitter } : {}),
    };
  });
}

const arbSession = fc.array(arbStep, { minLength: 1, maxLength: 60 }).map(sessionOf);

describe.each(BWE_REGISTRY.map((f) => [f.name, f] as const))('%s', (_name, factory) => {
  it('always decides a finite target > 0 with a non-empty reason, and valid probe requests', () => {
    fc.assert(
      fc.property(arbSession, (session) => {
        const e = factory.create();
        expect(e.name).toBe(factory.name);
        expect(['target', 'maxBitrate']).toContain(e.applies);
        for (const ctx of session) {
          const d = e.decide(ctx);
          expect(Number.isFinite(d.targetBps)).toBe(true);
          expect(d.targetBps).toBeGreaterThan(0);
          expect(d.reason.trim().length).toBeGreaterThan(0);
          for (const p of d.probes ?? []) {
            expect(Number.isFinite(p.bps) && p.bps > 0).toBe(true);
            expect(p.minPackets).toBeGreaterThanOrEqual(1);
            expect(p.minDurationMs).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('seed-smooth', () => {
  it('before its first change it caps nothing (passes the available bitrate through); after, it changes at most every 2 s and only by > 20%', () => {
    fc.assert(
      fc.property(arbSession, (session) => {
        const e = new SeedSmooth();
        let applied: { tMs: number; bps: number } | null = null;
        let latestAvailable: number | null = null;
        for (const ctx of session) {
          if (ctx.availableOutgoingBitrateBps !== undefined) latestAvailable = ctx.availableOutgoingBitrateBps;
          const d = e.decide(ctx);
          const isApplication = /maxBitrate = /.test(d.reason) && /> 20%/.test(d.reason);
          if (applied === null && !isApplication) {
            expect(d.targetBps).toBe(latestAvailable ?? SMOOTH_START_BPS);
            continue;
          }
          if (applied === null) {
            applied = { tMs: ctx.tMs, bps: d.targetBps };
            continue;
          }
          if (d.targetBps !== applied.bps) {
            expect(ctx.tMs - applied.tMs).toBeGreaterThanOrEqual(2000);
            // new = floor(0.9 T), old = floor(0.9 C) with |T - C| > 0.2 C.
            expect(Math.abs(d.targetBps - applied.bps) / applied.bps).toBeGreaterThan(0.2 - 1e-3);
            applied = { tMs: ctx.tMs, bps: d.targetBps };
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads every 2 s: EMA 0.1 of the available bitrate, applied as floor(0.9 x EMA) on a > 20% change', () => {
    const e = new SeedSmooth();
    const ctx = (tMs: number, avail: number): BweContext => ({ tMs, packets: [], availableOutgoingBitrateBps: avail });
    e.decide(ctx(0, 500_000)); // starts the 2 s timer
    // 2 s: EMA 0.9 x 2 M + 0.1 x 0.5 M = 1.85 M (7.5%: no change).
    expect(e.decide(ctx(2000, 500_000)).reason).toMatch(/EMA 1\.85 Mbps.*<= 20%/);
    expect(e.decide(ctx(3000, 500_000)).targetBps).toBe(500_000); // not a reading: still no cap
    e.decide(ctx(4000, 500_000)); // 1.715 M (14%)
    const d = e.decide(ctx(6000, 500_000)); // 1.5935 M (20.3%): apply
    expect(d.targetBps).toBe(Math.floor(0.9 * 1_593_500));
    expect(e.decide(ctx(6500, 100_000)).targetBps).toBe(Math.floor(0.9 * 1_593_500));
  });
});

describe('seed-jitter-cap', () => {
  /** The rule as the reference notes state it, plus our lift rule, for a session read once per call. */
  function reference(jitters: number[]): boolean[] {
    const samples: number[] = [];
    let capped = false;
    let calm = 0;
    return jitters.map((j) => {
      samples.push(j);
      if (samples.length > 60) samples.shift();
      const avg = samples.reduce((a, b) => a + b, 0) / samples.length;
      if (avg > 50) {
        capped = true;
        calm = 0;
      } else if (capped) {
        calm = avg < 30 ? calm + 1 : 0;
        if (calm >= 10) {
          capped = false;
          calm = 0;
        }
      }
      return capped;
    });
  }

  it('caps at 500 kbps exactly when the 60-sample average exceeds 50 ms, lifts after 10 readings under 30 ms', () => {
    // Runs of values on either side of 50 and 30 ms put the average on the boundaries too.
    const arbJitter = fc.oneof(
      fc.double({ min: 0, max: 30, noNaN: true }),
      fc.double({ min: 0, max: 150, noNaN: true }),
      fc.constantFrom(29.5, 30, 49.5, 50, 50.5),
    );
    fc.assert(
      fc.property(fc.array(arbJitter, { minLength: 1, maxLength: 200 }), fc.double({ min: 1e5, max: 1e7, noNaN: true }), (jitters, available) => {
        const e = new SeedJitterCap();
        e.decide({ tMs: 0, packets: [], availableOutgoingBitrateBps: available }); // starts the 1 s timer
        const expected = reference(jitters);
        jitters.forEach((j, i) => {
          const d = e.decide({ tMs: (i + 1) * 1000, packets: [], inboundJitterMs: j, availableOutgoingBitrateBps: available });
          expect(e.isCapped).toBe(expected[i]);
          expect(d.targetBps).toBe(expected[i] ? JITTER_CAP_BPS : available);
          if (e.averageJitterMs > 50) expect(d.targetBps).toBe(JITTER_CAP_BPS);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads at most once per second, whatever the call rate', () => {
    const e = new SeedJitterCap();
    e.decide({ tMs: 0, packets: [] });
    for (let t = 100; t <= 5000; t += 100) e.decide({ tMs: t, packets: [], inboundJitterMs: 80 });
    expect(e.decide({ tMs: 5000, packets: [] }).reason).toMatch(/average of 5 /);
  });
});
