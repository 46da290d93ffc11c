import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { abrAsLayerSelector } from '../../algorithms/layer/abr-adapter.ts';
import { createForcedSelector } from '../../algorithms/layer/forced.ts';
import { createHighestFitSelector } from '../../algorithms/layer/highest-fit.ts';
import { getLayerSelector, layerSelectorNames, requireLayerSelector } from '../../algorithms/layer/registry.ts';
import type { LayerContext, SimulcastLayer } from '../../algorithms/layer/types.ts';
import { createSeedDashAbr } from '../../algorithms/abr/seed-dash.ts';

const layers = (l: number, m: number, h: number, active = [true, true, true]): SimulcastLayer[] => [
  { rid: 'l', width: 320, height: 180, maxBitrateBps: 150_000, measuredBitrateBps: l, active: active[0] },
  { rid: 'm', width: 640, height: 360, maxBitrateBps: 500_000, measuredBitrateBps: m, active: active[1] },
  { rid: 'h', width: 1280, height: 720, maxBitrateBps: 2_000_000, measuredBitrateBps: h, active: active[2] },
];

const ctx = (tMs: number, estimateBps: number, currentLayer: number | null, ls = layers(150e3, 500e3, 2e6)): LayerContext => ({
  tMs,
  estimateBps,
  layers: ls,
  currentLayer,
  network: {},
});

describe('highest-fit', () => {
  test('the highest layer that fits in 0.9 x estimate; the lowest when none does', () => {
    expect(createHighestFitSelector().choose(ctx(0, 3e6, null)).layer).toBe(2);
    expect(createHighestFitSelector().choose(ctx(0, 600e3, null)).layer).toBe(1);
    expect(createHighestFitSelector().choose(ctx(0, 100e3, null))).toMatchObject({ layer: 0, reason: expect.stringContaining('none fits') });
  });

  test('down at once, up only after the hold with the margin', () => {
    const s = createHighestFitSelector({ upHoldMs: 2000, upMargin: 0.1 });
    expect(s.choose(ctx(0, 3e6, 2)).layer).toBe(2);
    expect(s.choose(ctx(500, 600e3, 2)).layer).toBe(1); // down immediately
    expect(s.choose(ctx(1000, 3e6, 1)).layer).toBe(1); // fits, but holding
    expect(s.choose(ctx(2500, 3e6, 1)).layer).toBe(1);
    expect(s.choose(ctx(3000, 3e6, 1))).toMatchObject({ layer: 2, reason: expect.stringContaining('-> up') });
  });

  test('a layer that fits only without the margin does not pull the selector up', () => {
    const s = createHighestFitSelector({ upHoldMs: 0, upMargin: 0.1 });
    // 0.9 x 2.3 Mbps = 2.07 Mbps fits h (2 Mbps) but 2.07 / 1.1 = 1.88 Mbps does not.
    expect(s.choose(ctx(0, 2.3e6, 1)).layer).toBe(1);
  });

  test("a layer just switched to is judged by its rate when chosen: the keyframe the switch asked for does not push it further down", () => {
    const s = createHighestFitSelector({ settleMs: 2500 });
    expect(s.choose(ctx(0, 3e6, null, layers(150e3, 360e3, 800e3))).layer).toBe(2);
    // The link drops: 0.9 x 449 kbps = 404 kbps fits m (360 kbps) -> m.
    expect(s.choose(ctx(1000, 449e3, 2, layers(150e3, 360e3, 800e3))).layer).toBe(1);
    // m's keyframe lifts its measured 2 s rate to 450 kbps: still m while settling ...
    expect(s.choose(ctx(1500, 449e3, 1, layers(150e3, 450e3, 800e3))).layer).toBe(1);
    expect(s.choose(ctx(3400, 449e3, 1, layers(150e3, 450e3, 800e3))).layer).toBe(1);
    // ... but a lower estimate still moves it down at once,
    const s2 = createHighestFitSelector({ settleMs: 2500 });
    s2.choose(ctx(0, 3e6, null, layers(150e3, 360e3, 800e3)));
    expect(s2.choose(ctx(1000, 449e3, 2, layers(150e3, 360e3, 800e3))).layer).toBe(1);
    expect(s2.choose(ctx(1500, 300e3, 1, layers(150e3, 450e3, 800e3))).layer).toBe(0);
    // and after settleMs the measured rate counts again.
    expect(s.choose(ctx(3600, 449e3, 1, layers(150e3, 450e3, 800e3))).layer).toBe(0);
  });

  test('inactive layers are never chosen', () => {
    const ls = layers(150e3, 500e3, 0, [true, true, false]);
    expect(createHighestFitSelector().choose(ctx(0, 10e6, null, ls)).layer).toBe(1);
  });

  test('property: the choice is an active layer; when it is not the lowest active one it fits in the budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 100, max: 3000 }), est: fc.integer({ min: 0, max: 5_000_000 }) }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (steps, active) => {
          const s = createHighestFitSelector();
          const ls = layers(140e3, 480e3, 1.9e6, active);
          let cur: number | null = null;
          let t = 0;
          for (const step of steps) {
            t += step.t;
            const d = s.choose(ctx(t, step.est, cur, ls));
            const act = ls.map((l, i) => (l.active ? i : -1)).filter((i) => i >= 0);
            const allowed = act.length > 0 ? act : [0, 1, 2];
            expect(allowed).toContain(d.layer);
            if (d.layer !== allowed[0]) expect(ls[d.layer].measuredBitrateBps).toBeLessThanOrEqual(0.9 * step.est);
            expect(d.reason.length).toBeGreaterThan(0);
            cur = d.layer;
          }
        },
      ),
    );
  });
});

