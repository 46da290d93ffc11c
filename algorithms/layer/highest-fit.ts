// Source: the default SFU rule ("highest layer whose measured bitrate fits in 0.9 x estimate, with hysteresis").
//
// Down at once: when the current layer no longer fits in fraction x estimate, move to the highest
// layer that does (an overshooting layer builds queues and loss within a second).
// Up with hysteresis: a higher layer must fit in fraction x estimate / (1 + upMargin) for upHoldMs
// in a row before the selector goes up (a layer's rate and the estimate both jitter by 10-20%).
// Inactive layers (not sent by the publisher) are never chosen; none fits: the lowest active layer.
// A layer just switched to is judged, for settleMs, by the rate it had when chosen: the keyframe the
// SFU asked for to switch shows in its measured rate for a whole window, and would otherwise push the
// selector one layer further down (with yet another keyframe) on a link that the layer fits.

import { activeLayerIndices, formatLayer, formatRate, layerRateBps } from './common.ts';
import type { LayerContext, LayerDecision, LayerSelector, LayerSelectorFactory } from './types.ts';

export interface HighestFitOptions {
  /** Share of the estimate a layer may use. Default 0.9. */
  fraction?: number;
  /** Extra margin a higher layer needs before going up. Default 0.1 (10%). */
  upMargin?: number;
  /** How long a higher layer must keep fitting before going up. Default 2000 ms. */
  upHoldMs?: number;
  /** How long a layer just switched to is judged by its rate when chosen (at most). Default 2500 ms. */
  settleMs?: number;
}

export function createHighestFitSelector(opts: HighestFitOptions = {}): LayerSelector {
  const fraction = opts.fraction ?? 0.9;
  const upMargin = Math.max(0, opts.upMargin ?? 0.1);
  const upHoldMs = Math.max(0, opts.upHoldMs ?? 2000);
  /** Since when the layer above the current one has fitted (with the margin); null when it does not. */
  let upFitsSinceMs: number | null = null;
  let upCandidate: number | null = null;
  const settleMs = Math.max(0, opts.settleMs ?? 2500);
  /** The layer last switched to, when, and its rate then. */
  let entered: { layer: number; atMs: number; rateBps: number } | null = null;

  const decide = (ctx: LayerContext, d: LayerDecision): LayerDecision => {
    if (d.layer !== ctx.currentLayer) entered = { layer: d.layer, atMs: ctx.tMs, rateBps: layerRateBps(ctx.layers[d.layer]) };
    return d;
  };

  return {
    name: 'highest-fit',
    budgetFraction: fraction,
    choose(ctx: LayerContext): LayerDecision {
      const budgetBps = fraction * ctx.estimateBps;
      const active = activeLayerIndices(ctx.layers);
      const settling = entered !== null && entered.layer === ctx.currentLayer && ctx.tMs - entered.atMs < settleMs ? entered : null;
      const rateOf = (i: number) => (settling !== null && i === settling.layer ? Math.min(layerRateBps(ctx.layers[i]), settling.rateBps) : layerRateBps(ctx.layers[i]));
      const fitting = (budget: number) => {
        let best = active[0];
        for (const i of active) if (rateOf(i) <= budget) best = i;
        return best;
      };
      const target = fitting(budgetBps);
      const why = `estimate ${formatRate(ctx.estimateBps)} x${fraction} = ${formatRate(budgetBps)}`;
      const fits = rateOf(target) <= budgetBps;
      const plain = `${why} -> ${formatLayer(ctx.layers, target)}${fits ? '' : ' (lowest active: none fits)'}`;

      const current = ctx.currentLayer;
      if (current === null || !active.includes(current) || target < current) {
        upFitsSinceMs = null;
        upCandidate = null;
        return decide(ctx, { layer: target, reason: current === null ? `first choice: ${plain}` : plain });
      }
      if (target === current) {
        upFitsSinceMs = null;
        upCandidate = null;
        return { layer: current, reason: plain };
      }
      // target > current: go up only past the margin, and only once it has held for upHoldMs.
      const withMargin = fitting(budgetBps / (1 + upMargin));
      if (withMargin <= current) {
        upFitsSinceMs = null;
        upCandidate = null;
        return { layer: current, reason: `${why}; ${formatLayer(ctx.layers, target)} fits but not with the ${upMargin * 100}% margin: stay at ${formatLayer(ctx.layers, current)}` };
      }
      if (upCandidate !== withMargin || upFitsSinceMs === null) {
        upCandidate = withMargin;
        upFitsSinceMs = ctx.tMs;
      }
      const heldMs = ctx.tMs - upFitsSinceMs;
      if (heldMs >= upHoldMs) {
        upFitsSinceMs = null;
        upCandidate = null;
        return decide(ctx, { layer: withMargin, reason: `${why}; ${formatLayer(ctx.layers, withMargin)} fitted with margin for ${(heldMs / 1000).toFixed(1)} s -> up` });
      }
      return {
        layer: current,
        reason: `${why}; ${formatLayer(ctx.layers, withMargin)} fits, holding ${(heldMs / 1000).toFixed(1)}/${(upHoldMs / 1000).toFixed(1)} s: stay at ${formatLayer(ctx.layers, current)}`,
      };
    },
  };
}

export const highestFitSelector: LayerSelectorFactory = {
  name: 'highest-fit',
  source: 'issue 5, default SFU rule',
  description: 'highest active layer whose measured bitrate fits in 0.9 x estimate; down at once, up after 2 s with a 10% margin; a layer just switched to is judged by its rate when chosen for 2.5 s',
  create: () => createHighestFitSelector(),
};
