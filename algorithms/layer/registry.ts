// The built-in layer selectors, by name; "abr:<name>" runs any ABR of algorithms/abr as a selector.

import { closestName } from '../abr/common.ts';
import { abrNames, getAbr } from '../abr/registry.ts';
import { abrLayerSelectorFactory } from './abr-adapter.ts';
import { highestFitSelector } from './highest-fit.ts';
import type { LayerSelectorFactory } from './types.ts';

const seedDash = getAbr('seed-dash');
const seedNetflix = getAbr('seed-netflix');

export const LAYER_SELECTOR_REGISTRY: readonly LayerSelectorFactory[] = [
  highestFitSelector,
  ...(seedDash ? [abrLayerSelectorFactory(seedDash)] : []),
  ...(seedNetflix ? [abrLayerSelectorFactory(seedNetflix)] : []),
];

export const DEFAULT_LAYER_SELECTOR = 'highest-fit';

export function layerSelectorNames(): string[] {
  return [...LAYER_SELECTOR_REGISTRY.map((s) => s.name), ...abrNames().map((n) => `abr:${n}`)];
}

/** A built-in by name, or "abr:<name>" for any ABR; undefined when unknown. */
export function getLayerSelector(name: string): LayerSelectorFactory | undefined {
  const builtIn = LAYER_SELECTOR_REGISTRY.find((s) => s.name === name);
  if (builtIn) return builtIn;
  if (name.startsWith('abr:')) {
    const abr = getAbr(name.slice(4));
    return abr ? abrLayerSelectorFactory(abr) : undefined;
  }
  return undefined;
}

/** Like getLayerSelector, but an unknown name is an error naming the choices (and the closest one). */
export function requireLayerSelector(name: string): LayerSelectorFactory {
  const found = getLayerSelector(name);
  if (found) return found;
  const names = layerSelectorNames();
  const guess = closestName(name, names);
  throw new Error(`unknown layer selector "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; built-ins: ${names.join(', ')}`);
}
