// The pure recovery model behind the report's connection-state lanes (reports/client/recovery-model.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TimelineEvent } from '../../harness/run/types.ts';
import { hasConnectionEvents, laneState, recoveryView, stateIntervals } from '../../reports/client/recovery-model.ts';
import { OUTAGE_MS, OUTAGE_START_MS, RECOVERY_SCENARIO, RESUMED_MS, noneRun, resilientRun } from '../helpers/synthetic-recovery-run.ts';

const inputs = () =>
  [resilientRun(), noneRun()].map((r, runIndex) => ({ runIndex, policy: r.algorithms.iceRestart ?? '?', timeline: r.timeline, metrics: r.metrics }));

describe('recovery model', () => {
  test('one lane per run and peer, states from ICE states (completed = connected), last state to the end', () => {
    const v = recoveryView(inputs(), RECOVERY_SCENARIO.durationMs);
    expect(v.lanes.map((l) => `${l.policy}/${l.peerId}`)).toEqual(['seed-resilient/phone', 'seed-resilient/viewer', 'none/phone', 'none/viewer']);
    const phone = v.lanes[0];
    expect(phone.intervals.map((i) => [i.state, i.startMs, i.endMs])).toEqual([
      ['checking', 1309, 1325],
      ['connected', 1325, 8600],
      ['checking', 8600, 8722],
      ['connected', 8722, 20_000],
    ]);
    expect(v.lanes[1].intervals.map((i) => i.state)).toEqual(['new', 'checking', 'connected']);
    expect(v.lanes[2].intervals.map((i) => i.state)).toEqual(['checking', 'connected', 'disconnected', 'failed']);
    expect(v.lanes[2].intervals.at(-1)).toMatchObject({ startMs: 17_300, endMs: 20_000 });
  });

  test('actions, one shared outage, media back per subscriber or never', () => {
    const v = recoveryView(inputs(), RECOVERY_SCENARIO.durationMs);
    expect(v.outages).toEqual([{ startMs: OUTAGE_START_MS, endMs: OUTAGE_START_MS + OUTAGE_MS, type: 'handover', detail: expect.any(String) }]);
    expect(v.lanes[0].actions.map((a) => a.kind)).toEqual(['network-change', 'restart-ice', 'sfu-ice-restart']);
    expect(v.lanes[0].resumes).toEqual([]); // the publisher decodes nothing
    // The gap covering the outage ends at RESUMED_MS; the later short gap is not the recovery.
    expect(v.lanes[1].resumes).toEqual([{ outageStartMs: OUTAGE_START_MS, tMs: RESUMED_MS }]);
    expect(v.lanes[3].resumes).toEqual([{ outageStartMs: OUTAGE_START_MS, tMs: null }]);
  });

  test("every handover x subscriber from the runs' handover-outcome events, never-recovered marked", () => {
    const v = recoveryView(inputs(), RECOVERY_SCENARIO.durationMs);
    expect(v.handovers.map((h) => [h.policy, h.moving, h.to, h.atMs, h.subscriber, h.recovered, ...h.cells])).toEqual([
      ['seed-resilient', 'phone', 'lte', OUTAGE_START_MS, 'viewer', true, `${((RESUMED_MS - OUTAGE_START_MS) / 1000).toFixed(2)} s`, `${((RESUMED_MS - 7051 + 300) / 1000).toFixed(2)} s`, '—', '—'],
      ['none', 'phone', 'lte', OUTAGE_START_MS, 'viewer', false, 'never', `${((RECOVERY_SCENARIO.durationMs - OUTAGE_START_MS) / 1000).toFixed(2)} s`, '—', '—'],
    ]);
    // Malformed events are skipped, not thrown on.
    const odd = [{ kind: 'handover-outcome', tMs: 'x', subscribers: [] }, { kind: 'handover-outcome', tMs: 1, subscribers: [null, { peerId: 3 }] }, null];
    expect(recoveryView([{ runIndex: 0, policy: 'p', timeline: odd, metrics: {} }], 10_000).handovers).toEqual([]);
  });

  test('metrics table side by side, a policy that never recovered says so', () => {
    const v = recoveryView(inputs(), RECOVERY_SCENARIO.durationMs);
    expect(v.policies).toEqual(['seed-resilient', 'none']);
    const row = (k: string) => v.rows.find((r) => r.key === k)?.cells;
    expect(row('iceRecoveryS')).toEqual(['2.25 s', 'never recovered (17.5 s without video)']);
    expect(row('iceRestarts')).toEqual(['1', '0']);
    expect(row('iceFirstRestartS')).toEqual(['1.51 s', '—']);
  });

  test('full reconnect markers; peer-connection states when the page sent no ICE states', () => {
    const tl: TimelineEvent[] = [
      { kind: 'connection', tMs: 100, peerId: 'p', source: 'page', event: 'connection-state', state: 'connecting', detail: '' },
      { kind: 'connection', tMs: 300, peerId: 'p', source: 'page', event: 'connection-state', state: 'connected', detail: '' },
      { kind: 'connection', tMs: 900, peerId: 'p', source: 'page', event: 'full-reconnect', detail: 'after 3 restarts' },
      { kind: 'connection', tMs: 950, peerId: 'p', source: 'page', event: 'connection-state', state: 'closed', detail: '' },
      { kind: 'network', tMs: 500, type: 'outage', durationMs: 200, detail: '' },
      { kind: 'network', tMs: 800, type: 'lossBurst', durationMs: 100, detail: '' },
    ];
    expect(hasConnectionEvents(tl)).toBe(true);
    expect(hasConnectionEvents(tl.filter((e) => e.kind !== 'connection'))).toBe(false);
    const v = recoveryView([{ runIndex: 0, policy: 'x', timeline: tl, metrics: {} }], 2000);
    expect(v.lanes[0].intervals.map((i) => i.state)).toEqual(['checking', 'connected', 'closed']);
    expect(v.lanes[0].actions).toEqual([{ tMs: 900, kind: 'full-reconnect', detail: 'after 3 restarts' }]);
    expect(v.outages.map((o) => o.type)).toEqual(['outage']);
  });

  test('property: intervals are ordered, contiguous, never repeat a state back to back, and end at endMs', () => {
    const states = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed', 'bogus'];
    // Times from a small range, so that several states often share a millisecond.
    fc.assert(
      fc.property(fc.array(fc.record({ tMs: fc.integer({ min: 0, max: 60 }), state: fc.constantFrom(...states) }), { maxLength: 40 }), (pts) => {
        const events = pts.map((p) => ({ kind: 'connection' as const, tMs: p.tMs, peerId: 'p', source: 'page', event: 'ice-state', state: p.state }));
        const iv = stateIntervals(events, 12_000);
        const valid = pts.filter((p) => laneState(p.state) !== null);
        expect(iv.length > 0).toBe(valid.length > 0);
        for (let i = 0; i < iv.length; i++) {
          expect(iv[i].endMs).toBeGreaterThanOrEqual(iv[i].startMs);
          if (i > 0) {
            expect(iv[i].startMs).toBe(iv[i - 1].endMs);
            expect(iv[i].state).not.toBe(iv[i - 1].state);
          }
        }
        if (iv.length) expect(iv.at(-1)!.endMs).toBe(12_000);
      }),
    );
  });
});
