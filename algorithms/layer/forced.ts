// Source: issue 5 ("layer switch h -> m -> h forced through the selector"): a selector steered from outside.
//
// Chooses the layer named by force(rid); until the first force, or after force(null), it defers to
// a fallback selector (highest-fit by default). Used by tests and by scenarios that pin a layer.

import { createHighestFitSelector } from './highest-fit.ts';
import type { LayerContext, LayerDecision, LayerSelector } from './types.ts';

export interface ForcedSelector extends LayerSelector {
  /** Pin the layer with this rid (null: back to the fallback). */
  force(rid: string | null): void;
}

export function createForcedSelector(fallback: LayerSelector = createHighestFitSelector()): ForcedSelector {
  let pinned: string | null = null;
  return {
    name: 'forced',
    budgetFraction: fallback.budgetFraction,
    force(rid: string | null) {
      pinned = rid;
    },
    choose(ctx: LayerContext): LayerDecision {
      if (pinned !== null) {
        const i = ctx.layers.findIndex((l) => l.rid === pinned);
        if (i >= 0) return { layer: i, reason: `forced to ${pinned}` };
        const fb = fallback.choose(ctx);
        return { layer: fb.layer, reason: `forced layer ${pinned} does not exist: ${fb.reason}` };
      }
      return fallback.choose(ctx);
    },
  };
}
