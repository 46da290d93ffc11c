// Runs every scenario x algorithm: ABR sessions for algorithms.abr, BWE simulations for algorithms.bwe.
// A crash in one run is recorded and the others go on.

import type { AbrFactory } from '../../algorithms/abr/types.ts';
import { loadAbr } from '../../algorithms/abr/load-user.ts';
import type { BweFactory } from '../../algorithms/bwe/types.ts';
import { loadBwe } from '../../algorithms/bwe/load-user.ts';
import { runBweScenario } from '../bwe-sim/run-bwe.ts';
import type { Scenario } from '../scenario/types.ts';
import { runSimScenario } from './run-sim.ts';
import type { RunResult } from './types.ts';

export type MatrixJob =
  /** spec: the algorithm as the scenario or --abr named it (a registry name or a file path). */
  | { kind: 'abr'; scenario: Scenario; abr: AbrFactory; spec: string }
  | { kind: 'bwe'; scenario: Scenario; bwe: BweFactory; spec: string };

export interface MatrixOptions {
  /** Replaces every scenario's algorithms.abr (and then runs ABR only). */
  abrOverride?: string[];
  seed?: number;
  onRunDone?: (done: number, total: number, run: RunResult) => void;
}

/** Resolves every algorithm before anything runs: a bad name is bad input, found before time is spent. */
export async function planMatrix(scenarios: Scenario[], opts: MatrixOptions = {}): Promise<MatrixJob[]> {
  const jobs: MatrixJob[] = [];
  for (const scenario of scenarios) {
    const override = Boolean(opts.abrOverride?.length);
    const baseDir = override ? process.cwd() : dirnameOf(scenario.file);
    for (const spec of override ? opts.abrOverride! : scenario.algorithms.abr) {
      jobs.push({ kind: 'abr', scenario, abr: await loadAbr(spec, baseDir), spec });
    }
    if (override) continue;
    for (const spec of scenario.algorithms.bwe) jobs.push({ kind: 'bwe', scenario, bwe: await loadBwe(spec, baseDir), spec });
  }
  return jobs;
}

export function runMatrix(jobs: MatrixJob[], opts: MatrixOptions = {}): RunResult[] {
  const runs: RunResult[] = [];
  for (const job of jobs) {
    const run = runOne(job, opts.seed);
    runs.push(run);
    opts.onRunDone?.(runs.length, jobs.length, run);
  }
  return runs;
}

/** The name a run goes by in tables and logs. */
export function runLabel(run: RunResult): string {
  if (run.algorithms.layer !== undefined) return [run.algorithms.layer, run.algorithms.bwe, run.algorithms.iceRestart].filter(Boolean).join(' + ');
  return run.algorithms.abr ?? run.algorithms.bwe ?? run.algorithms.iceRestart ?? '-';
}

function runOne(job: MatrixJob, seed: number | undefined): RunResult {
  const started = performance.now();
  try {
    return job.kind === 'abr'
      ? runSimScenario(job.scenario, job.abr, { seed, algorithmSpec: job.spec })
      : runBweScenario(job.scenario, job.bwe, { seed, algorithmSpec: job.spec });
  } catch (err) {
    return {
      scenario: job.scenario.name,
      scenarioFile: job.scenario.file,
      mode: 'sim',
      seed: seed ?? job.scenario.seed,
      algorithms: job.kind === 'abr' ? { abr: job.abr.name } : { bwe: job.bwe.name },
      status: 'crashed',
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      metrics: {},
      expectations: [],
      timeline: [],
      wallMs: performance.now() - started,
    };
  }
}

function dirnameOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? process.cwd() : file.slice(0, i) || '/';
}

/** 0 all expectations held, 1 an expectation failed, 3 a run crashed (DESIGN.md). */
export function exitCodeForRuns(runs: RunResult[]): 0 | 1 | 3 {
  if (runs.some((r) => r.status === 'crashed')) return 3;
  if (runs.some((r) => r.expectations.some((e) => !e.pass))) return 1;
  return 0;
}
