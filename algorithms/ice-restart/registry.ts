// The built-in ICE-restart policies, by name, and the file each lives in (the browser page loads that file).

import { fileURLToPath } from 'node:url';
import { backoffPolicy } from './backoff.ts';
import { immediatePolicy } from './immediate.ts';
import { nonePolicy } from './none.ts';
import { seedResilientPolicy } from './seed-resilient.ts';
import type { IceRestartFactory } from './types.ts';

export const ICE_RESTART_REGISTRY: readonly IceRestartFactory[] = [seedResilientPolicy, immediatePolicy, backoffPolicy, nonePolicy];

const FILES: Record<string, string> = {
  'seed-resilient': 'seed-resilient.ts',
  immediate: 'immediate.ts',
  backoff: 'backoff.ts',
  none: 'none.ts',
};

export function iceRestartNames(): string[] {
  return ICE_RESTART_REGISTRY.map((p) => p.name);
}

export function getIceRestart(name: string): IceRestartFactory | undefined {
  return ICE_RESTART_REGISTRY.find((p) => p.name === name);
}

/** The module file of a built-in (absolute path), whose default export is its factory. */
export function builtInPolicyFile(name: string): string | undefined {
  const f = FILES[name];
  return f === undefined ? undefined : fileURLToPath(new URL(`./${f}`, import.meta.url));
}
