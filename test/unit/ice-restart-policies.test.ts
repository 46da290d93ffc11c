// Each rule of the built-in ICE-restart policies, and the loader.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BACKOFF_MAX_RESTARTS, backoffStepMs, BackoffRestart } from '../../algorithms/ice-restart/backoff.ts';
import { ImmediateRestart } from '../../algorithms/ice-restart/immediate.ts';
import { IceRestartLoadError, loadIceRestart } from '../../algorithms/ice-restart/load-user.ts';
import { NoRecovery } from '../../algorithms/ice-restart/none.ts';
import { builtInPolicyFile, ICE_RESTART_REGISTRY, iceRestartNames } from '../../algorithms/ice-restart/registry.ts';
import { SeedResilient } from '../../algorithms/ice-restart/seed-resilient.ts';
import type { IceRestartPolicy, RecoveryInput } from '../../algorithms/ice-restart/types.ts';

const ice = (tMs: number, state: 'connected' | 'disconnected' | 'failed' | 'checking' | 'completed'): RecoveryInput => ({ kind: 'ice-state', tMs, state });
const conn = (tMs: number, state: 'connected' | 'disconnected' | 'failed'): RecoveryInput => ({ kind: 'connection-state', tMs, state });
const tick = (tMs: number): RecoveryInput => ({ kind: 'tick', tMs });
const net = (tMs: number): RecoveryInput => ({ kind: 'network-change', tMs, cause: 'connection-change', network: 'cellular' });
const act = (p: IceRestartPolicy, i: RecoveryInput) => p.onInput(i).action;

describe('seed-resilient', () => {
  test('disconnected: a restart 2 s later if still disconnected, not before', () => {
    const p = new SeedResilient();
    expect(act(p, ice(0, 'connected'))).toBe('none');
    expect(act(p, ice(1000, 'disconnected'))).toBe('none');
    expect(act(p, tick(2900))).toBe('none');
    const d = p.onInput(tick(3000));
    expect(d.action).toBe('restart-ice');
    expect(d.reason).toContain('2 s');
    expect(act(p, tick(3100))).toBe('none'); // the timer fired once
  });
  test('disconnected then connected again within 2 s: no restart', () => {
    const p = new SeedResilient();
    p.onInput(ice(0, 'disconnected'));
    p.onInput(ice(500, 'connected'));
    expect(act(p, tick(2000))).toBe('none');
  });
  test('disconnected then failed before the 2 s: failed restarts at once, and the timer sees failed too', () => {
    const p = new SeedResilient();
    p.onInput(ice(0, 'disconnected'));
    expect(act(p, ice(1000, 'failed'))).toBe('restart-ice');
    expect(act(p, tick(2000))).toBe('restart-ice'); // still failed when the timer fires
  });
  test('failed restarts at once; a network change restarts at once', () => {
    expect(act(new SeedResilient(), ice(0, 'failed'))).toBe('restart-ice');
    expect(act(new SeedResilient(), net(0))).toBe('restart-ice');
    expect(act(new SeedResilient(), { kind: 'network-change', tMs: 0, cause: 'online' })).toBe('restart-ice');
  });
  test('after 3 restarts the 4th is a full reconnect, and the count starts again', () => {
    const p = new SeedResilient();
    expect([1, 2, 3].map((t) => act(p, ice(t, 'failed')))).toEqual(['restart-ice', 'restart-ice', 'restart-ice']);
    expect(act(p, ice(4, 'failed'))).toBe('full-reconnect');
    expect(act(p, ice(5, 'failed'))).toBe('restart-ice');
  });
  test('connected (or completed) resets the restart counter', () => {
    const p = new SeedResilient();
    p.onInput(ice(1, 'failed'));
    p.onInput(ice(2, 'failed'));
    p.onInput(ice(3, 'failed'));
    p.onInput(ice(4, 'completed'));
    expect([5, 6, 7].map((t) => act(p, ice(t, 'failed')))).toEqual(['restart-ice', 'restart-ice', 'restart-ice']);
  });
  test('ignores connectionstatechange (the source listens to ICE states only)', () => {
    const p = new SeedResilient();
    expect(act(p, conn(0, 'failed'))).toBe('none');
    expect(act(p, tick(5000))).toBe('none');
  });
});

