// Every built-in ABR, and the example user algorithm, on arbitrary contexts: a valid rung, a reason, a sane delay.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ABR_REGISTRY } from '../../algorithms/abr/registry.ts';
import type { AbrFactory } from '../../algorithms/abr/types.ts';
import myAbr from '../../examples/my-abr.ts';
import { arbCtx } from '../helpers/abr-context.ts';

const all: AbrFactory[] = [...ABR_REGISTRY, myAbr];

describe.each(all.map((f) => [f.name, f] as const))('%s', (_name, factory) => {
  it('returns an integer rung of the ladder and a non-empty reason, on any context', () => {
    fc.assert(
      fc.property(arbCtx, (ctx) => {
        const d = factory.create().choose(ctx);
        expect(Number.isInteger(d.quality)).toBe(true);
        expect(d.quality).toBeGreaterThanOrEqual(0);
        expect(d.quality).toBeLessThan(ctx.ladder.length);
        expect(typeof d.reason).toBe('string');
        expect(d.reason.trim().length).toBeGreaterThan(0);
        if (d.delayMs !== undefined) {
          expect(Number.isFinite(d.delayMs)).toBe(true);
          expect(d.delayMs).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays valid over a session of decisions on one instance (state is per session)', () => {
    fc.assert(
      fc.property(fc.array(arbCtx, { minLength: 1, maxLength: 20 }), (ctxs) => {
        const algorithm = factory.create();
        for (const ctx of ctxs) {
          const d = algorithm.choose(ctx);
          expect(d.quality >= 0 && d.quality < ctx.ladder.length && Number.isInteger(d.quality)).toBe(true);
          expect(d.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('names itself the same in the factory and the algorithm', () => {
    expect(factory.create().name).toBe(factory.name);
    expect(factory.source.length).toBeGreaterThan(0);
    expect(factory.description.length).toBeGreaterThan(0);
  });
});
