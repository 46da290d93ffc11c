// Live-run metrics (harness/metrics/live-metrics.ts) on synthetic timelines: capacity drops and returns,
// the layer history, time to follow a drop, switches blamed for decode trouble, the publisher's ramp.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundVideoStats, OutboundLayerStats, PeerStatsSample } from '../../harness/browser/stats-types.ts';
import { capacityChanges, LayerHistory, liveMetrics, sfuSocketDrops } from '../../harness/metrics/live-metrics.ts';
import type { LiveMetricsInput } from '../../harness/metrics/live-metrics.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import { DEFAULT_LAYERS } from '../../harness/sfu/types.ts';
import type { SfuLayerSwitch } from '../../harness/sfu/types.ts';

const LAYERS = DEFAULT_LAYERS;
const RIDS = LAYERS.map((l) => l.rid);
const MBPS = 1_000_000;

const sw = (tMs: number, subscriberId: string, from: string | null, to: string, atKeyframe = true): TimelineEvent => ({
  kind: 'layer-switch',
  tMs,
  change: { tMs, room: 'call', subscriberId, publisherId: 'pub', from, to, waitedMs: 100, atKeyframe, reason: 'test' },
});

function inbound(over: Partial<InboundVideoStats> = {}): InboundVideoStats {
  return {
    mid: '0', publisherId: 'pub', ssrc: 1, bitrateBps: 700_000, framesReceived: 30, framesDecoded: 30, framesDropped: 0, keyFramesDecoded: 1,
    framesPerSecond: 30, frameWidth: 1280, frameHeight: 720, freezeCount: 0, totalFreezesDurationS: 0, jitterMs: 1, jitterBufferDelayMs: 20,
    packetsReceived: 100, packetsLost: 0, nackCount: 0, pliCount: 0, firCount: 0, decoderImplementation: null, ...over,
  };
}

function outbound(rid: string, over: Partial<OutboundLayerStats> = {}): OutboundLayerStats {
  const l = LAYERS.find((x) => x.rid === rid)!;
  return {
    rid, ssrc: 1, bitrateBps: l.maxBitrateBps / 2, active: true, framesEncoded: 30, framesPerSecond: 30, keyFramesEncoded: 1,
    frameWidth: 1280 / l.scaleResolutionDownBy, frameHeight: 720 / l.scaleResolutionDownBy, qualityLimitationReason: 'none',
    targetBitrateBps: l.maxBitrateBps, packetsSent: 100, retransmittedPacketsSent: 0, nackCount: 0, pliCount: 0, firCount: 0, encoderImplementation: null, ...over,
  };
}

const peer = (tMs: number, peerId: string, s: Partial<PeerStatsSample>): TimelineEvent => ({
  kind: 'peer',
  tMs,
  sample: { tMs, peerId, role: peerId === 'pub' ? 'publisher' : 'subscriber', connectionState: 'connected', outbound: [], inbound: [], candidatePair: null, ...s },
});

const relay = (tMs: number, peerId: string, dropped: number): TimelineEvent => ({
  kind: 'relay', tMs, windowMs: 1000, direction: 'down', phase: 'p', inOutage: false, capacityBps: 5 * MBPS, inBps: 0, deliveredBps: 0,
  packetsIn: 100, packetsDelivered: 100 - dropped, droppedQueue: dropped, droppedLoss: 0, droppedOutage: 0,
  queueDelayP50Ms: 0, queueDelayP95Ms: 0, queueDelayP99Ms: 0, schedErrorP50Ms: 0, schedErrorP99Ms: 0, peerId,
});

const DROP_STEPS = [
  { tMs: 0, bps: 5 * MBPS },
  { tMs: 20_000, bps: 600_000 },
  { tMs: 50_000, bps: 5 * MBPS },
];

function input(timeline: TimelineEvent[], over: Partial<LiveMetricsInput> = {}): LiveMetricsInput {
  return {
    layers: LAYERS,
    captureWidth: 1280,
    publishers: [{ id: 'pub', joinedAtMs: 1000 }],
    subscribers: [
      { id: 's1', downCapacity: [{ tMs: 0, bps: 5 * MBPS }] },
      { id: 's2', downCapacity: DROP_STEPS },
    ],
    timeline,
    endMs: 65_000,
    ...over,
  };
}

