// Runs a compiled tc plan on the wall clock: setup, each timed update at t0 + atMs, teardown at the end, on
// stop(), on SIGINT/SIGTERM and on the first failing command (teardown always runs, errors are collected).
import type { TcPlan, TcStep } from './tc-compiler.ts';

/** What the runner needs of a plan (tc plans and throttle plans both have it). */
export type StepPlan = Pick<TcPlan, 'setup' | 'updates' | 'teardown' | 'durationMs'>;
import { formatArgv, runCommand, type CommandResult, type RunCommand } from './run-command.ts';

export interface StepRecord {
  kind: TcStep['kind'];
  label: string;
  atMs: number;
  /** When it ran, ms after t0 (the end of setup); setup itself is 0. */
  startedAtMs: number;
  /** startedAtMs - atMs: how late the scheduler was. */
  lateMs: number;
  results: CommandResult[];
  ok: boolean;
}

export type StopReason = 'end' | 'stop' | 'signal' | 'error';

export interface ApplySummary {
  stoppedBy: StopReason;
  steps: StepRecord[];
  /** Scheduling lateness of the timed updates (ms). */
  maxLateMs: number;
  meanLateMs: number;
  error?: TcCommandError;
  /** Every teardown command succeeded (or found nothing left to delete). */
  tornDown: boolean;
  teardownErrors: string[];
}

/** A tc/ip command failed: names the command, its exit code and the kernel's message. */
export class TcCommandError extends Error {
  readonly argv: string[];
  readonly code: number;
  readonly stderr: string;
  readonly step: string;
  /** 2 when setup fails (the environment cannot do it), 3 when a running plan fails. */
  readonly exitCode: number;

  constructor(step: TcStep, result: CommandResult) {
    super(`${step.kind} "${step.label}": \`${formatArgv(result.argv)}\` exited ${result.code}: ${result.stderr || '(no message)'}`);
    this.name = 'TcCommandError';
    this.argv = result.argv;
    this.code = result.code;
    this.stderr = result.stderr;
    this.step = step.label;
    this.exitCode = step.kind === 'setup' ? 2 : 3;
  }
}

/** The parts of `process` the signal handling uses (injectable for tests). */
export interface SignalHost {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  listenerCount(signal: 'SIGINT' | 'SIGTERM'): number;
  kill(pid: number, signal: 'SIGINT' | 'SIGTERM'): unknown;
  pid: number;
}

export interface ApplyOptions {
  run?: RunCommand;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
  /** Tear down at plan.durationMs (default true); false keeps the last settings until stop(). */
  teardownAtEnd?: boolean;
  /** Tear down on SIGINT/SIGTERM, then re-raise the signal if nobody else listens (default true). */
  handleSignals?: boolean;
  signalHost?: SignalHost;
  signal?: AbortSignal;
  onStep?: (record: StepRecord) => void;
}

export interface TcPlanHandle {
  /** ms on opts.now's clock when setup finished: update atMs is relative to it. */
  readonly t0: number;
  readonly steps: readonly StepRecord[];
  /** Settles when the plan ends (teardown done); rejects never: errors are in the summary. */
  readonly done: Promise<ApplySummary>;
  /** Skip the remaining updates and tear down now (waits for a step in flight). */
  stop(): Promise<ApplySummary>;
}

/** Teardown errors that only mean "already gone". */
function alreadyGone(r: CommandResult): boolean {
  return /No such file or directory|Cannot find device|does not exist/i.test(r.stderr);
}

async function runStep(step: TcStep, run: RunCommand, stopOnError: boolean): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  for (const argv of step.commands) {
    const r = await run(argv);
    results.push(r);
    if (r.code !== 0 && stopOnError) break;
  }
  return results;
}

/**
 * Runs plan.setup and resolves once the link is up (the caller then starts its programs in the
 * namespaces); the updates and the teardown follow on their own. A failing setup is torn down and thrown.
 */