describe('ABR rules as layer selectors', () => {
  test('seed-dash picks with its buffer multiplier (fixed 10 s: x0.8)', () => {
    const s = abrAsLayerSelector(createSeedDashAbr());
    // 0.8 x 700 kbps = 560 kbps: m (500 kbps) fits, h does not.
    expect(s.choose(ctx(0, 700e3, null))).toMatchObject({ layer: 1, reason: expect.stringContaining('[m]') });
    expect(s.choose(ctx(1000, 3e6, 1)).layer).toBe(2);
  });

  test('the ladder is the active layers only, mapped back to layer indices', () => {
    const s = abrAsLayerSelector(createSeedDashAbr());
    const ls = layers(0, 500e3, 2e6, [false, true, true]);
    expect(s.choose(ctx(0, 100e3, null, ls)).layer).toBe(1); // lowest *active*
  });

  test('registry: built-ins, abr:<name> for any ABR, unknown names with a suggestion', () => {
    expect(layerSelectorNames()).toEqual(expect.arrayContaining(['highest-fit', 'seed-dash', 'seed-netflix', 'abr:bola']));
    expect(getLayerSelector('abr:throughput')?.create().name).toBe('throughput');
    expect(getLayerSelector('nope')).toBeUndefined();
    expect(() => requireLayerSelector('highest-fitt')).toThrow(/did you mean "highest-fit"/);
    expect(requireLayerSelector('seed-netflix').create().choose(ctx(0, 3e6, null)).layer).toBeGreaterThanOrEqual(0);
  });
});

describe('forced', () => {
  test('pins a rid until released, then defers to the fallback', () => {
    const s = createForcedSelector();
    expect(s.choose(ctx(0, 10e6, null)).layer).toBe(2);
    s.force('m');
    expect(s.choose(ctx(100, 10e6, 2))).toEqual({ layer: 1, reason: 'forced to m' });
    s.force('x');
    expect(s.choose(ctx(200, 10e6, 1)).reason).toMatch(/forced layer x does not exist/);
    s.force(null);
    expect(s.choose(ctx(300, 100e3, 1)).layer).toBe(0);
  });
});
