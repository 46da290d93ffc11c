// Properties of every built-in ICE-restart policy over random input sequences.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkDecision } from '../../algorithms/ice-restart/normalize.ts';
import { ICE_RESTART_REGISTRY } from '../../algorithms/ice-restart/registry.ts';
import { RESILIENT_MAX_RESTARTS } from '../../algorithms/ice-restart/seed-resilient.ts';
import type { RecoveryInput } from '../../algorithms/ice-restart/types.ts';

const iceStates = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed'] as const;
const connStates = ['new', 'connecting', 'connected', 'disconnected', 'failed'] as const;

/** Time-ordered inputs: state changes, network changes and ticks. */
const inputsArb = (opts: { trouble: boolean }) =>
  fc
    .array(
      fc.record({
        dt: fc.integer({ min: 0, max: 3000 }),
        kind: fc.constantFrom('ice-state', 'connection-state', 'network-change', 'tick', 'tick', 'tick'),
        ice: fc.constantFrom(...(opts.trouble ? iceStates : (['new', 'checking', 'connected', 'completed'] as const))),
        conn: fc.constantFrom(...(opts.trouble ? connStates : (['new', 'connecting', 'connected'] as const))),
      }),
      { maxLength: 80 },
    )
    .map((steps) => {
      let t = 0;
      const out: RecoveryInput[] = [];
      for (const s of steps) {
        t += s.dt;
        if (s.kind === 'ice-state') out.push({ kind: 'ice-state', tMs: t, state: s.ice });
        else if (s.kind === 'connection-state') out.push({ kind: 'connection-state', tMs: t, state: s.conn });
        else if (s.kind === 'network-change') {
          if (opts.trouble) out.push({ kind: 'network-change', tMs: t, cause: 'connection-change' });
        } else out.push({ kind: 'tick', tMs: t });
      }
      return out;
    });

describe.each(ICE_RESTART_REGISTRY.map((f) => [f.name, f] as const))('%s', (_name, factory) => {
  test('decisions are valid and deterministic (same seed, same inputs: same decisions)', () => {
    fc.assert(
      fc.property(inputsArb({ trouble: true }), fc.integer(), (inputs, seed) => {
        const a = factory.create({ seed });
        const b = factory.create({ seed });
        for (const i of inputs) {
          const da = checkDecision(factory.name, a.onInput(i));
          expect(b.onInput(i)).toEqual(da);
          if (da.action !== 'none') expect(da.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });
  test('no trouble (no disconnected/failed, no network change): never acts', () => {
    fc.assert(
      fc.property(inputsArb({ trouble: false }), (inputs) => {
        const p = factory.create({ seed: 1 });
        for (const i of inputs) expect(p.onInput(i).action).toBe('none');
      }),
      { numRuns: 200 },
    );
  });
});

test('seed-resilient: never more than 3 ICE restarts in a row without connecting; the next is a full reconnect', () => {
  const factory = ICE_RESTART_REGISTRY.find((f) => f.name === 'seed-resilient')!;
  fc.assert(
    fc.property(inputsArb({ trouble: true }), (inputs) => {
      const p = factory.create();
      let run = 0;
      for (const i of inputs) {
        const d = p.onInput(i);
        if (i.kind === 'ice-state' && (i.state === 'connected' || i.state === 'completed')) run = 0;
        if (d.action === 'restart-ice') run++;
        if (d.action === 'full-reconnect') {
          expect(run).toBe(RESILIENT_MAX_RESTARTS);
          run = 0;
        }
        expect(run).toBeLessThanOrEqual(RESILIENT_MAX_RESTARTS);
      }
    }),
    { numRuns: 300 },
  );
});