export async function startTcPlan(plan: StepPlan, opts: ApplyOptions = {}): Promise<TcPlanHandle> {
  const run = opts.run ?? runCommand;
  const now = opts.now ?? (() => performance.now());
  const steps: StepRecord[] = [];
  const record = (step: TcStep, startedAtMs: number, results: CommandResult[], ok: boolean): StepRecord => {
    const rec: StepRecord = { kind: step.kind, label: step.label, atMs: step.kind === 'setup' ? 0 : step.atMs, startedAtMs, lateMs: 0, results, ok };
    rec.lateMs = step.kind === 'update' ? startedAtMs - step.atMs : 0;
    steps.push(rec);
    opts.onStep?.(rec);
    return rec;
  };

  const teardown = async (t0: number): Promise<{ ok: boolean; errors: string[] }> => {
    const started = now();
    const results = await runStep(plan.teardown, run, false);
    const bad = results.filter((r) => r.code !== 0 && !alreadyGone(r));
    record(plan.teardown, started - t0, results, bad.length === 0);
    return { ok: bad.length === 0, errors: bad.map((r) => `\`${formatArgv(r.argv)}\` exited ${r.code}: ${r.stderr}`) };
  };

  const setupResults = await runStep(plan.setup, run, true);
  const failed = setupResults.find((r) => r.code !== 0);
  record(plan.setup, 0, setupResults, !failed);
  if (failed) {
    const td = await teardown(now());
    const err = new TcCommandError(plan.setup, failed);
    if (!td.ok) err.message += `; teardown also failed: ${td.errors.join('; ')}`;
    throw err;
  }

  const t0 = now();
  let stopReason: StopReason | null = null;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;

  const requestStop = (reason: StopReason) => {
    if (stopReason === null) stopReason = reason;
    if (timer) clearTimeout(timer);
    timer = null;
    wake?.();
  };
  const sleepUntil = (tMs: number) =>
    new Promise<void>((resolve) => {
      if (stopReason !== null) return resolve();
      wake = () => {
        wake = null;
        resolve();
      };
      const tick = () => {
        const left = tMs - (now() - t0);
        if (stopReason !== null || left <= 0) {
          wake = null;
          timer = null;
          resolve();
        } else timer = setTimeout(tick, Math.max(1, Math.floor(left)));
      };
      tick();
    });

  const host: SignalHost | null = opts.handleSignals === false ? null : (opts.signalHost ?? (process as unknown as SignalHost));
  const listeners: { sig: 'SIGINT' | 'SIGTERM'; fn: () => void }[] = [];
  const detach = () => {
    for (const { sig, fn } of listeners) host?.off(sig, fn);
    listeners.length = 0;
  };
  let done!: Promise<ApplySummary>;
  if (host) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const fn = () => {
        requestStop('signal');
        void done.then(() => {
          // Nobody else handles it: let the signal do what it would have done (exit 128 + n).
          if (host.listenerCount(sig) === 0) host.kill(host.pid, sig);
        });
      };
      host.on(sig, fn);
      listeners.push({ sig, fn });
    }
  }
  opts.signal?.addEventListener('abort', () => requestStop('stop'), { once: true });
  if (opts.signal?.aborted) requestStop('stop');

  done = (async (): Promise<ApplySummary> => {
    let error: TcCommandError | undefined;
    for (const step of plan.updates) {
      await sleepUntil(step.atMs);
      if (stopReason !== null) break;
      const started = now() - t0;
      const results = await runStep(step, run, true);
      const bad = results.find((r) => r.code !== 0);
      record(step, started, results, !bad);
      if (bad) {
        error = new TcCommandError(step, bad);
        requestStop('error');
        break;
      }
    }
    if (stopReason === null) {
      if (opts.teardownAtEnd ?? true) await sleepUntil(plan.durationMs);
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    if (stopReason === null) stopReason = 'end';
    detach();
    const td = await teardown(t0);
    const late = steps.filter((s) => s.kind === 'update').map((s) => s.lateMs);
    return {
      stoppedBy: stopReason,
      steps,
      maxLateMs: late.length ? Math.max(...late) : 0,
      meanLateMs: late.length ? late.reduce((a, b) => a + b, 0) / late.length : 0,
      error,
      tornDown: td.ok,
      teardownErrors: td.errors,
    };
  })();

  return {
    t0,
    steps,
    done,
    stop: () => {
      requestStop('stop');
      return done;
    },
  };
}

/** Runs a whole plan to its end (or until stopped) and returns the summary; a setup failure throws. */
export async function applyTcPlan(plan: StepPlan, opts: ApplyOptions = {}): Promise<ApplySummary> {
  return (await startTcPlan(plan, opts)).done;
}
