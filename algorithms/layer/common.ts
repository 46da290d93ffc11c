// Helpers shared by the layer selectors: the rate a layer needs, and the wording of reasons.

import { formatRate } from '../abr/common.ts';
import type { SimulcastLayer } from './types.ts';

export { formatRate };

/** The rate a layer needs: what was measured on it, or its configured ceiling before anything was measured. */
export function layerRateBps(layer: SimulcastLayer): number {
  return layer.measuredBitrateBps > 0 ? layer.measuredBitrateBps : layer.maxBitrateBps;
}

/** Indices of the layers the publisher is sending, ascending; all of them when none is (nothing measured yet). */
export function activeLayerIndices(layers: readonly SimulcastLayer[]): number[] {
  const active: number[] = [];
  for (let i = 0; i < layers.length; i++) if (layers[i].active) active.push(i);
  return active.length > 0 ? active : layers.map((_, i) => i);
}

/** A layer for a reason string: "h 1.9 Mbps". */
export function formatLayer(layers: readonly SimulcastLayer[], index: number): string {
  const l = layers[index];
  return l ? `${l.rid} ${formatRate(layerRateBps(l))}` : `#${index}`;
}
