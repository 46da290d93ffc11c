import { describe, expect, it } from 'vitest';
import { compileCapacity } from '../../harness/link/capacity-schedule.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { CapacitySpec } from '../../harness/scenario/types.ts';
import { phase, scenario, simpleScenario, trace } from '../helpers/link-scenario.ts';

const MBPS = 1_000_000;
const tr = trace([
  { ms: 1000, bps: 1 * MBPS },
  { ms: 1000, bps: 3 * MBPS },
  { ms: 2000, bps: 0 },
]);
const traceCap = (over: Partial<Extract<CapacitySpec, { kind: 'trace' }>> = {}): CapacitySpec => ({
  kind: 'trace',
  trace: tr,
  scale: 1,
  offsetMs: 0,
  loop: true,
  ...over,
});

describe('capacity schedule', () => {
  it('integrates a constant capacity and inverts it', () => {
    const s = compileCapacity(simpleScenario({ capacity: { kind: 'constant', bps: 8 * MBPS } }), 'down');
    expect(s.deliverableBytes(0, 1000)).toBeCloseTo(1_000_000, 6);
    expect(s.timeToDeliverMs(500, 1_000_000)).toBeCloseTo(1500, 9);
    // Past the scenario's end the last phase keeps going.
    expect(s.deliverableBytes(59_000, 61_000)).toBeCloseTo(2_000_000, 6);
    expect(s.capacityBpsAt(10 * 60_000)).toBe(8 * MBPS);
  });

  it('reads a looping trace with scale and offset', () => {
    const s = compileCapacity(simpleScenario({ capacity: traceCap({ scale: 2, offsetMs: 1500 }) }, [], 10_000), 'down');
    // Starts reading at 1.5 s: 0.5 s of 3 Mbps, then 2 s of 0, then wraps to 1 Mbps; all doubled.
    expect(s.capacityBpsAt(0)).toBe(6 * MBPS);
    expect(s.capacityBpsAt(600)).toBe(0);
    expect(s.capacityBpsAt(2600)).toBe(2 * MBPS);
    expect(s.deliverableBytes(0, 4000)).toBeCloseTo((6 * MBPS * 0.5 + 2 * MBPS * 1 + 6 * MBPS * 0.5) / 8, 3);
    // A whole period anywhere (also past the horizon) carries one period's bits: (1 + 3) Mbit x 2.
    expect(s.deliverableBytes(12_345, 16_345)).toBeCloseTo((8 * MBPS) / 8, 3);
    // The zero stretch: bytes asked for at its start wait until the trace wraps.
    expect(s.timeToDeliverMs(500, 1)).toBeCloseTo(2500 + 8 / (2 * MBPS) * 1000, 6);
  });

  it('finds the earliest time when a whole period of the repeating tail is asked for', () => {
    // Horizon at 3 s = trace position 3000: the tail repeats [0 for 1 s][1 Mbps 1 s][3 Mbps 1 s][0 for 1 s].
    const s = compileCapacity(simpleScenario({ capacity: traceCap() }, [], 3000), 'down');
    expect(s.horizonMs).toBe(3000);
    expect(s.timeToDeliverMs(3000, (4 * MBPS) / 8)).toBeCloseTo(6000, 6);
    expect(s.timeToDeliverMs(3000, (8 * MBPS) / 8)).toBeCloseTo(10_000, 6);
  });

  it('gives 0 after a non-looping trace ends', () => {
    const s = compileCapacity(simpleScenario({ capacity: traceCap({ loop: false, offsetMs: 1000 }) }, [], 1000), 'down');
    expect(s.capacityBpsAt(500)).toBe(3 * MBPS);
    expect(s.capacityBpsAt(3500)).toBe(0);
    expect(s.deliverableBytes(0, 1e9)).toBeCloseTo((3 * MBPS) / 8, 3);
    expect(s.timeToDeliverMs(0, (3 * MBPS) / 8 + 1)).toBe(Infinity);
  });

  it('restarts a trace at its offset when its phase starts', () => {
    const sc = scenario([phase('a', 0), phase('b', 5000, { capacity: traceCap({ offsetMs: 1000 }) })], [], 20_000);
    const s = compileCapacity(sc, 'down');
    expect(s.capacityBpsAt(4999)).toBe(8 * MBPS);
    expect(s.capacityBpsAt(5000)).toBe(3 * MBPS);
    expect(s.capacityBpsAt(6000)).toBe(0);
    expect(s.capacityBpsAt(8000)).toBe(1 * MBPS);
  });

  it('applies outages, capacity steps and handovers as stretches of the schedule', () => {
    const sc = scenario(
      [phase('wifi', 0, { capacity: { kind: 'constant', bps: 10 * MBPS }, delayMs: 5 }), phase('lte', null, { capacity: { kind: 'constant', bps: 4 * MBPS }, delayMs: 40 })],
      [
        { type: 'outage', atMs: 1000, durationMs: 500, direction: 'down' },
        { type: 'capacityStep', atMs: 2000, durationMs: 1000, factor: 0.5, bps: null, direction: 'both' },
        { type: 'capacityStep', atMs: 2500, durationMs: null, factor: null, bps: 2 * MBPS, direction: 'up' },
        { type: 'handover', atMs: 4000, to: 'lte', outageMs: 300, addressChange: true },
      ],
      10_000,
    );
    const down = compileCapacity(sc, 'down');
    const up = compileCapacity(sc, 'up');
    expect(down.capacityBpsAt(1200)).toBe(0);
    expect(up.capacityBpsAt(1200)).toBe(10 * MBPS);
    expect(down.capacityBpsAt(2200)).toBe(5 * MBPS);
    expect(up.capacityBpsAt(2700)).toBe(2 * MBPS);
    expect(down.capacityBpsAt(3000)).toBe(10 * MBPS);
    for (const s of [down, up]) expect(s.capacityBpsAt(4100)).toBe(0);
    expect(down.capacityBpsAt(4300)).toBe(4 * MBPS);
    // The open-ended bps step still rules the uplink after the handover, and after the scenario's end.
    expect(up.capacityBpsAt(4300)).toBe(2 * MBPS);
    expect(up.capacityBpsAt(1e7)).toBe(2 * MBPS);

    const link = buildLinkModel(sc);
    expect(link.down.stateAt(4100)).toMatchObject({ phase: 'wifi', inOutage: true, capacityBps: 0 });
    expect(link.down.stateAt(4300)).toMatchObject({ phase: 'lte', inOutage: false, delayMs: 40 });
    expect(link.baseRttMsAt(0)).toBe(10);
    expect(link.baseRttMsAt(5000)).toBe(80);
    expect(link.handovers).toEqual([{ atMs: 4000, outageMs: 300, addressChange: true, from: 'wifi', to: 'lte' }]);
  });

  it('lists change points: phases, event edges and trace steps, sorted and unique', () => {
    const sc = scenario(
      [phase('a', 0, { capacity: traceCap() }), phase('b', 6000, { delayMs: 80 })],
      [{ type: 'lossBurst', atMs: 4500, durationMs: 200, rate: 0.2, direction: 'down' }],
      8000,
    );
    const link = buildLinkModel(sc);
    // Trace steps at 0, 1000, 2000, 4000 (wrap), 5000; burst 4500-4700; phase b at 6000 (same delay change).
    expect(link.down.changePointsMs()).toEqual([0, 1000, 2000, 4000, 4500, 4700, 5000, 6000]);
    expect(link.up.changePointsMs()).toEqual([0, 1000, 2000, 4000, 5000, 6000]);
  });

  it('shares one compilation between link models of the same scenario', () => {
    const sc = simpleScenario({});
    const a = buildLinkModel(sc, { seed: 1 });
    const b = buildLinkModel(sc, { seed: 2 });
    expect((a.down as unknown as { capacity: unknown }).capacity).toBe((b.down as unknown as { capacity: unknown }).capacity);
  });
});
