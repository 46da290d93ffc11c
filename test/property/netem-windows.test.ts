import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import { longRunLossRate } from '../../harness/link/settings-timeline.ts';
import { linkWindows } from '../../harness/netem/link-windows.ts';
import { compileTcPlan, gemodelArgs, planSteps } from '../../harness/netem/tc-compiler.ts';
import { scenarioArb } from '../helpers/link-scenario.ts';

describe('link windows against the link model', () => {
  it('cover [0, duration) without gaps, and agree with the model on phase, outage and loss at every point', () => {
    fc.assert(
      fc.property(scenarioArb({ loss: true, jitter: true }), fc.integer({ min: 10, max: 500 }), (s, stepMs) => {
        const model = buildLinkModel(s);
        for (const direction of ['down', 'up'] as const) {
          const ws = linkWindows(s, model, direction, { stepMs });
          expect(ws[0].startMs).toBe(0);
          expect(ws[ws.length - 1].endMs).toBe(s.durationMs);
          for (let i = 0; i < ws.length; i++) {
            const w = ws[i];
            expect(w.endMs).toBeGreaterThan(w.startMs);
            if (i > 0) expect(w.startMs).toBe(ws[i - 1].endMs);
            for (const t of [w.startMs, (w.startMs + w.endMs) / 2, w.endMs - 0.001]) {
              const st = model[direction].stateAt(t);
              expect(st.inOutage).toBe(w.outage);
              expect(st.phase).toBe(w.phase);
              expect(longRunLossRate(w.loss)).toBe(st.lossRate);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('let through the same bits as the model (trace averaging conserves the capacity integral)', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: 10, max: 500 }), (s, stepMs) => {
        const model = buildLinkModel(s);
        for (const direction of ['down', 'up'] as const) {
          const ws = linkWindows(s, model, direction, { stepMs });
          const bits = ws.reduce((sum, w) => sum + (w.capacityBps * (w.endMs - w.startMs)) / 1000, 0);
          const modelBits = model[direction].deliverableBytes(0, s.durationMs) * 8;
          // Each window's mean is rounded to 1 bit/s.
          expect(Math.abs(bits - modelBits)).toBeLessThanOrEqual((0.5 * s.durationMs) / 1000 + 1e-9 * modelBits + 1e-6);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never update tc more often than the step, except at the scenario\'s own discrete changes', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const plan = compileTcPlan(s, buildLinkModel(s), { runId: 'p', stepMs: 100 });
        const discrete = new Set<number>();
        for (const p of s.network) if (p.atMs !== null) discrete.add(p.atMs);
        for (const e of s.events) {
          discrete.add(e.atMs);
          if (e.type === 'handover') discrete.add(e.atMs + e.outageMs);
          else if (e.durationMs !== null) discrete.add(e.atMs + e.durationMs);
        }
        for (const u of plan.updates) expect(u.atMs % 100 === 0 || discrete.has(u.atMs)).toBe(true);
        const times = plan.updates.map((u) => u.atMs);
        expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
        for (const t of times) expect(t > 0 && t < s.durationMs).toBe(true);
        for (const c of planSteps(plan).flatMap((st) => st.commands)) for (const a of c) expect(a).toMatch(/^[\w@%.:/+-]+$/);
      }),
      { numRuns: 150 },
    );
  });
});

/** Small seeded PRNG for the kernel simulation (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('gemodel mapping, checked against the kernel algorithm', () => {
  // What iproute2 and sch_netem do with "loss gemodel A B C D": p = A, r = B, h = 1 - C (stored by tc),
  // k1 = D; per packet in GOOD: move to BAD if rnd < p, lose if rnd < k1; in BAD: move to GOOD if rnd < r,
  // lose if rnd > h (net/sched/sch_netem.c loss_gilb_ell).
  function kernelLossRate(args: string[], packets: number, seed: number): number {
    const [p, r, oneMinusH, k1] = args.slice(2).map((a) => Number(a.replace('%', '')) / 100);
    const h = 1 - oneMinusH;
    const rnd = rng(seed);
    let bad = false;
    let lost = 0;
    for (let i = 0; i < packets; i++) {
      if (!bad) {
        if (rnd() < p) bad = true;
        if (rnd() < k1) lost++;
      } else {
        if (rnd() < r) bad = false;
        if (rnd() > h) lost++;
      }
    }
    return lost / packets;
  }

  it("netem's long-run loss equals the model's stationary Gilbert-Elliott loss", () => {
    fc.assert(
      fc.property(
        fc.record({
          p: fc.double({ min: 0.005, max: 0.2, noNaN: true }),
          r: fc.double({ min: 0.1, max: 1, noNaN: true }),
          lossGood: fc.double({ min: 0, max: 0.05, noNaN: true }),
          lossBad: fc.double({ min: 0.2, max: 1, noNaN: true }),
        }),
        fc.integer(),
        (ge, seed) => {
          const spec = { model: 'gilbert-elliott' as const, ...ge };
          const measured = kernelLossRate(gemodelArgs(spec), 200_000, seed);
          const expected = longRunLossRate(spec);
          expect(Math.abs(measured - expected)).toBeLessThan(0.1 * expected + 0.004);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('swapping the two state losses (a common mistake) would be caught', () => {
    const spec = { model: 'gilbert-elliott' as const, p: 0.05, r: 0.25, lossGood: 0.01, lossBad: 0.9 };
    const args = gemodelArgs(spec);
    const swapped = [...args.slice(0, 4), args[5], args[4]];
    expect(Math.abs(kernelLossRate(swapped, 200_000, 7) - longRunLossRate(spec))).toBeGreaterThan(0.05);
  });
});
