// The SFU's layer selection for one subscriber of several publishers (harness/sfu/subscriber.ts select()):
// the feeds split the subscriber's one estimate. A real werift peer; publishers faked (no media flows, so
// each choice stays pending a keyframe, which is what the samples show).
import { afterEach, describe, expect, it } from 'vitest';
import { createHighestFitSelector } from '../../algorithms/layer/highest-fit.ts';
import type { LayerSelector, SimulcastLayer } from '../../algorithms/layer/types.ts';
import { createFixedEstimator } from '../../harness/sfu/downlink-estimator.ts';
import type { PublisherPeer } from '../../harness/sfu/publisher.ts';
import { SubscriberPeer } from '../../harness/sfu/subscriber.ts';
import { DEFAULT_LAYERS } from '../../harness/sfu/types.ts';

/** A publisher sending every layer at its ceiling's measured rate; counts keyframe requests. */
function fakePublisher(id: string, measured: [number, number, number]) {
  const keyframes: number[] = [];
  const pub = {
    id,
    codec: 'VP8' as const,
    layerConfigs: DEFAULT_LAYERS,
    layerSnapshot: (): SimulcastLayer[] =>
      DEFAULT_LAYERS.map((l, i) => ({ rid: l.rid, width: 1280 / l.scaleResolutionDownBy, height: 720 / l.scaleResolutionDownBy, maxBitrateBps: l.maxBitrateBps, measuredBitrateBps: measured[i], active: true })),
    onRtp: () => () => {},
    requestKeyframe: (layer: number) => keyframes.push(layer),
    noteKeyframe: () => {},
  };
  return { pub: pub as unknown as PublisherPeer, keyframes };
}

const peers: SubscriberPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

function subscriber(estimateBps: number, makeSelector: () => LayerSelector = () => createHighestFitSelector()) {
  const logs: string[] = [];
  const sub = new SubscriberPeer({
    id: 'sub',
    room: 'r',
    codecs: ['VP8'],
    ice: { hostAddress: '127.0.0.1' },
    transportCc: false,
    estimator: createFixedEstimator(estimateBps),
    makeSelector,
    now: () => 1000,
    sendOffer: async () => {},
    onCandidate: () => {},
    onSwitch: () => {},
    log: (m) => logs.push(m),
  });
  peers.push(sub);
  return { sub, logs };
}

const pendingOf = (sub: SubscriberPeer) => Object.fromEntries(sub.samples(1000).map((s) => [s.publisherId, s.pendingLayer]));

describe('SubscriberPeer.select with several publishers', () => {
  it('the audit case: 2 publishers, a 1.97 Mbps estimate, h measured at 1.1 Mbps: not both on h (2.2 Mbps); each gets a share', () => {
    const { sub } = subscriber(1.97e6);
    const a = fakePublisher('a', [150e3, 450e3, 1.1e6]);
    const b = fakePublisher('b', [150e3, 450e3, 1.1e6]);
    sub.addPublisher(a.pub);
    sub.addPublisher(b.pub);
    sub.select();
    // Split on 0.9 x 1.97 Mbps = 1.77 Mbps (highest-fit's budget): h + m = 1.55 Mbps fits, h + h does not.
    expect(pendingOf(sub)).toEqual({ a: 'h', b: 'm' });
    const samples = sub.samples(1000);
    for (const s of samples) expect(s.shareBps).toBeLessThan(s.estimateBps);
    expect(samples.reduce((t, s) => t + (s.shareBps ?? 0), 0)).toBeCloseTo(1.97e6, -1);
    expect(samples[0].reason).toMatch(/\[share .* of 1\.97 Mbps for 2 feeds\]/);
  });

  it('one publisher keeps the whole estimate: h on 2.5 Mbps, the selector reason as it was', () => {
    const { sub } = subscriber(2.5e6);
    sub.addPublisher(fakePublisher('a', [150e3, 500e3, 2e6]).pub);
    sub.select();
    const [s] = sub.samples(1000);
    expect(s.pendingLayer).toBe('h');
    expect(s.shareBps).toBe(2.5e6);
    expect(s.reason).not.toContain('share');
  });

  it('a selector that ignores its share is held to the allocated layer, and says so', () => {
    const greedy = (): LayerSelector => ({ name: 'greedy', choose: (ctx) => ({ layer: ctx.layers.length - 1, reason: 'always the top' }) });
    const { sub } = subscriber(1.2e6, greedy);
    sub.addPublisher(fakePublisher('a', [150e3, 500e3, 700e3]).pub);
    sub.addPublisher(fakePublisher('b', [150e3, 500e3, 700e3]).pub);
    sub.select();
    // greedy gives no budgetFraction (1): the split is on the whole 1.2 Mbps, which fits h + m (1.2 Mbps), not h + h.
    expect(pendingOf(sub)).toEqual({ a: 'h', b: 'm' });
    expect(sub.samples(1000).find((s) => s.publisherId === 'b')!.reason).toMatch(/^always the top \[share .*\]; h does not fit the split: m/);
  });

  it('a selector returning no layer index leaves the feed as it was and logs it', () => {
    const broken = (): LayerSelector => ({ name: 'broken', choose: () => ({ layer: Number.NaN, reason: 'nan' }) });
    const { sub, logs } = subscriber(5e6, broken);
    const a = fakePublisher('a', [150e3, 500e3, 700e3]);
    sub.addPublisher(a.pub);
    sub.select();
    expect(pendingOf(sub)).toEqual({ a: null });
    expect(a.keyframes).toEqual([]);
    expect(logs.join('\n')).toContain('selector broken returned no layer index');
  });
});
