// The live charts' model: per subscriber x publisher and per publisher series from a live run's timeline,
// capacity from relay windows (or scenario capacity events), tolerance of bad events, the report placeholder.
import { describe, expect, it } from 'vitest';
import { hasLiveSamples, liveValueAt, liveViews } from '../../reports/client/live-model.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';
import { DROP_MS, RETURN_MS, liveCapacityAt, syntheticLiveResults, syntheticLiveTimeline } from '../helpers/synthetic-live-run.ts';

describe('live chart model', () => {
  const timeline = syntheticLiveTimeline();
  const views = liveViews(timeline);

  it('one view per subscriber x publisher, sorted, with the publisher layer order', () => {
    expect(views.subscribers.map((s) => `${s.subscriberId}/${s.publisherId}`)).toEqual(['s1/pub', 's2/pub']);
    expect(views.subscribers[1].rids).toEqual(['l', 'm', 'h']);
    for (const s of views.subscribers) for (const series of [s.estimate, s.layers, s.received]) expect(series.every((p, i) => i === 0 || p.tMs >= series[i - 1].tMs)).toBe(true);
  });

  it('capacity steps start at each relay window start and match the link; estimate, layer and received come from the samples', () => {
    const s2 = views.subscribers[1];
    for (const t of [DROP_MS - 2000, DROP_MS + 500, RETURN_MS - 500, RETURN_MS + 1500]) expect(liveValueAt(s2.capacity, t)?.bps).toBe(liveCapacityAt('s2', t));
    const samples = timeline.filter((e) => e.kind === 'sfu-subscriber' && e.sample.subscriberId === 's2');
    expect(s2.estimate.map((p) => p.bps)).toEqual(samples.map((e) => (e.kind === 'sfu-subscriber' ? e.sample.estimateBps : NaN)));
    expect(s2.received.length).toBe(timeline.filter((e) => e.kind === 'peer' && e.sample.peerId === 's2').length);
    expect(liveValueAt(s2.layers, DROP_MS + 3000)?.layer).toBe('m');
    expect(s2.network.map((m) => m.type)).toEqual(['capacityStep']);
    expect(views.subscribers[0].network).toEqual([]); // s1's link had no event
  });

  it('switches carry their reason; the publisher view has one sent series per layer and availableOutgoingBitrate', () => {
    const s2 = views.subscribers[1];
    const down = s2.switches.find((s) => s.tMs > DROP_MS)!;
    expect(down).toMatchObject({ from: 'h', to: 'm', atKeyframe: true });
    expect(down.reason).toMatch(/estimate \d+ kbps x0.9 -> m/);
    const [pub] = views.publishers;
    expect(pub.publisherId).toBe('pub');
    expect(pub.sent.map((s) => s.rid)).toEqual(['l', 'm', 'h']);
    expect(pub.availableOutgoing.length).toBe(40);
    expect(liveValueAt(pub.capacity, 10_000)?.bps).toBe(5_000_000);
  });

  it('scenario capacity events stand in for relay samples; malformed events are skipped', () => {
    const odd: unknown[] = [
      null,
      7,
      { kind: 'sfu-subscriber', tMs: 'x', sample: {} },
      { kind: 'sfu-subscriber', tMs: 0, sample: { subscriberId: 'a' } },
      { kind: 'layer-switch', tMs: 1, change: { subscriberId: 'a', publisherId: 'p' } },
      { kind: 'peer', tMs: 0, sample: { peerId: 'a', role: 'subscriber', inbound: [{ bitrateBps: 'fast' }] } },
      { kind: 'sfu-subscriber', tMs: 1000, sample: { subscriberId: 'a', publisherId: 'p', estimateBps: 1e6, layer: 'q', pendingLayer: null } },
      { kind: 'capacity', tMs: 0, direction: 'down', bps: 2e6, peerId: 'a' },
      { kind: 'capacity', tMs: 5000, direction: 'down', bps: 1e6, peerId: 'a' },
    ];
    const v = liveViews(odd);
    expect(v.subscribers).toHaveLength(1);
    expect(v.subscribers[0].capacity.map((p) => p.bps)).toEqual([2e6, 1e6]);
    expect(v.subscribers[0].received).toEqual([]);
    expect(v.subscribers[0].rids).toEqual(['q']);
    expect(v.publishers).toEqual([]);
    expect(liveViews([]).subscribers).toEqual([]);
  });

  it('the report has a live chart placeholder only for live runs', () => {
    expect(hasLiveSamples(timeline)).toBe(true);
    expect(hasLiveSamples(syntheticResults().runs[0].timeline)).toBe(false);
    expect(renderHtmlReport(syntheticLiveResults())).toContain('data-chart="live"');
    expect(renderHtmlReport(syntheticResults())).not.toContain('data-chart="live"');
  });
});
