import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { SendResult } from '../../harness/link/types.ts';
import { phase, scenario, simpleScenario } from '../helpers/link-scenario.ts';

const MBPS = 1_000_000;
const delivered = (r: SendResult) => ('deliveredAtMs' in r ? r : null);

describe('link direction packet path', () => {
  it('serves back-to-back packets at the capacity and reports their queueing', () => {
    // 1500 B at 12 Mbps = 1 ms each; 10 ms one-way delay.
    const link = buildLinkModel(simpleScenario({ capacity: { kind: 'constant', bps: 12 * MBPS }, delayMs: 10 }));
    const r = [0, 1, 2].map((id) => delivered(link.down.send({ id, bytes: 1500 }, 0))!);
    expect(r.map((x) => x.deliveredAtMs)).toEqual([11, 12, 13].map((v) => expect.closeTo(v, 9)));
    expect(r.map((x) => x.queueDelayMs)).toEqual([0, 1, 2].map((v) => expect.closeTo(v, 9)));
    // A packet arriving after the queue drained waits for nothing.
    expect(delivered(link.down.send({ id: 3, bytes: 1500 }, 100))).toEqual({ deliveredAtMs: expect.closeTo(111, 9), queueDelayMs: 0 });
  });

  it('drops a queued packet whose service would run into an outage, and arrivals inside it', () => {
    const sc = simpleScenario(
      { capacity: { kind: 'constant', bps: 12 * MBPS }, delayMs: 0 },
      [{ type: 'outage', atMs: 10, durationMs: 20, direction: 'down' }],
    );
    const link = buildLinkModel(sc);
    const causes = [];
    for (let id = 0; id < 15; id++) {
      const r = link.down.send({ id, bytes: 1500 }, 0);
      causes.push('dropped' in r ? r.dropped : 'ok');
    }
    // Ten packets finish by 10 ms; the rest would still be held when the path dies.
    expect(causes).toEqual([...Array(10).fill('ok'), ...Array(5).fill('outage')]);
    expect(link.down.send({ id: 20, bytes: 1500 }, 15)).toEqual({ dropped: 'outage' });
    expect(delivered(link.down.send({ id: 21, bytes: 1500 }, 30))?.deliveredAtMs).toBeCloseTo(31, 9);
    // The uplink was not in the outage.
    expect(delivered(link.up.send({ id: 0, bytes: 1500 }, 15))).not.toBeNull();
    expect(link.down.stats()).toEqual({ sent: 17, delivered: 11, dropped: { outage: 6, loss: 0, queue: 0 } });
  });

  it('uses the delay in force when the packet leaves the bottleneck, and keeps order without reorder', () => {
    const at12 = { capacity: { kind: 'constant' as const, bps: 12 * MBPS } }; // 1 ms per 1500 B
    const reorder = { ms: 0, distribution: 'uniform' as const, reorder: true };
    const sc = scenario([phase('slow', 0, { ...at12, delayMs: 100, jitter: reorder }), phase('fast', 1000, { ...at12, delayMs: 10, jitter: reorder })], [], 5000);
    const link = buildLinkModel(sc);
    // Twenty packets at 990 ms leave at 991, ..., 1010 ms: the first nine with 100 ms, the rest with 10 ms.
    const r = Array.from({ length: 20 }, (_, id) => delivered(link.down.send({ id, bytes: 1500 }, 990))!.deliveredAtMs);
    expect(r[0]).toBeCloseTo(1091, 9);
    expect(r[8]).toBeCloseTo(1099, 9);
    expect(r[9]).toBeCloseTo(1010, 9);
    expect(r[19]).toBeCloseTo(1020, 9);

    const fifo = buildLinkModel(scenario([phase('slow', 0, { delayMs: 100 }), phase('fast', 1000, { delayMs: 10 })], [], 5000));
    const a = delivered(fifo.down.send({ id: 0, bytes: 100 }, 995))!;
    const b = delivered(fifo.down.send({ id: 1, bytes: 100 }, 1001))!;
    expect(a.deliveredAtMs).toBeGreaterThan(1095);
    // 1001 + 10 would overtake the first packet: held back to its delivery time.
    expect(b.deliveredAtMs).toBe(a.deliveredAtMs);
  });

  it('drops at the queue limit in packets, bytes and ms', () => {
    const cap = { kind: 'constant' as const, bps: 1.2 * MBPS }; // 10 ms per 1500 B
    const count = (unit: 'packets' | 'bytes' | 'ms', limit: number) => {
      const link = buildLinkModel(simpleScenario({ capacity: cap, queue: { unit, limit, discipline: 'droptail' } }));
      let ok = 0;
      for (let id = 0; id < 20; id++) if ('deliveredAtMs' in link.down.send({ id, bytes: 1500 }, 0)) ok++;
      return ok;
    };
    expect(count('packets', 5)).toBe(5);
    expect(count('bytes', 4500)).toBe(3);
    // Waits of 0, 10, ..., 40 ms are within 45 ms; the sixth would wait 50.
    expect(count('ms', 45)).toBe(5);
  });

  it('rejects time going backwards', () => {
    const link = buildLinkModel(simpleScenario({}));
    link.down.send({ id: 0, bytes: 100 }, 10);
    expect(() => link.down.send({ id: 1, bytes: 100 }, 9)).toThrow(RangeError);
  });

  it('reports the stationary loss rate of Gilbert-Elliott in stateAt, and a loss burst over it', () => {
    const ge = { model: 'gilbert-elliott' as const, p: 0.01, r: 0.09, lossGood: 0.001, lossBad: 0.5 };
    const sc = simpleScenario({ loss: ge }, [{ type: 'lossBurst', atMs: 1000, durationMs: 100, rate: 0.3, direction: 'down' }]);
    const link = buildLinkModel(sc);
    expect(link.down.stateAt(0).lossRate).toBeCloseTo(0.9 * 0.001 + 0.1 * 0.5, 12);
    expect(link.down.stateAt(1050).lossRate).toBe(0.3);
    expect(link.up.stateAt(1050).lossRate).toBeCloseTo(0.0509, 12);
  });

  it('does not shift loss decisions when jitter is switched on (independent streams)', () => {
    const pattern = (jitterMs: number) => {
      const link = buildLinkModel(simpleScenario({ loss: { model: 'bernoulli', rate: 0.2 }, jitter: { ms: jitterMs, distribution: 'normal', reorder: true } }), { seed: 7 });
      return Array.from({ length: 500 }, (_, id) => 'dropped' in link.down.send({ id, bytes: 200 }, id));
    };
    expect(pattern(30)).toEqual(pattern(0));
    expect(pattern(0).some(Boolean)).toBe(true);
  });
});
