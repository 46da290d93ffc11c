import { describe, expect, it } from 'vitest';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { Scenario } from '../../harness/scenario/types.ts';
import { applyTcPlan } from '../../harness/netem/apply.ts';
import type { CommandResult } from '../../harness/netem/run-command.ts';
import {
  compileThrottlePlan,
  detectThrottle,
  matchingProfile,
  throttleArgs,
  throttleStepPlan,
} from '../../harness/netem/throttle-backend.ts';
import { phase, scenario, simpleScenario } from '../helpers/link-scenario.ts';

const compile = (s: Scenario, opts: Parameters<typeof compileThrottlePlan>[2] = {}) => compileThrottlePlan(s, buildLinkModel(s), opts);

describe('throttle arguments', () => {
  it('up/down in kbit/s, rtt = both one-way delays, loss in percent', () => {
    const s = scenario([phase('p', 0, { capacity: { kind: 'constant', bps: 1_600_000 }, delayMs: 100, loss: { model: 'bernoulli', rate: 0.02 } },
      { capacity: { kind: 'constant', bps: 768_000 }, delayMs: 50, loss: { model: 'bernoulli', rate: 0.02 } })]);
    const plan = compile(s);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0].argv).toEqual(['throttle', '--up', '768', '--down', '1600', '--rtt', '150', '--packetLoss', '2']);
    expect(plan.stop).toEqual(['throttle', '--stop']);
  });

  it('omits --packetLoss at zero loss and can name a premade profile', () => {
    const settings = { upKbit: 768, downKbit: 1600, rttMs: 150, packetLossPercent: 0 };
    expect(throttleArgs(settings)).toEqual(['--up', '768', '--down', '1600', '--rtt', '150']);
    expect(matchingProfile(settings)).toBe('3g');
    expect(throttleArgs(settings, { useProfiles: true })).toEqual(['--profile', '3g']);
    expect(throttleArgs({ ...settings, packetLossPercent: 1 }, { useProfiles: true })).toEqual(['--profile', '3g', '--packetLoss', '1']);
    expect(matchingProfile({ ...settings, rttMs: 151 })).toBeNull();
  });

  it('one invocation per change: phases, outages (100% loss) and back', () => {
    const s = scenario(
      [phase('a', 0, { capacity: { kind: 'constant', bps: 5e6 }, delayMs: 10 }), phase('b', 4000, { capacity: { kind: 'constant', bps: 1e6 }, delayMs: 60 })],
      [{ type: 'outage', atMs: 2000, durationMs: 1000, direction: 'both' }],
      6000,
    );
    const plan = compile(s);
    expect(plan.steps.map((st) => [st.atMs, st.argv.slice(1).join(' ')])).toEqual([
      [0, '--up 5000 --down 5000 --rtt 20'],
      [2000, '--up 5000 --down 5000 --rtt 20 --packetLoss 100'],
      [3000, '--up 5000 --down 5000 --rtt 20'],
      [4000, '--up 1000 --down 1000 --rtt 120'],
    ]);
  });

  it('says what throttle cannot express', () => {
    const s = scenario([phase('p', 0,
      { loss: { model: 'gilbert-elliott', p: 0.01, r: 0.5, lossGood: 0, lossBad: 1 }, jitter: { ms: 5, distribution: 'normal', reorder: true } },
      { loss: { model: 'none' } })]);
    const plan = compile(s);
    expect(plan.approximations.join('\n')).toMatch(/Gilbert-Elliott.*long-run/);
    expect(plan.approximations.join('\n')).toMatch(/jitter/);
    expect(plan.approximations.join('\n')).toMatch(/both directions/);
    // GE long-run rate 0.01/0.51 = 1.96% down, 0 up: mean 0.98%.
    expect(plan.steps[0].argv).toContain('0.9804');
  });

  it('averages traces over 1 s by default (each call restarts shaping)', () => {
    const s = simpleScenario({ capacity: { kind: 'trace', trace: { file: 't', format: 'csv', startMs: [0, 250], bps: [2e6, 6e6], periodMs: 500 }, scale: 1, offsetMs: 0, loop: true } }, [], 5000);
    const plan = compile(s);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0].settings.downKbit).toBe(4000);
  });

  it('runs through the same runner: first call, updates on time, --stop at the end', async () => {
    const s = simpleScenario({}, [{ type: 'outage', atMs: 30, durationMs: 30, direction: 'both' }], 90);
    const calls: string[] = [];
    const run = async (argv: string[]): Promise<CommandResult> => {
      calls.push(argv.slice(1).join(' '));
      return { argv, code: 0, stdout: '', stderr: '', ms: 0 };
    };
    await applyTcPlan(throttleStepPlan(compile(s, { stepMs: 10 })), { run, handleSignals: false });
    expect(calls).toEqual(['--up 8000 --down 8000 --rtt 40', '--up 8000 --down 8000 --rtt 40 --packetLoss 100', '--up 8000 --down 8000 --rtt 40', '--stop']);
  });
});

describe('detecting throttle', () => {
  it('is absent here (not on PATH, not in node_modules); npx is only trusted when it prints --rtt', async () => {
    const env = { PATH: '/nonexistent' };
    const other = async (argv: string[]): Promise<CommandResult> => ({ argv, code: 0, stdout: 'usage: throttle <rate>', stderr: '', ms: 0 });
    expect(await detectThrottle({ env, run: other })).toHaveProperty('missing');
    const sitespeed = async (argv: string[]): Promise<CommandResult> => ({ argv, code: 0, stdout: '--up  Upload\n--rtt RTT in ms', stderr: '', ms: 0 });
    expect(await detectThrottle({ env, run: sitespeed })).toEqual({ command: ['npx', '--no-install', 'throttle'] });
    expect(await detectThrottle({ env, useNpx: false })).toHaveProperty('missing');
  });
});
