// Relay samples as results.json timeline events: tagged with the peer, shifted onto the run's clock, ordered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirectionStats } from '../../harness/relay/direction-stats.ts';
import { relayTimelineEvents } from '../../harness/relay/timeline-events.ts';
import type { RelayTimelineSample } from '../../harness/relay/types.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';

const nat = fc.nat({ max: 10_000 });
const sampleArb: fc.Arbitrary<RelayTimelineSample> = fc.record({
  kind: fc.constant('relay' as const),
  tMs: fc.integer({ min: 1, max: 600 }).map((w) => w * 1000),
  windowMs: fc.constantFrom(1000, 500),
  direction: fc.constantFrom('down' as const, 'up' as const),
  phase: fc.constantFrom('wifi', 'lte'),
  inOutage: fc.boolean(),
  capacityBps: nat,
  inBps: nat,
  deliveredBps: nat,
  packetsIn: nat,
  packetsDelivered: nat,
  droppedQueue: nat,
  droppedLoss: nat,
  droppedOutage: nat,
  queueDelayP50Ms: nat,
  queueDelayP95Ms: nat,
  queueDelayP99Ms: nat,
  schedErrorP50Ms: nat,
  schedErrorP99Ms: nat,
});

describe('relayTimelineEvents', () => {
  it('keeps every sample, tags it with the peer, shifts tMs by the relay start, orders by time (down first)', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { maxLength: 40 }), fc.integer({ min: -5000, max: 60_000 }), (samples, startMs) => {
        const before = structuredClone(samples);
        const events = relayTimelineEvents(samples, 'alice', startMs);
        expect(samples).toEqual(before); // input untouched
        expect(events).toHaveLength(samples.length);
        for (const e of events) expect(e.peerId).toBe('alice');
        // The same samples, moved by startMs, as a multiset.
        const key = (s: RelayTimelineSample) => JSON.stringify({ ...s, peerId: undefined });
        const moved = samples.map((s) => key({ ...s, tMs: s.tMs + startMs })).sort();
        expect(events.map((e) => key({ ...e })).sort()).toEqual(moved);
        for (let i = 1; i < events.length; i++) {
          const a = events[i - 1];
          const b = events[i];
          expect(a.tMs <= b.tMs).toBe(true);
          if (a.tMs === b.tMs) expect(a.direction === 'down' || b.direction === 'up').toBe(true);
        }
      }),
    );
  });

  it('turns real direction samples into results.json timeline events', () => {
    const stats = { down: new DirectionStats('down'), up: new DirectionStats('up') };
    stats.up.offered(1228);
    stats.up.accepted(2);
    stats.up.delivered(1228, 0.1);
    const ctx = { phase: 'main', inOutage: false, deliverableBytes: 125_000 };
    const samples = [stats.up.closeWindow(1000, 1000, ctx), stats.down.closeWindow(1000, 1000, ctx)];
    const timeline: TimelineEvent[] = relayTimelineEvents(samples, 'bob', 2500);
    expect(timeline.map((e) => [e.kind, e.tMs, (e as { direction: string }).direction, (e as { peerId: string }).peerId])).toEqual([
      ['relay', 3500, 'down', 'bob'],
      ['relay', 3500, 'up', 'bob'],
    ]);
    expect(timeline[1]).toMatchObject({ packetsIn: 1, packetsDelivered: 1, capacityBps: 1e6 });
    expect(JSON.parse(JSON.stringify(timeline))).toEqual(timeline);
    // A relay started 2.6 ms into the run (hrtime offsets are fractional): whole ms in results.
    expect(relayTimelineEvents(samples, 'bob', 2.6).map((e) => e.tMs)).toEqual([1003, 1003]);
  });

  it('refuses an empty peer id or a non-finite start', () => {
    expect(() => relayTimelineEvents([], '')).toThrow(/peerId/);
    expect(() => relayTimelineEvents([], 'a', Number.NaN)).toThrow(/relayStartMs/);
  });
});
