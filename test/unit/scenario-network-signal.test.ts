// A handover's networkSignal: when (or whether) the moving page gets the OS's network-change signal.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleNetworkSignal } from '../../harness/recovery/network-signal.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import type { ScenarioEvent } from '../../harness/scenario/types.ts';

const text = (signal: string | null) => `duration: 60s
network:
  - { name: wifi, at: 0s, down: 20Mbps, up: 10Mbps, rtt: 20ms }
  - { name: lte, down: 5Mbps, up: 2Mbps, rtt: 70ms }
events:
  - { at: 10s, type: handover, to: lte, outage: 1.5s, addressChange: false${signal === null ? '' : `, networkSignal: ${signal}`} }
`;
const handoverOf = (signal: string | null) => parseScenarioText(text(signal), 'sig.yaml').events[0];

describe('networkSignal in a scenario', () => {
  it('absent: no field (the signal comes when the link is up); a delay in ms; none: null', () => {
    expect(handoverOf(null)).not.toHaveProperty('networkSignalDelayMs');
    expect(handoverOf('2s')).toMatchObject({ type: 'handover', networkSignalDelayMs: 2000 });
    expect(handoverOf('none')).toMatchObject({ type: 'handover', networkSignalDelayMs: null });
  });

  it('a bad value names the file, line and field', () => {
    try {
      handoverOf('soon');
      expect.unreachable('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as Error).message).toMatch(/sig\.yaml:6 events\[0\]\.networkSignal: expected "none" or a duration.*soon/);
    }
  });
});

describe('scheduleNetworkSignal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const events = (networkSignalDelayMs?: number | null): ScenarioEvent[] => [
    { type: 'handover', atMs: 10_000, to: 'lte', outageMs: 1500, addressChange: true, ...(networkSignalDelayMs === undefined ? {} : { networkSignalDelayMs }) },
  ];

  it('signals at once by default, after the delay when one is set, never for none', () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    expect(scheduleNetworkSignal(events(), 10_000, () => calls.push('default'))).toBeNull();
    expect(calls).toEqual(['default']);
    expect(scheduleNetworkSignal(events(2000), 10_000, () => calls.push('late'))).not.toBeNull();
    vi.advanceTimersByTime(1999);
    expect(calls).toEqual(['default']);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['default', 'late']);
    expect(scheduleNetworkSignal(events(null), 10_000, () => calls.push('none'))).toBeNull();
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['default', 'late']);
  });
});
