import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { SendResult } from '../../harness/link/types.ts';
import type { DirectionSpec, Phase, QueueSpec, Scenario } from '../../harness/scenario/types.ts';
import { scenarioArb, simpleScenario } from '../helpers/link-scenario.ts';

type Sent = { id: number; tMs: number; bytes: number; r: SendResult };

const sendsArb = fc.array(
  fc.record({ gapMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 8, noNaN: true })), bytes: fc.integer({ min: 40, max: 1500 }) }),
  { minLength: 1, maxLength: 1500 },
);

function run(sc: Scenario, sends: { gapMs: number; bytes: number }[], dir: 'down' | 'up' = 'down', seed?: number) {
  const link = buildLinkModel(sc, { seed });
  const out: Sent[] = [];
  let t = 0;
  sends.forEach((s, id) => {
    t += s.gapMs;
    out.push({ id, tMs: t, bytes: s.bytes, r: link[dir].send({ id, bytes: s.bytes }, t) });
  });
  return { link, out };
}

function mapPhases(sc: Scenario, f: (d: DirectionSpec) => Partial<DirectionSpec>): Scenario {
  const network = sc.network.map((p): Phase => ({ ...p, down: { ...p.down, ...f(p.down) }, up: { ...p.up, ...f(p.up) } }));
  return { ...sc, network };
}

const isDelivered = (r: SendResult): r is { deliveredAtMs: number; queueDelayMs: number } => 'deliveredAtMs' in r;

