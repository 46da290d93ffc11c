import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { applyTcPlan, startTcPlan, TcCommandError, type SignalHost } from '../../harness/netem/apply.ts';
import type { CommandResult } from '../../harness/netem/run-command.ts';
import type { TcPlan, TcStep } from '../../harness/netem/tc-compiler.ts';

function step(kind: TcStep['kind'], atMs: number, ...names: string[]): TcStep {
  return { kind, atMs, label: `${kind}@${atMs}`, commands: names.map((n) => ['tc', n]) };
}

function plan(updates: TcStep[], durationMs: number): TcPlan {
  return {
    topology: {
      clientNetns: 'c', serverNetns: 's', clientDev: 'a', serverDev: 'b', ifbDev: 'i',
      serverAddr: '198.18.0.1', prefixLen: 24, clientAddrs: [],
    },
    durationMs,
    stepMs: 100,
    setup: step('setup', 0, 'setup-1', 'setup-2'),
    updates,
    teardown: step('teardown', durationMs, 'teardown-1', 'teardown-2'),
    windows: { down: [], up: [] },
    notes: [],
  };
}

/** Records each command with the time it ran; commands named in `failing` exit 2 with a kernel-like message. */
function fakeRun(failing: Record<string, string> = {}) {
  const calls: { name: string; atMs: number }[] = [];
  const t0 = performance.now();
  const run = async (argv: string[]): Promise<CommandResult> => {
    calls.push({ name: argv[1], atMs: performance.now() - t0 });
    const err = failing[argv[1]];
    return { argv, code: err ? 2 : 0, stdout: '', stderr: err ?? '', ms: 0 };
  };
  return { run, calls, names: () => calls.map((c) => c.name) };
}

class FakeProcess extends EventEmitter {
  pid = 4242;
  killed: string[] = [];
  kill(_pid: number, signal: string) {
    this.killed.push(signal);
    return true;
  }
}

describe('applyTcPlan', () => {
  it('runs setup, the updates in order at their times, then teardown at the end', async () => {
    const f = fakeRun();
    const summary = await applyTcPlan(plan([step('update', 40, 'u40'), step('update', 80, 'u80a', 'u80b')], 120), {
      run: f.run,
      handleSignals: false,
    });
    expect(f.names()).toEqual(['setup-1', 'setup-2', 'u40', 'u80a', 'u80b', 'teardown-1', 'teardown-2']);
    expect(summary.stoppedBy).toBe('end');
    expect(summary.tornDown).toBe(true);
    const at = (n: string) => f.calls.find((c) => c.name === n)!.atMs - f.calls.find((c) => c.name === 'setup-2')!.atMs;
    expect(at('u40')).toBeGreaterThanOrEqual(39);
    expect(at('u80a')).toBeGreaterThanOrEqual(79);
    expect(at('teardown-1')).toBeGreaterThanOrEqual(119);
    // Lateness is measured, not assumed; on a shared 2-core machine it stays well under a step.
    expect(summary.maxLateMs).toBeGreaterThanOrEqual(0);
    expect(summary.maxLateMs).toBeLessThan(50);
  });

  it('a failing setup command stops setup, tears down, and throws with the kernel message (exit 2)', async () => {
    const f = fakeRun({ 'setup-1': 'Error: Specified qdisc kind is unknown.' });
    const err = await startTcPlan(plan([step('update', 10, 'u10')], 50), { run: f.run, handleSignals: false }).catch((e) => e);
    expect(err).toBeInstanceOf(TcCommandError);
    expect(err.message).toContain('Specified qdisc kind is unknown.');
    expect(err.message).toContain('`tc setup-1`');
    expect(err.exitCode).toBe(2);
    expect(f.names()).toEqual(['setup-1', 'teardown-1', 'teardown-2']);
  });

  it('a failing update stops the plan, tears down and reports the error (exit 3)', async () => {
    const f = fakeRun({ u20: 'Error: Invalid argument.' });
    const summary = await applyTcPlan(plan([step('update', 20, 'u20'), step('update', 40, 'u40')], 60), {
      run: f.run,
      handleSignals: false,
    });
    expect(summary.stoppedBy).toBe('error');
    expect(summary.error?.exitCode).toBe(3);
    expect(summary.error?.stderr).toBe('Error: Invalid argument.');
    expect(f.names()).toEqual(['setup-1', 'setup-2', 'u20', 'teardown-1', 'teardown-2']);
  });

  it('stop() skips the remaining updates and tears down at once', async () => {
    const f = fakeRun();
    const h = await startTcPlan(plan([step('update', 30, 'u30'), step('update', 5000, 'u5000')], 10_000), {
      run: f.run,
      handleSignals: false,
    });
    await new Promise((r) => setTimeout(r, 60));
    const t = performance.now();
    const summary = await h.stop();
    expect(performance.now() - t).toBeLessThan(200);
    expect(summary.stoppedBy).toBe('stop');
    expect(f.names()).toEqual(['setup-1', 'setup-2', 'u30', 'teardown-1', 'teardown-2']);
  });

  it('SIGINT tears down, then re-raises the signal when nobody else listens', async () => {
    const f = fakeRun();
    const proc = new FakeProcess();
    const h = await startTcPlan(plan([step('update', 5000, 'late')], 10_000), { run: f.run, signalHost: proc as unknown as SignalHost });
    expect(proc.listenerCount('SIGINT')).toBe(1);
    proc.emit('SIGINT');
    const summary = await h.done;
    await new Promise((r) => setImmediate(r));
    expect(summary.stoppedBy).toBe('signal');
    expect(f.names()).toEqual(['setup-1', 'setup-2', 'teardown-1', 'teardown-2']);
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(proc.killed).toEqual(['SIGINT']);
  });

  it('SIGINT with another listener (the CLI writing its timeline) tears down without re-raising', async () => {
    const f = fakeRun();
    const proc = new FakeProcess();
    proc.on('SIGINT', () => {});
    const h = await startTcPlan(plan([], 10_000), { run: f.run, signalHost: proc as unknown as SignalHost });
    proc.emit('SIGINT');
    await h.done;
    await new Promise((r) => setImmediate(r));
    expect(proc.killed).toEqual([]);
  });

  it('teardown of something already gone is not an error; a real teardown failure is reported', async () => {
    const gone = fakeRun({ 'teardown-1': 'Cannot remove namespace file "/run/netns/c": No such file or directory' });
    expect((await applyTcPlan(plan([], 10), { run: gone.run, handleSignals: false })).tornDown).toBe(true);
    const stuck = fakeRun({ 'teardown-2': 'Error: Device or resource busy' });
    const s = await applyTcPlan(plan([], 10), { run: stuck.run, handleSignals: false });
    expect(s.tornDown).toBe(false);
    expect(s.teardownErrors[0]).toContain('busy');
    expect(stuck.names()).toContain('teardown-2');
  });

  it('an abort signal stops the plan', async () => {
    const f = fakeRun();
    const ac = new AbortController();
    const h = await startTcPlan(plan([step('update', 5000, 'late')], 10_000), { run: f.run, handleSignals: false, signal: ac.signal });
    ac.abort();
    expect((await h.done).stoppedBy).toBe('stop');
  });
});