describe('immediate', () => {
  test('first sign of trouble restarts, the duplicate report within 1 s does not', () => {
    const p = new ImmediateRestart();
    expect(act(p, ice(0, 'disconnected'))).toBe('restart-ice');
    expect(act(p, conn(20, 'disconnected'))).toBe('none');
    expect(act(p, ice(1500, 'failed'))).toBe('restart-ice');
  });
  test('a network change always restarts; no connect within 3 s restarts again; connected stops it', () => {
    const p = new ImmediateRestart();
    expect(act(p, net(0))).toBe('restart-ice');
    expect(act(p, net(10))).toBe('restart-ice');
    expect(act(p, tick(3000))).toBe('none');
    expect(act(p, tick(3010))).toBe('restart-ice');
    p.onInput(ice(3500, 'connected'));
    expect(act(p, tick(9000))).toBe('none');
  });
  test('never a full reconnect', () => {
    const p = new ImmediateRestart();
    const actions = new Set<string>();
    for (let t = 0; t < 60_000; t += 100) actions.add(act(p, t % 1000 === 0 ? ice(t, 'failed') : tick(t)));
    expect(actions).toEqual(new Set(['restart-ice', 'none']));
  });
});

describe('backoff', () => {
  test('restart n comes d_n/2..d_n after the previous (d_n = 250 ms x 2^n, cap 8 s), full reconnect after 5', () => {
    const p = new BackoffRestart({ seed: 7 });
    p.onInput(ice(0, 'disconnected'));
    const times: number[] = [];
    const actions: string[] = [];
    for (let t = 0; t <= 60_000; t += 1) {
      const a = act(p, tick(t));
      if (a !== 'none') {
        times.push(t);
        actions.push(a);
      }
      if (actions.length === BACKOFF_MAX_RESTARTS + 1) break;
    }
    expect(actions).toEqual([...Array(BACKOFF_MAX_RESTARTS).fill('restart-ice'), 'full-reconnect']);
    const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]));
    gaps.forEach((g, n) => {
      expect(g).toBeGreaterThanOrEqual(backoffStepMs(n) / 2);
      expect(g).toBeLessThanOrEqual(backoffStepMs(n) + 1);
    });
  });
  test('same seed, same delays; another seed, other delays', () => {
    const run = (seed: number) => {
      const p = new BackoffRestart({ seed });
      p.onInput(ice(0, 'failed'));
      const out: number[] = [];
      for (let t = 0; t < 20_000; t += 5) if (act(p, tick(t)) !== 'none') out.push(t);
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
  test('connected ends the recovery; a network change brings the next attempt forward', () => {
    const p = new BackoffRestart({ seed: 1 });
    p.onInput(ice(0, 'failed'));
    p.onInput(ice(50, 'connected'));
    for (let t = 0; t < 10_000; t += 10) expect(act(p, tick(t))).toBe('none');
    p.onInput(net(10_000));
    let first = -1;
    for (let t = 10_000; t < 11_000 && first < 0; t += 1) if (act(p, tick(t)) === 'restart-ice') first = t;
    expect(first - 10_000).toBeGreaterThanOrEqual(125);
    expect(first - 10_000).toBeLessThanOrEqual(250);
  });
});

test('none never acts', () => {
  const p = new NoRecovery();
  for (const i of [ice(0, 'failed'), net(1), tick(100_000), conn(5, 'failed')]) expect(act(p, i)).toBe('none');
});

describe('registry and loader', () => {
  test('four built-ins, each in its own file whose first line names its source and whose default export is it', async () => {
    expect(iceRestartNames()).toEqual(['seed-resilient', 'immediate', 'backoff', 'none']);
    for (const f of ICE_RESTART_REGISTRY) {
      const file = builtInPolicyFile(f.name)!;
      expect(existsSync(file)).toBe(true);
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^\/\/ Source: /);
      const mod = (await import(file)) as { default: unknown };
      expect(mod.default).toBe(f);
      const loaded = await loadIceRestart(f.name);
      expect(loaded.factory).toBe(f);
      expect(loaded.file).toBe(file);
    }
  });
  test('an unknown name suggests the closest built-in', async () => {
    await expect(loadIceRestart('seed-resilent')).rejects.toThrow(/did you mean "seed-resilient"/);
    await expect(loadIceRestart('seed-resilent')).rejects.toBeInstanceOf(IceRestartLoadError);
  });
  test('a user class loads; a module without onInput is bad input naming the file and what is missing', async () => {
    const ok = await loadIceRestart('test/fixtures/ice-policy-class.ts');
    expect(ok.factory.name).toBe('restart-on-failed');
    expect(ok.file).toMatch(/ice-policy-class\.ts$/);
    expect(ok.factory.create().onInput(ice(0, 'failed')).action).toBe('restart-ice');
    await expect(loadIceRestart('test/fixtures/ice-policy-bad.ts')).rejects.toThrow(/ice-policy-bad\.ts: the default export is missing an `onInput\(input\)` function/);
    await expect(loadIceRestart('./nope/policy.ts')).rejects.toThrow(/policy file not found/);
    const ex = await loadIceRestart('examples/my-ice-restart.ts');
    const p = ex.factory.create();
    expect(p.onInput(net(0)).action).toBe('restart-ice');
    expect(p.onInput(tick(3000)).action).toBe('none');
    expect(p.onInput(tick(4200)).action).toBe('full-reconnect');
  });
});
