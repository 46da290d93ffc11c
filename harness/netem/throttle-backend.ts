// @sitespeed.io/throttle backend, for users on their own machine: one `throttle --up --down --rtt
// --packetLoss` invocation per change of the scenario (CLI of github.com/sitespeedio/throttle bin/index.js:
// up/down in kbit/s, rtt in ms split half per direction, packetLoss in % on both directions; it shapes the
// default interface with sudo + tc netem and stops its previous settings first). Not a dependency of netqoe.
import { longRunLossRate } from '../link/settings-timeline.ts';
import type { LinkModel } from '../link/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { StepPlan } from './apply.ts';
import { linkWindows, type LinkWindow } from './link-windows.ts';
import { findThrottleCli } from './probe.ts';
import { formatArgv, runCommand, type RunCommand } from './run-command.ts';
import type { TcStep } from './tc-compiler.ts';

/** Each throttle call stops and restarts shaping (a short unshaped gap): coarser than tc's 100 ms. */
export const DEFAULT_THROTTLE_STEP_MS = 1000;

export interface ThrottleSettings {
  upKbit: number;
  downKbit: number;
  rttMs: number;
  packetLossPercent: number;
}

/** Throttle's premade profiles (bin/index.js, v6): --profile NAME means exactly these. */
export const THROTTLE_PROFILES: Record<string, Omit<ThrottleSettings, 'packetLossPercent'>> = {
  '3g': { downKbit: 1600, upKbit: 768, rttMs: 150 },
  '3gfast': { downKbit: 1600, upKbit: 768, rttMs: 75 },
  '3gslow': { downKbit: 400, upKbit: 400, rttMs: 200 },
  '2g': { downKbit: 280, upKbit: 256, rttMs: 400 },
  cable: { downKbit: 5000, upKbit: 1000, rttMs: 14 },
  dsl: { downKbit: 1500, upKbit: 384, rttMs: 25 },
  '3gem': { downKbit: 400, upKbit: 400, rttMs: 200 },
  '4g': { downKbit: 9000, upKbit: 9000, rttMs: 85 },
  lte: { downKbit: 12_000, upKbit: 12_000, rttMs: 35 },
  edge: { downKbit: 240, upKbit: 200, rttMs: 420 },
  dial: { downKbit: 49, upKbit: 30, rttMs: 60 },
  fois: { downKbit: 20_000, upKbit: 5000, rttMs: 2 },
};

export function matchingProfile(s: ThrottleSettings): string | null {
  for (const [name, p] of Object.entries(THROTTLE_PROFILES)) {
    if (p.downKbit === s.downKbit && p.upKbit === s.upKbit && p.rttMs === s.rttMs) return name;
  }
  return null;
}

function pct(fraction: number): number {
  return Number((fraction * 100).toFixed(4));
}

/** Arguments for one throttle call; with useProfiles, a matching premade profile is named instead of the numbers. */
export function throttleArgs(s: ThrottleSettings, opts: { useProfiles?: boolean } = {}): string[] {
  const profile = opts.useProfiles ? matchingProfile(s) : null;
  const args = profile ? ['--profile', profile] : ['--up', String(s.upKbit), '--down', String(s.downKbit), '--rtt', String(s.rttMs)];
  // throttle only adds netem loss when --packetLoss is non-zero.
  if (s.packetLossPercent > 0) args.push('--packetLoss', String(s.packetLossPercent));
  return args;
}

export interface ThrottleStep {
  atMs: number;
  settings: ThrottleSettings;
  argv: string[];
}

export interface ThrottlePlan {
  steps: ThrottleStep[];
  stop: string[];
  durationMs: number;
  stepMs: number;
  /** What throttle cannot express for this scenario. */
  approximations: string[];
}

export interface ThrottleCompileOptions {
  stepMs?: number;
  /** How to call throttle (default ['throttle']; e.g. ['npx', '--no-install', 'throttle']). */
  command?: string[];
  useProfiles?: boolean;
}

function lossRate(w: LinkWindow): number {
  return longRunLossRate(w.loss);
}

