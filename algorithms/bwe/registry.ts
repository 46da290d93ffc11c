// The built-in bandwidth estimators, by name. Each entry is a factory: estimators keep per-session state.

import { gccBwe, gccLibwebrtcBwe } from './gcc/gcc.ts';
import { seedJitterCapBwe } from './seed-jitter-cap.ts';
import { seedSmoothBwe } from './seed-smooth.ts';
import type { BweFactory } from './types.ts';

export const BWE_REGISTRY: readonly BweFactory[] = [gccBwe, gccLibwebrtcBwe, seedSmoothBwe, seedJitterCapBwe];

export function bweNames(): string[] {
  return BWE_REGISTRY.map((b) => b.name);
}

export function getBwe(name: string): BweFactory | undefined {
  return BWE_REGISTRY.find((b) => b.name === name);
}
