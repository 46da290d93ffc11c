// The built-in ABR algorithms, by name. Each entry is a factory: algorithms keep per-session state.

import { bbaAbr } from './bba.ts';
import { bolaAbr } from './bola.ts';
import { robustMpcAbr } from './robust-mpc.ts';
import { seedDashAbr } from './seed-dash.ts';
import { seedNetflixAbr } from './seed-netflix.ts';
import { throughputAbr } from './throughput.ts';
import type { AbrFactory } from './types.ts';

export const ABR_REGISTRY: readonly AbrFactory[] = [throughputAbr, bolaAbr, bbaAbr, robustMpcAbr, seedDashAbr, seedNetflixAbr];

export function abrNames(): string[] {
  return ABR_REGISTRY.map((a) => a.name);
}

export function getAbr(name: string): AbrFactory | undefined {
  return ABR_REGISTRY.find((a) => a.name === name);
}