describe('capacityChanges', () => {
  it('5 Mbps -> 600 kbps -> 5 Mbps: a drop to the middle layer, then a return to the top', () => {
    expect(capacityChanges(DROP_STEPS, LAYERS, 65_000)).toEqual([
      { atMs: 20_000, untilMs: 50_000, bps: 600_000, kind: 'drop', targetLayer: 1 },
      { atMs: 50_000, untilMs: 65_000, bps: 5 * MBPS, kind: 'return', targetLayer: 2 },
    ]);
    // Below every ceiling: the lowest layer; steps above the top layer's ceiling are not drops.
    expect(capacityChanges([{ tMs: 0, bps: 5 * MBPS }, { tMs: 1000, bps: 100_000 }], LAYERS, 2000)[0].targetLayer).toBe(0);
    expect(capacityChanges([{ tMs: 0, bps: 5 * MBPS }, { tMs: 1000, bps: 3 * MBPS }], LAYERS, 2000)).toEqual([]);
  });

  it('a drop targets the highest layer that fits, and is a step down below the top ceiling; a return reaches the top', () => {
    const steps = fc.array(fc.integer({ min: 50_000, max: 6 * MBPS }), { minLength: 2, maxLength: 12 }).map((bps) => bps.map((b, i) => ({ tMs: i * 1000, bps: b })));
    fc.assert(
      fc.property(steps, (st) => {
        for (const c of capacityChanges(st, LAYERS, st.length * 1000)) {
          const i = st.findIndex((s) => s.tMs === c.atMs);
          const prev = st[i - 1].bps;
          if (c.kind === 'drop') {
            expect(c.bps).toBeLessThan(prev);
            expect(c.bps).toBeLessThan(LAYERS[2].maxBitrateBps);
            if (c.targetLayer > 0) expect(LAYERS[c.targetLayer].maxBitrateBps).toBeLessThanOrEqual(c.bps);
            if (c.targetLayer < 2) expect(LAYERS[c.targetLayer + 1].maxBitrateBps).toBeGreaterThan(c.bps);
          } else {
            expect(prev).toBeLessThan(LAYERS[2].maxBitrateBps);
            expect(c.bps).toBeGreaterThanOrEqual(LAYERS[2].maxBitrateBps);
          }
          expect(c.untilMs).toBe(i + 1 < st.length ? st[i + 1].tMs : st.length * 1000);
        }
      }),
    );
  });
});

describe('LayerHistory', () => {
  it('time on each layer adds up to the window once something is forwarded', () => {
    const switches = fc.array(fc.tuple(fc.integer({ min: 1, max: 59_999 }), fc.integer({ min: 0, max: 2 })), { maxLength: 20 });
    fc.assert(
      fc.property(switches, fc.integer({ min: 0, max: 30_000 }), (xs, fromMs) => {
        const all: SfuLayerSwitch[] = [[0, 0] as [number, number], ...xs].map(([tMs, l]) => ({
          tMs, room: 'r', subscriberId: 's', publisherId: 'p', from: null, to: RIDS[l], waitedMs: 0, atKeyframe: true, reason: '',
        }));
        const h = new LayerHistory(all, RIDS);
        const total = [0, 1, 2].reduce((s, l) => s + h.timeOn(l, fromMs, 60_000), 0);
        expect(total).toBe(60_000 - fromMs);
        // firstTime finds a moment the layer really holds.
        const t = h.firstTime(fromMs, 60_000, (l) => l === 2);
        if (t !== null) expect(h.at(t)).toBe(2);
      }),
    );
  });
});

