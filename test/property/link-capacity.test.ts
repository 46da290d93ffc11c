import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCapacity } from '../../harness/link/capacity-schedule.ts';
import type { CapacitySpec, Direction, Scenario } from '../../harness/scenario/types.ts';
import { capacityArb, directionSpec, scenario, scenarioArb, traceArb } from '../helpers/link-scenario.ts';

/** Capacity at tMs evaluated straight from the scenario's rules, without any compilation (the oracle). */
function naiveCapacityBps(sc: Scenario, dir: Direction, t: number): number {
  const entries: { atMs: number; idx: number }[] = [];
  sc.network.forEach((p, idx) => p.atMs !== null && entries.push({ atMs: p.atMs, idx }));
  entries.sort((a, b) => a.atMs - b.atMs);
  for (const e of sc.events) {
    if (e.type === 'handover') entries.push({ atMs: e.atMs + e.outageMs, idx: sc.network.findIndex((p) => p.name === e.to) });
  }
  let idx = 0;
  let phaseStart = 0;
  let best = -Infinity;
  for (const e of entries) {
    if (e.atMs <= t && e.atMs >= best) {
      best = e.atMs;
      idx = e.idx;
      phaseStart = e.atMs;
    }
  }
  for (const e of sc.events) {
    if (e.type === 'handover' && t >= e.atMs && t < e.atMs + e.outageMs) return 0;
    if (e.type === 'outage' && (e.direction === 'both' || e.direction === dir) && t >= e.atMs && t < e.atMs + e.durationMs) return 0;
  }
  const cap = sc.network[idx][dir].capacity;
  let c: number;
  if (cap.kind === 'constant') c = cap.bps;
  else {
    const { trace, loop, scale, offsetMs } = cap;
    let pos = offsetMs + t - phaseStart;
    if (loop) pos = ((pos % trace.periodMs) + trace.periodMs) % trace.periodMs;
    let i = -1;
    for (let k = 0; k < trace.startMs.length; k++) if (trace.startMs[k] <= pos) i = k;
    c = pos >= trace.periodMs || i < 0 ? 0 : trace.bps[i] * scale;
  }
  for (const e of sc.events) {
    if (e.type !== 'capacityStep' || !(e.direction === 'both' || e.direction === dir)) continue;
    if (t < e.atMs || (e.durationMs !== null && t >= e.atMs + e.durationMs)) continue;
    c = e.bps !== null ? e.bps : c * (e.factor ?? 1);
  }
  return c;
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('capacity schedule properties', () => {
  it('equals the rules evaluated directly, at any time (also past the horizon)', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 20, maxLength: 20 }), (sc, times) => {
        for (const dir of ['down', 'up'] as const) {
          const s = compileCapacity(sc, dir);
          for (const t of times) expect(close(s.capacityBpsAt(t), naiveCapacityBps(sc, dir, t)), `${dir} @${t}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('integrates to the sum of the direct rules over whole milliseconds (all edges are integer ms)', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: 0, max: 25_000 }), fc.integer({ min: 1, max: 3000 }), (sc, a, len) => {
        const s = compileCapacity(sc, 'down');
        let bits = 0;
        for (let t = a; t < a + len; t++) bits += naiveCapacityBps(sc, 'down', t) / 1000;
        expect(close(s.deliverableBytes(a, a + len), bits / 8, 1e-7)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('timeToDeliverMs is the least inverse of deliverableBytes', () => {
    fc.assert(
      fc.property(
        scenarioArb(),
        fc.double({ min: 0, max: 30_000, noNaN: true }),
        fc.double({ min: 1, max: 3e6, noNaN: true }),
        (sc, t0, bytes) => {
          const s = compileCapacity(sc, 'down');
          const t = s.timeToDeliverMs(t0, bytes);
          if (t === Infinity) {
            expect(s.deliverableBytes(t0, 1e12)).toBeLessThan(bytes);
            return;
          }
          expect(t).toBeGreaterThanOrEqual(t0);
          expect(close(s.deliverableBytes(t0, t), bytes, 1e-7)).toBe(true);
          if (t - t0 > 1e-3) expect(s.deliverableBytes(t0, t - 1e-3)).toBeLessThan(bytes);
          // Monotone in bytes.
          expect(s.timeToDeliverMs(t0, bytes / 2)).toBeLessThanOrEqual(t);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a capacityStep factor multiplies the integral over its window and leaves the rest alone', () => {
    fc.assert(
      fc.property(
        capacityArb,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(0.5, 0.25, 2),
        (cap, at, dur, factor) => {
          const base = scenario([{ name: 'p', atMs: 0, preset: null, down: directionSpec({ capacity: cap }), up: directionSpec({ capacity: cap }) }], [], 10_000);
          const stepped = { ...base, events: [{ type: 'capacityStep' as const, atMs: at, durationMs: dur, factor, bps: null, direction: 'both' as const }] };
          const a = compileCapacity(base, 'down');
          const b = compileCapacity(stepped, 'up');
          expect(close(b.deliverableBytes(at, at + dur), factor * a.deliverableBytes(at, at + dur))).toBe(true);
          expect(close(b.deliverableBytes(0, at), a.deliverableBytes(0, at))).toBe(true);
          expect(close(b.deliverableBytes(at + dur, 20_000), a.deliverableBytes(at + dur, 20_000))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('trace scale multiplies, offset shifts, and loop=false ends at zero', () => {
    fc.assert(
      fc.property(traceArb, fc.double({ min: 0.1, max: 4, noNaN: true }), fc.nat(), (tr, scale, offsetSeed) => {
        const offsetMs = offsetSeed % tr.periodMs;
        const make = (c: Partial<Extract<CapacitySpec, { kind: 'trace' }>>) =>
          compileCapacity(
            scenario([{ name: 'p', atMs: 0, preset: null, down: directionSpec({ capacity: { kind: 'trace', trace: tr, scale: 1, offsetMs: 0, loop: true, ...c } }), up: directionSpec() }], [], 5000),
            'down',
          );
        const plain = make({});
        const scaled = make({ scale });
        const shifted = make({ offsetMs });
        const once = make({ loop: false });
        const onceShifted = make({ loop: false, offsetMs });
        const periodBits = tr.bps.reduce((sum, bps, i) => sum + (bps * ((tr.startMs[i + 1] ?? tr.periodMs) - tr.startMs[i])) / 1000, 0);
        for (const [t0, t1] of [[0, 700], [123, 4567], [0, 3 * tr.periodMs], [6000, 9000]]) {
          expect(close(scaled.deliverableBytes(t0, t1), scale * plain.deliverableBytes(t0, t1))).toBe(true);
          expect(close(shifted.deliverableBytes(t0, t1), plain.deliverableBytes(t0 + offsetMs, t1 + offsetMs))).toBe(true);
        }
        // Looping: every whole period carries the trace's bits; once: only one pass, then 0.
        expect(close(plain.deliverableBytes(250, 250 + tr.periodMs), periodBits / 8)).toBe(true);
        expect(close(once.deliverableBytes(0, 1e9), periodBits / 8)).toBe(true);
        expect(once.capacityBpsAt(tr.periodMs + 1)).toBe(0);
        expect(onceShifted.capacityBpsAt(tr.periodMs - offsetMs)).toBe(0);
        expect(close(onceShifted.deliverableBytes(0, 1e9), plain.deliverableBytes(offsetMs, tr.periodMs))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('outages are zero-capacity stretches in their direction only', () => {
    fc.assert(
      fc.property(capacityArb, fc.integer({ min: 0, max: 8000 }), fc.integer({ min: 1, max: 2000 }), (cap, at, dur) => {
        const sc = scenario([{ name: 'p', atMs: 0, preset: null, down: directionSpec({ capacity: cap }), up: directionSpec({ capacity: cap }) }], [{ type: 'outage', atMs: at, durationMs: dur, direction: 'down' }], 10_000);
        const down = compileCapacity(sc, 'down');
        const up = compileCapacity(sc, 'up');
        expect(down.deliverableBytes(at, at + dur)).toBe(0);
        expect(down.capacityBpsAt(at)).toBe(0);
        expect(down.capacityBpsAt(at + dur - 1e-6)).toBe(0);
        expect(close(up.capacityBpsAt(at), naiveCapacityBps({ ...sc, events: [] }, 'up', at))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
