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

  it('blames a switch followed by a PLI, a freeze or a stall, unless the link dropped packets then', () => {
    // s1's stream, one sample a second, 30 frames each; `at` changes one interval.
    const stream = (over: Record<number, Partial<InboundVideoStats>> = {}) => {
      const out: TimelineEvent[] = [];
      let acc = { framesDecoded: 0, pliCount: 0, freezeCount: 0 };
      for (let t = 8000; t <= 14_000; t += 1000) {
        const o = over[t] ?? {};
        acc = { framesDecoded: acc.framesDecoded + (o.framesDecoded ?? 30), pliCount: acc.pliCount + (o.pliCount ?? 0), freezeCount: acc.freezeCount + (o.freezeCount ?? 0) };
        out.push(peer(t, 's1', { inbound: [inbound({ ...acc })] }));
      }
      return out;
    };
    const m = (tl: TimelineEvent[]) => liveMetrics(input([...base, sw(10_200, 's1', 'h', 'm'), ...tl])).metrics.switchDecodeErrors;
    expect(m(stream())).toBe(0);
    expect(m(stream({ 11_000: { pliCount: 1 } }))).toBe(1);
    expect(m(stream({ 12_000: { freezeCount: 1 } }))).toBe(1);
    expect(m(stream({ 11_000: { framesDecoded: 0 } }))).toBe(1); // a second without a decoded frame
    // Outside the window (last sample before the switch .. first one 2 s after it): not the switch's.
    expect(m(stream({ 10_000: { freezeCount: 1 } }))).toBe(0);
    expect(m(stream({ 14_000: { freezeCount: 1 } }))).toBe(0);
    // The link dropped packets in that interval or the second before it: excused; elsewhere: not.
    expect(m([...stream({ 11_000: { pliCount: 1 } }), relay(11_000, 's1', 5)])).toBe(0);
    expect(m([...stream({ 12_000: { freezeCount: 1 } }), relay(11_000, 's1', 5)])).toBe(0);
    expect(m([...stream({ 12_000: { freezeCount: 1 } }), relay(9_000, 's1', 5)])).toBe(1);
    expect(m([...stream({ 12_000: { freezeCount: 1 } }), relay(12_000, 's2', 5)])).toBe(1); // another subscriber's link
    // The publisher's uplink losing packets then explains the subscriber's trouble too; its downlink does not.
    const pubUp = (t: number, direction: 'up' | 'down'): TimelineEvent => ({ ...relay(t, 'pub', 5), direction }) as TimelineEvent;
    expect(m([...stream({ 12_000: { freezeCount: 1 } }), pubUp(12_000, 'up')])).toBe(0);
    expect(m([...stream({ 12_000: { freezeCount: 1 } }), pubUp(12_000, 'down')])).toBe(1);
    // atKeyframe is information only: the forwarder reports switches at switch points.
    expect(liveMetrics(input([...base, sw(10_200, 's1', 'h', 'm', false), ...stream()])).metrics.switchDecodeErrors).toBe(0);
  });

  it('property: a switch counts when its window holds trouble the link does not explain', () => {
    const N = 20;
    const troubleArb = fc.constantFrom('none', 'none', 'none', 'stall', 'freeze', 'pli', 'keyframe');
    fc.assert(
      fc.property(
        fc.array(troubleArb, { minLength: N, maxLength: N }),
        fc.uniqueArray(fc.integer({ min: 1000, max: 17_999 }), { maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: N }), { maxLength: 4 }),
        fc.integer({ min: 500, max: 3000 }),
        (kinds, switchTimes, dropSeconds, windowMs) => {
          // Samples at 0, 1, ..., N s; kinds[k - 1] happens between samples k - 1 and k.
          const tl: TimelineEvent[] = [];
          let acc = { framesDecoded: 0, pliCount: 0, freezeCount: 0, keyFramesDecoded: 0 };
          tl.push(peer(0, 's1', { inbound: [inbound({ ...acc })] }));
          for (let k = 1; k <= N; k++) {
            const kind = kinds[k - 1];
            acc = {
              framesDecoded: acc.framesDecoded + (kind === 'stall' ? 0 : 30),
              pliCount: acc.pliCount + (kind === 'pli' ? 1 : 0),
              freezeCount: acc.freezeCount + (kind === 'freeze' ? 1 : 0),
              keyFramesDecoded: acc.keyFramesDecoded + (kind === 'keyframe' ? 1 : 0),
            };
            tl.push(peer(k * 1000, 's1', { inbound: [inbound({ ...acc })] }));
          }
          for (const j of dropSeconds) tl.push(relay(j * 1000, 's1', 3));
          for (const t of switchTimes) tl.push(sw(t, 's1', 'h', 'm'));
          const { metrics, detail } = liveMetrics(input(tl, { switchBlameMs: windowMs, subscribers: [{ id: 's1', downCapacity: [{ tMs: 0, bps: 5 * MBPS }] }] }));
          // The oracle, in whole seconds: intervals b+1 .. e, where b is the last sample before the switch and e the
          // first one windowMs after it; trouble in interval k is excused by a drop reported at k - 1 or k.
          let expected = 0;
          for (const t of switchTimes) {
            const b = Math.floor(t / 1000);
            const e = Math.min(N, Math.ceil((t + windowMs) / 1000));
            let counted = false;
            let keyframes = 0;
            for (let k = b + 1; k <= e; k++) {
              const kind = kinds[k - 1];
              if (kind === 'keyframe') keyframes++;
              const trouble = kind === 'stall' || kind === 'freeze' || kind === 'pli';
              if (trouble && !dropSeconds.includes(k) && !dropSeconds.includes(k - 1)) counted = true;
            }
            if (counted) expected++;
            expect(detail.switches.find((c) => c.tMs === t)!.keyFramesDecodedRise).toBe(keyframes);
          }
          expect(metrics.switchDecodeErrors).toBe(expected);
        },
      ),
    );
  });

  it('property: more trouble never lowers the count, more link drops never raise it', () => {
    const N = 12;
    const build = (stalls: boolean[], drops: boolean[], switches: number[]) => {
      const tl: TimelineEvent[] = [];
      let frames = 0;
      for (let k = 0; k <= N; k++) {
        if (k > 0 && !stalls[k - 1]) frames += 30;
        tl.push(peer(k * 1000, 's1', { inbound: [inbound({ framesDecoded: frames })] }));
        if (k > 0 && drops[k - 1]) tl.push(relay(k * 1000, 's1', 1));
      }
      for (const t of switches) tl.push(sw(t, 's1', 'h', 'm'));
      return liveMetrics(input(tl)).metrics.switchDecodeErrors;
    };
    const bools = fc.array(fc.boolean(), { minLength: N, maxLength: N });
    fc.assert(
      fc.property(bools, bools, bools, bools, fc.uniqueArray(fc.integer({ min: 1000, max: 9000 }), { maxLength: 3 }), (s1, s2, d1, d2, switches) => {
        const moreStalls = s1.map((x, i) => x || s2[i]);
        const moreDrops = d1.map((x, i) => x || d2[i]);
        expect(build(moreStalls, d1, switches)).toBeGreaterThanOrEqual(build(s1, d1, switches));
        expect(build(s1, moreDrops, switches)).toBeLessThanOrEqual(build(s1, d1, switches));
      }),
    );
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