describe('liveMetrics', () => {
  const base = [
    peer(2000, 'pub', { outbound: [outbound('l'), outbound('m'), outbound('h', { targetBitrateBps: 600_000 })] }),
    peer(3500, 'pub', { outbound: [outbound('l'), outbound('m'), outbound('h')] }),
    sw(2500, 's1', null, 'h'),
    sw(2600, 's2', null, 'h'),
  ];

  it('follows the drop and the return; the undisturbed subscriber stays on top', () => {
    const { metrics, detail } = liveMetrics(input([...base, sw(21_200, 's2', 'h', 'm'), sw(58_400, 's2', 'm', 'h')]));
    expect(metrics.publisherTopLayerS).toBe(2.5);
    expect(metrics.layerDownAfterDropS).toBe(1.2);
    expect(metrics.layerUpAfterReturnS).toBe(8.4);
    expect(metrics.undisturbedTopLayerRatio).toBe(1);
    expect(metrics.layerSwitchCount).toBe(4);
    expect(metrics.switchDecodeErrors).toBe(0);
    expect(detail.follow.map((f) => [f.subscriberId, f.change.kind, f.afterS])).toEqual([
      ['s2', 'drop', 1.2],
      ['s2', 'return', 8.4],
    ]);
  });

  it('down to the lowest layer also fits; never following leaves the metric out; the undisturbed ratio counts time off the top', () => {
    const m1 = liveMetrics(input([...base, sw(22_000, 's2', 'h', 'l')])).metrics;
    expect(m1.layerDownAfterDropS).toBe(2);
    expect(m1).not.toHaveProperty('layerUpAfterReturnS'); // stayed on l after the return
    const m2 = liveMetrics(input([...base, sw(30_000, 's1', 'h', 'm'), sw(36_250, 's1', 'm', 'h')])).metrics;
    expect(m2).not.toHaveProperty('layerDownAfterDropS');
    expect(m2.undisturbedTopLayerRatio).toBeCloseTo(1 - 6250 / (65_000 - 2500), 3);
    // Already on a fitting layer when the capacity drops: 0 s.
    expect(liveMetrics(input([...base.slice(0, 3), sw(2600, 's2', null, 'm')])).metrics.layerDownAfterDropS).toBe(0);
  });

  it('blames a switch off a keyframe, or one followed by a PLI while the link dropped nothing', () => {
    const pli = (t: number, n: number) => peer(t, 's1', { inbound: [inbound({ pliCount: n })] });
    const clean = liveMetrics(input([...base, pli(9000, 0), sw(10_000, 's1', 'h', 'm'), pli(11_000, 0), pli(12_500, 0)])).metrics;
    expect(clean.switchDecodeErrors).toBe(0);
    const offKeyframe = liveMetrics(input([...base, sw(10_000, 's1', 'h', 'm', false)])).metrics;
    expect(offKeyframe.switchDecodeErrors).toBe(1);
    const asked = [...base, pli(9000, 0), sw(10_000, 's1', 'h', 'm'), pli(11_000, 1), pli(12_500, 1)];
    expect(liveMetrics(input(asked)).metrics.switchDecodeErrors).toBe(1);
    expect(liveMetrics(input(asked)).metrics.keyframeRequestCount).toBe(1);
    // The same PLI while the subscriber's link was dropping packets is the link's doing.
    expect(liveMetrics(input([...asked, relay(11_000, 's1', 5)])).metrics.switchDecodeErrors).toBe(0);
  });

  it("freezes and received bitrate come from the subscribers' last samples and decoding samples", () => {
    const tl = [
      ...base,
      peer(3000, 's1', { inbound: [inbound({ framesDecoded: 0, bitrateBps: 50_000 })] }),
      peer(4000, 's1', { inbound: [inbound({ bitrateBps: 600_000 })] }),
      peer(5000, 's1', { inbound: [inbound({ bitrateBps: 800_000, freezeCount: 2, totalFreezesDurationS: 0.75, firCount: 1 })] }),
      peer(5000, 's2', { inbound: [inbound({ bitrateBps: 300_000, freezeCount: 1, totalFreezesDurationS: 0.5 })] }),
    ];
    const m = liveMetrics(input(tl)).metrics;
    expect(m.freezeCount).toBe(3);
    expect(m.totalFreezesS).toBe(1.25);
    expect(m.keyframeRequestCount).toBe(1);
    expect(m.avgReceivedKbps).toBe(Math.round((700 + 300) / 2));
  });

  it('no publisher at its top layer: publisherTopLayerS is left out', () => {
    expect(liveMetrics(input(base.slice(0, 1))).metrics).not.toHaveProperty('publisherTopLayerS');
    expect(liveMetrics(input(base, { publishers: [{ id: 'pub', joinedAtMs: null }] })).metrics).not.toHaveProperty('publisherTopLayerS');
  });
});

describe('sfuSocketDrops', () => {
  const sample = (tMs: number, publisherId: string, socketDrops: number | null | undefined): TimelineEvent => ({
    kind: 'sfu-publisher',
    tMs,
    sample: { tMs, room: 'call', publisherId, layers: [], rembBps: 0, rembReason: '', ...(socketDrops === undefined ? {} : { socketDrops }) },
  });

  it('sums every rise of each publisher cumulative counter, across a reconnection that restarts it at 0', () => {
    // Per publisher: segments (connections), each a list of increments; the counter is cumulative within a segment.
    const increments = fc.array(fc.nat(50), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(increments, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (pubs) => {
        const timeline: TimelineEvent[] = [];
        let expected = 0;
        pubs.forEach((segments, p) => {
          let tMs = p; // publishers interleave
          for (const segment of segments) {
            let count = 0;
            timeline.push(sample(tMs, `pub${p}`, 0)); // a new connection's first sample
            tMs += 1000;
            for (const inc of segment) {
              count += inc;
              expected += inc;
              timeline.push(sample(tMs, `pub${p}`, count));
              tMs += 1000;
            }
          }
        });
        timeline.sort((a, b) => a.tMs - b.tMs);
        expect(sfuSocketDrops(timeline)).toBe(expected);
      }),
    );
  });

  it('is null when no sample carried the counter (older records, not Linux)', () => {
    expect(sfuSocketDrops([sample(0, 'pub', undefined), sample(1000, 'pub', null)])).toBeNull();
    expect(sfuSocketDrops([])).toBeNull();
    expect(sfuSocketDrops([sample(0, 'pub', null), sample(1000, 'pub', 3)])).toBe(3);
  });
});
