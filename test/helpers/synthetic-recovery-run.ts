// A stand-in for two live handover runs (harness/recovery) for report tests: the same scenario under two
// ICE-restart policies. The phone's WiFi path goes dark at 7 s for 1.5 s. 'seed-resilient' sees the
// network-change signal, restarts ICE, and the viewer decodes again at 9.25 s; 'none' goes disconnected,
// then failed, and the viewer never gets video back.
import { handoverOutcome, handoverOutcomeEvent } from '../../harness/recovery/recovery-metrics.ts';
import type { ResultsFile, RunResult, TimelineEvent } from '../../harness/run/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../harness/run/types.ts';

export const RECOVERY_SCENARIO = {
  name: 'synthetic-handover',
  file: 'test/helpers/synthetic-recovery-run.ts',
  description: 'phone leaves WiFi at 7 s (1.5 s outage), one viewer',
  durationMs: 20_000,
  seed: 3,
};
export const OUTAGE_START_MS = 7000;
export const OUTAGE_MS = 1500;
export const RESUMED_MS = 9251;

type Conn = Extract<TimelineEvent, { kind: 'connection' }>;

function page(tMs: number, peerId: string, event: string, state?: string, extra: Partial<Conn> = {}): Conn {
  return { kind: 'connection', tMs, peerId, source: 'page', event, ...(state !== undefined ? { state } : {}), detail: '', ...extra };
}

function joined(): TimelineEvent[] {
  return [
    { kind: 'connection', tMs: 1043, peerId: 'phone', source: 'sfu', event: 'peer-joined', detail: 'publisher' },
    page(1309, 'phone', 'ice-state', 'checking'),
    page(1314, 'phone', 'connection-state', 'connecting'),
    page(1325, 'phone', 'ice-state', 'connected'),
    page(1542, 'phone', 'connection-state', 'connected'),
    page(1687, 'viewer', 'ice-state', 'new'),
    page(1690, 'viewer', 'ice-state', 'checking'),
    page(1724, 'viewer', 'ice-state', 'completed'),
    page(2502, 'viewer', 'first-frame', '0'),
    { kind: 'network', tMs: OUTAGE_START_MS, type: 'handover', durationMs: OUTAGE_MS, detail: 'handover to lte, 1500 ms outage, new address' },
  ];
}

function run(policy: string, events: TimelineEvent[], metrics: Record<string, number>): RunResult {
  // The handover's record as run-live writes it (the real handoverOutcome over these connection events).
  const conn = [...joined(), ...events].flatMap((e) => (e.kind === 'connection' && e.source === 'page' ? [{ tMs: e.tMs, peerId: e.peerId, kind: e.event, state: e.state, startMs: e.startMs }] : []));
  const outcome = handoverOutcome({ startMs: OUTAGE_START_MS, outageMs: OUTAGE_MS, endMs: RECOVERY_SCENARIO.durationMs, to: 'lte' }, 'phone', ['viewer'], conn, [], []);
  events = [...events, handoverOutcomeEvent('phone', policy, outcome)];
  return {
    scenario: RECOVERY_SCENARIO.name,
    scenarioFile: RECOVERY_SCENARIO.file,
    mode: 'live',
    seed: RECOVERY_SCENARIO.seed,
    algorithms: { layer: 'highest-fit', iceRestart: policy },
    status: 'ok',
    metrics,
    expectations: [],
    timeline: [...joined(), ...events].sort((a, b) => a.tMs - b.tMs),
    wallMs: 21_000,
  };
}

export function resilientRun(): RunResult {
  return run(
    'seed-resilient',
    [
      page(8505, 'phone', 'network-change', 'cellular', { detail: 'connection-change' }),
      page(8506, 'phone', 'restart-ice', undefined, { detail: 'network changed to cellular (restart 1/3)' }),
      { kind: 'connection', tMs: 8512, peerId: 'phone', source: 'sfu', event: 'sfu-ice-restart', detail: 'a description with new ICE credentials' },
      page(8600, 'phone', 'ice-state', 'checking'),
      page(8722, 'phone', 'ice-state', 'connected'),
      page(RESUMED_MS, 'viewer', 'media-gap', '0', { detail: '2200 ms without a decoded frame', startMs: 7051 }),
      page(12_000, 'viewer', 'media-gap', '0', { detail: '300 ms without a decoded frame', startMs: 11_700 }),
    ],
    { iceDetectS: 1.505, iceFirstRestartS: 1.506, iceRestarts: 1, fullReconnects: 0, iceRecovered: 1, iceRecoveryS: 2.251, frozenS: 2.5, postRecoveryKbps: 674, rampAfterRecoveryS: 1.301 },
  );
}

export function noneRun(): RunResult {
  return run(
    'none',
    [
      page(12_100, 'phone', 'ice-state', 'disconnected'),
      page(12_110, 'phone', 'connection-state', 'disconnected'),
      page(17_300, 'phone', 'ice-state', 'failed'),
    ],
    { iceDetectS: 5.1, iceRestarts: 0, fullReconnects: 0, iceRecovered: 0, iceUnrecoveredS: 17.5, frozenS: 17.5 },
  );
}

export function syntheticRecoveryResults(): ResultsFile {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'netqoe', version: '0.0.0-test' },
    createdAt: '2026-11-30T07:00:00.000Z',
    command: 'netqoe run scenarios/wifi-to-4g-handover.yaml --mode live (synthetic)',
    scenarios: [RECOVERY_SCENARIO],
    runs: [resilientRun(), noneRun()],
  };
}
