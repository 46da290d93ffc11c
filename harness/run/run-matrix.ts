// Runs every scenario x algorithm. A crash in one run is recorded and the others go on.

import type { AbrFactory } from '../../algorithms/abr/types.ts';
import { loadAbr } from '../../algorithms/abr/load-user.ts';
import type { Scenario } from '../scenario/types.ts';
import { runSimScenario } from './run-sim.ts';
import type { RunResult } from './types.ts';

export interface MatrixJob {
  scenario: Scenario;
  abr: AbrFactory;
  /** The algorithm as the scenario or --abr named it (a registry name or a file path). */
  spec: string;
}

export interface MatrixOptions {
  /** Replaces every scenario's algorithms.abr. */
  abrOverride?: string[];
  seed?: number;
  onRunDone?: (done: number, total: number, run: RunResult) => void;
}

/** Resolves every algorithm before anything runs: a bad name is bad input, found before time is spent. */
export async function planMatrix(scenarios: Scenario[], opts: MatrixOptions = {}): Promise<MatrixJob[]> {
  const jobs: MatrixJob[] = [];
  for (const scenario of scenarios) {
    const names = opts.abrOverride?.length ? opts.abrOverride : scenario.algorithms.abr;
    const baseDir = opts.abrOverride?.length ? process.cwd() : dirnameOf(scenario.file);
    for (const name of names) jobs.push({ scenario, abr: await loadAbr(name, baseDir), spec: name });
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

function runOne(job: MatrixJob, seed: number | undefined): RunResult {
  const started = performance.now();
  try {
    return runSimScenario(job.scenario, job.abr, { seed, algorithmSpec: job.spec });
  } catch (err) {
    return {
      scenario: job.scenario.name,
      scenarioFile: job.scenario.file,
      mode: 'sim',
      seed: seed ?? job.scenario.seed,
      algorithms: { abr: job.abr.name },
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