export function compileThrottlePlan(scenario: Scenario, model: LinkModel, opts: ThrottleCompileOptions = {}): ThrottlePlan {
  const stepMs = opts.stepMs ?? DEFAULT_THROTTLE_STEP_MS;
  const command = opts.command ?? ['throttle'];
  const down = linkWindows(scenario, model, 'down', { stepMs });
  const up = linkWindows(scenario, model, 'up', { stepMs });
  const approx = new Set<string>();
  const starts = [...new Set([...down, ...up].map((w) => w.startMs))].sort((a, b) => a - b);
  const at = (ws: LinkWindow[], t: number) => {
    let i = 0;
    while (i + 1 < ws.length && ws[i + 1].startMs <= t) i++;
    return ws[i];
  };
  const steps: ThrottleStep[] = [];
  for (const t of starts) {
    const d = at(down, t);
    const u = at(up, t);
    const dLoss = lossRate(d);
    const uLoss = lossRate(u);
    for (const w of [d, u]) {
      if (w.loss.model === 'gilbert-elliott' && !w.outage) approx.add('Gilbert-Elliott loss runs as Bernoulli at its long-run rate (no bursts)');
      if (w.jitter.ms > 0) approx.add('jitter is not modelled (throttle has no jitter option)');
      if (w.queue.unit !== 'packets' || w.queue.limit !== 1000) approx.add("queue limit ignored: netem's default of 1000 packets applies");
    }
    if (dLoss !== uLoss && !d.outage && !u.outage) approx.add('throttle applies one loss rate to both directions: the mean of the two is used');
    if (d.outage !== u.outage) approx.add('an outage in one direction is an outage in both (100% loss both ways)');
    const settings: ThrottleSettings = {
      // An outage keeps the previous rates (loss 100% does the dropping).
      downKbit: d.outage && steps.length ? steps[steps.length - 1].settings.downKbit : Math.max(1, Math.round(d.capacityBps / 1000)),
      upKbit: u.outage && steps.length ? steps[steps.length - 1].settings.upKbit : Math.max(1, Math.round(u.capacityBps / 1000)),
      rttMs: Math.round(d.delayMs + u.delayMs),
      packetLossPercent: d.outage || u.outage ? 100 : pct((dLoss + uLoss) / 2),
    };
    const prev = steps[steps.length - 1]?.settings;
    if (
      prev &&
      prev.downKbit === settings.downKbit &&
      prev.upKbit === settings.upKbit &&
      prev.rttMs === settings.rttMs &&
      prev.packetLossPercent === settings.packetLossPercent
    )
      continue;
    steps.push({ atMs: t, settings, argv: [...command, ...throttleArgs(settings, { useProfiles: opts.useProfiles })] });
  }
  if (steps.length > 1) approx.add('each change restarts throttle: traffic passes unshaped for the few ms that takes');
  return { steps, stop: [...command, '--stop'], durationMs: scenario.durationMs, stepMs, approximations: [...approx] };
}

/** The throttle plan in the runner's shape (apply.ts), so it gets the same clock, teardown and signal handling. */
export function throttleStepPlan(plan: ThrottlePlan): StepPlan {
  const toStep = (s: ThrottleStep, kind: TcStep['kind']): TcStep => ({
    atMs: s.atMs,
    kind,
    label: formatArgv(s.argv),
    commands: [s.argv],
  });
  return {
    durationMs: plan.durationMs,
    setup: toStep(plan.steps[0], 'setup'),
    updates: plan.steps.slice(1).map((s) => toStep(s, 'update')),
    teardown: { atMs: plan.durationMs, kind: 'teardown', label: 'throttle --stop', commands: [plan.stop] },
  };
}

/** How to call throttle here: on PATH or in node_modules/.bin, else via `npx --no-install throttle` when that works. */
export async function detectThrottle(
  opts: { env?: NodeJS.ProcessEnv; run?: RunCommand; useNpx?: boolean } = {},
): Promise<{ command: string[] } | { missing: string }> {
  const found = findThrottleCli(opts.env ?? process.env);
  if (found) return { command: [found] };
  if (opts.useNpx ?? true) {
    const r = await (opts.run ?? runCommand)(['npx', '--no-install', 'throttle', '--help']);
    // Another npm package is also called "throttle": only sitespeed's prints --rtt.
    if (r.code === 0 && r.stdout.includes('--rtt')) return { command: ['npx', '--no-install', 'throttle'] };
  }
  return { missing: '@sitespeed.io/throttle not found (PATH, node_modules/.bin, npx --no-install); install it with npm i -g @sitespeed.io/throttle' };
}
