// Short live handover calls for the recovery tests: office WiFi (20 Mbps, 10 ms each way) and LTE (5 Mbps, 35 ms
// each way) entered only by handovers; one peer (the phone) behind the relay, the policy loaded by name or file.
import { loadIceRestart } from '../../algorithms/ice-restart/load-user.ts';
import { runHandover } from '../../harness/recovery/handover-run.ts';
import type { HandoverRunResult } from '../../harness/recovery/handover-run.ts';
import type { ScenarioEvent } from '../../harness/scenario/types.ts';
import { phase, scenario } from './link-scenario.ts';

const MBPS = 1_000_000;

export function handoverScenario(events: ScenarioEvent[], durationMs: number) {
  return scenario(
    [phase('wifi', 0, { capacity: { kind: 'constant', bps: 20 * MBPS }, delayMs: 10 }), { ...phase('lte', null, { capacity: { kind: 'constant', bps: 5 * MBPS }, delayMs: 35 }), preset: 'lte' }],
    events,
    durationMs,
    7,
  );
}

type Handover = Extract<ScenarioEvent, { type: 'handover' }>;

export const handover = (atMs: number, outageMs: number, to = 'lte'): Handover => ({ type: 'handover', atMs, to, outageMs, addressChange: true });

export async function runHandoverCall(
  policy: string,
  events: ScenarioEvent[],
  durationMs: number,
  opts: { moving?: 'publisher' | 'subscriber'; executablePath?: string } = {},
): Promise<HandoverRunResult> {
  const l = await loadIceRestart(policy);
  return runHandover({ scenario: handoverScenario(events, durationMs), moving: opts.moving, policy: { name: l.factory.name, file: l.file }, executablePath: opts.executablePath });
}

export function handoverSummary(r: HandoverRunResult): string {
  const m = r.metrics;
  return `${r.policy}: detect ${m.iceDetectS} s, first restart ${m.iceFirstRestartS ?? '-'} s, restarts ${m.iceRestarts}, full reconnects ${m.fullReconnects}, media back ${m.iceRecoveryS !== undefined ? `${m.iceRecoveryS} s` : `never (${m.iceUnrecoveredS} s dark)`}, frozen ${m.frozenS} s, after ${m.postRecoveryKbps ?? '-'} kbps`;
}