describe('packet path properties', () => {
  it('conserves packets: each is delivered after it was sent, or dropped with a cause; counters add up', () => {
    fc.assert(
      fc.property(scenarioArb({ loss: true, jitter: true }), sendsArb, fc.constantFrom('down' as const, 'up' as const), (sc, sends, dir) => {
        const { link, out } = run(sc, sends, dir);
        const tally = { delivered: 0, queue: 0, loss: 0, outage: 0 };
        for (const s of out) {
          if (isDelivered(s.r)) {
            expect(Number.isFinite(s.r.deliveredAtMs)).toBe(true);
            expect(s.r.queueDelayMs).toBeGreaterThanOrEqual(0);
            expect(s.r.deliveredAtMs).toBeGreaterThanOrEqual(s.tMs + s.r.queueDelayMs - 1e-9);
            tally.delivered++;
          } else {
            expect(['queue', 'loss', 'outage']).toContain(s.r.dropped);
            tally[s.r.dropped]++;
          }
          // Whatever arrives while the direction is dark is dropped for the outage.
          if (link[dir].stateAt(s.tMs).inOutage) expect(s.r).toEqual({ dropped: 'outage' });
        }
        const st = link[dir].stats();
        expect(st.sent).toBe(sends.length);
        expect({ delivered: st.delivered, ...st.dropped }).toEqual(tally);
        expect(tally.delivered + tally.queue + tally.loss + tally.outage).toBe(sends.length);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps FIFO order without reorder (jitter on), and reorders with large jitter when allowed', () => {
    fc.assert(
      fc.property(scenarioArb({ jitter: true }), sendsArb, (sc0, sends) => {
        const sc = mapPhases(sc0, (d) => ({ jitter: { ...d.jitter, ms: Math.max(d.jitter.ms, 5), reorder: false } }));
        const { out } = run(sc, sends);
        let last = -Infinity;
        for (const s of out) {
          if (!isDelivered(s.r)) continue;
          expect(s.r.deliveredAtMs).toBeGreaterThanOrEqual(last);
          last = s.r.deliveredAtMs;
        }
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('uniform' as const, 'normal' as const, 'pareto' as const), (seed, distribution) => {
        const sc = simpleScenario({ capacity: { kind: 'constant', bps: 100e6 }, jitter: { ms: 40, distribution, reorder: true } });
        const { out } = run(sc, Array.from({ length: 300 }, () => ({ gapMs: 1, bytes: 500 })), 'down', seed);
        const times = out.filter((s) => isDelivered(s.r)).map((s) => (s.r as { deliveredAtMs: number }).deliveredAtMs);
        expect(times.some((t, i) => i > 0 && t < times[i - 1])).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('never delivers more by T than the capacity integral over [0, T]', () => {
    fc.assert(
      fc.property(scenarioArb({ jitter: true }), sendsArb, fc.constantFrom('down' as const, 'up' as const), (sc, sends, dir) => {
        const { link, out } = run(sc, sends, dir);
        const deliveries = out
          .filter((s) => isDelivered(s.r))
          .map((s) => ({ t: (s.r as { deliveredAtMs: number }).deliveredAtMs, bytes: s.bytes }))
          .sort((a, b) => a.t - b.t);
        let bytes = 0;
        for (const d of deliveries) {
          bytes += d.bytes;
          expect(bytes).toBeLessThanOrEqual(link[dir].deliverableBytes(0, d.t) * (1 + 1e-9) + 1e-6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a saturating sender gets what the fluid view promises, within a packet per edge', () => {
    const durationMs = 3000;
    fc.assert(
      fc.property(scenarioArb({ durationMs }), fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 1, max: 2500 }), (sc0, t0, len) => {
        const queue: QueueSpec = { limit: 100, unit: 'packets', discipline: 'droptail' };
        const sc = mapPhases(sc0, () => ({ delayMs: 0, queue }));
        const t1 = Math.min(durationMs, t0 + len);
        // 1500 B every 0.04 ms = 300 Mbit/s, above any capacity the arbitraries make.
        const { link, out } = run(sc, Array.from({ length: durationMs / 0.04 }, () => ({ gapMs: 0.04, bytes: 1500 })));
        let got = 0;
        for (const s of out) if (isDelivered(s.r) && s.r.deliveredAtMs > t0 && s.r.deliveredAtMs <= t1) got += 1500;
        // The server idles for under one packet at each window edge and around each outage edge.
        const outageEdges = sc.events.filter((e) => e.type === 'outage' || e.type === 'handover').length * 2;
        const slack = 1500 * (2 + outageEdges);
        expect(Math.abs(got - link.down.deliverableBytes(t0, t1))).toBeLessThanOrEqual(slack);
      }),
      { numRuns: 15 },
    );
  });

  it('holds the queue limit in packets, bytes and ms', () => {
    let queueDrops = 0;
    fc.assert(
      fc.property(
        scenarioArb(),
        fc.constantFrom('packets' as const, 'bytes' as const, 'ms' as const),
        fc.integer({ min: 1, max: 60 }),
        sendsArb,
        (sc0, unit, n, sends) => {
          const limit = unit === 'packets' ? n : unit === 'bytes' ? n * 1000 : n * 5;
          // No delay or jitter: a delivery time is the moment the packet left the bottleneck.
          const sc = mapPhases(sc0, () => ({ delayMs: 0, jitter: { ms: 0, distribution: 'uniform', reorder: false }, queue: { limit, unit, discipline: 'droptail' } }));
          const { out } = run(sc, sends);
          const accepted = out.filter((s) => isDelivered(s.r));
          queueDrops += out.filter((s) => !isDelivered(s.r) && s.r.dropped === 'queue').length;
          // Held at each arrival = accepted so far (itself included) minus those that have left.
          let left = 0;
          let leftBytes = 0;
          let inBytes = 0;
          accepted.forEach((s, j) => {
            inBytes += s.bytes;
            while ((accepted[left].r as { deliveredAtMs: number }).deliveredAtMs <= s.tMs) leftBytes += accepted[left++].bytes;
            if (unit === 'packets') expect(j + 1 - left).toBeLessThanOrEqual(limit);
            if (unit === 'bytes') expect(inBytes - leftBytes).toBeLessThanOrEqual(limit);
            if (unit === 'ms') expect((s.r as { queueDelayMs: number }).queueDelayMs).toBeLessThanOrEqual(limit);
          });
        },
      ),
      { numRuns: 80 },
    );
    expect(queueDrops).toBeGreaterThan(0);
  });

  it('repeats itself for the same seed and differs for another', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const sc = simpleScenario({ loss: { model: 'bernoulli', rate: 0.1 }, jitter: { ms: 10, distribution: 'normal', reorder: true } });
        const sends = Array.from({ length: 300 }, () => ({ gapMs: 1, bytes: 1000 }));
        const a = run(sc, sends, 'down', seed).out.map((s) => s.r);
        const b = run(sc, sends, 'down', seed).out.map((s) => s.r);
        const c = run(sc, sends, 'down', seed + 1).out.map((s) => s.r);
        expect(b).toEqual(a);
        expect(c).not.toEqual(a);
      }),
      { numRuns: 30 },
    );
  });
});
