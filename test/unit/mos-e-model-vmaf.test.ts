// G.107 E-model against the Recommendation's published figures (R = 93.2 with the Table 2 defaults, Annex B's
// MOS for given R), the VMAF-based MOS (docs/scoring.md "MOS"), and the live MOS metrics from a timeline.
import { describe, expect, it } from 'vitest';
import { burstRatio, eModel, eModelFromNetwork, mosFromR } from '../../harness/metrics/mos/e-model.ts';
import { liveMosMetrics, p1203LiveStreams, subscriberMos } from '../../harness/metrics/mos/live-mos.ts';
import { mosFromVmaf, vmafMos } from '../../harness/metrics/mos/vmaf-mos.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';

describe('G.107 E-model', () => {
  it('gives R = 93.2 and MOS 4.41 with the default values (G.107 clause 7.7)', () => {
    const r = eModel();
    expect(r.r).toBeCloseTo(93.2, 1);
    expect(r.mos).toBeCloseTo(4.41, 2);
    expect(r.ieEff).toBe(0);
  });

  it('maps R to MOS as Annex B: 50 -> 2.58, 60 -> 3.10, 70 -> 3.60, 80 -> 4.03, 90 -> 4.34, ends 1 and 4.5', () => {
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(60)).toBeCloseTo(3.1, 2);
    expect(mosFromR(70)).toBeCloseTo(3.6, 2);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
    expect(mosFromR(90)).toBeCloseTo(4.34, 2);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl): G.711 without PLC (Bpl 4.3) at 1% random loss costs 17.9', () => {
    const base = eModel().r;
    const lossy = eModel({ pplPct: 1 });
    expect(lossy.ieEff).toBeCloseTo(95 / 5.3, 6);
    expect(base - lossy.r).toBeCloseTo(95 / 5.3, 6);
    // Bursty loss (BurstR 2) hurts more than random loss at the same rate.
    expect(eModel({ pplPct: 2, burstR: 2 }).r).toBeLessThan(eModel({ pplPct: 2 }).r);
  });

  it('the delay curve: little impairment up to 100 ms (Idd starts at Ta = 100 ms), steeper the longer the delay', () => {
    const at = (ms: number) => eModelFromNetwork({ oneWayDelayMs: ms, lossRatio: 0 }).r;
    expect(at(0)).toBeCloseTo(93.2, 1);
    expect(93.2 - at(100)).toBeLessThan(3);
    // G.114: 150 ms one way keeps R near 90; 400 ms is below 70 ("many users dissatisfied").
    expect(at(150)).toBeGreaterThan(88);
    expect(at(400)).toBeLessThan(70);
    expect(at(300) - at(400)).toBeGreaterThan(at(100) - at(200));
  });

  it('burst ratio of a two-state loss chain: 1 for random loss, 1/(p + r) otherwise', () => {
    expect(burstRatio(0.01, 0.99)).toBeCloseTo(1, 12);
    expect(burstRatio(0.01, 0.24)).toBeCloseTo(4, 12);
    expect(() => burstRatio(0.5, 0)).toThrow(/burst ratio/);
  });

  it('rejects out-of-range parameters by name', () => {
    expect(() => eModel({ pplPct: 120 })).toThrow(/pplPct/);
    expect(() => eModel({ slr: Number.NaN })).toThrow(/slr/);
  });
});

describe('VMAF-based MOS', () => {
  it('maps VMAF 0..100 linearly onto 1..5', () => {
    expect(mosFromVmaf(100)).toBe(5);
    expect(mosFromVmaf(0)).toBe(1);
    expect(mosFromVmaf(75)).toBe(4);
    expect(mosFromVmaf(140)).toBe(5);
  });

  it('pulls a frozen second to 1 in proportion to the frozen part, and the session down by the stall', () => {
    const seconds = Array.from({ length: 20 }, (_, i) => ({ tMs: 1000 * i, vmaf: 90 }));
    const clean = vmafMos(seconds, []);
    expect(clean.sessionMos).toBeCloseTo(4.6, 10);
    const frozen = vmafMos(seconds, [{ tMs: 10_000, durationMs: 1500 }]);
    expect(frozen.perSecond[10].mos).toBe(1);
    expect(frozen.perSecond[11].frozenRatio).toBeCloseTo(0.5, 10);
    expect(frozen.perSecond[11].mos).toBeCloseTo(1 + 3.6 * 0.5, 10);
    expect(frozen.perSecond[12].mos).toBeCloseTo(4.6, 10);
    expect(frozen.sessionMos!).toBeLessThan(clean.sessionMos!);
  });

  it('has no MOS without VMAF (ffmpeg without libvmaf)', () => {
    const r = vmafMos([{ tMs: 0, vmaf: null }], []);
    expect(r.sessionMos).toBeNull();
    expect(r.perSecond[0].mos).toBeNull();
  });
});

describe('live MOS metrics from a timeline', () => {
  const peer = (tMs: number, peerId: string, rttMs: number, lost: number, received: number): TimelineEvent => ({
    kind: 'peer',
    tMs,
    sample: {
      tMs,
      peerId,
      role: 'subscriber',
      connectionState: 'connected',
      outbound: [],
      inbound: [
        {
          mid: '0', publisherId: 'pub', ssrc: 1, bitrateBps: 1e6, framesReceived: 30, framesDecoded: 30, framesDropped: 0, keyFramesDecoded: 1,
          framesPerSecond: 30, frameWidth: 640, frameHeight: 360, freezeCount: 0, totalFreezesDurationS: 0, jitterMs: 2, jitterBufferDelayMs: 20,
          packetsReceived: received, packetsLost: lost, nackCount: 0, pliCount: 0, firCount: 0, decoderImplementation: null,
        },
      ],
      candidatePair: { currentRoundTripTimeMs: rttMs, availableOutgoingBitrateBps: null, availableIncomingBitrateBps: null, localAddress: null, remoteAddress: null },
    },
  });

  it('uses RTT/2 + jitter buffer without glass-to-glass latency, and the loss of the last sample', () => {
    const timeline = [peer(1000, 'a', 100, 0, 100), peer(2000, 'a', 100, 2, 198), peer(3000, 'a', 100, 10, 990)];
    const [a] = subscriberMos(timeline);
    expect(a.delaySource).toBe('rtt/2 + jitter buffer');
    expect(a.oneWayDelayMs).toBe(70);
    expect(a.lossRatio).toBeCloseTo(0.01, 12);
    expect(a.eModel.r).toBeCloseTo(eModelFromNetwork({ oneWayDelayMs: 70, lossRatio: 0.01 }).r, 12);
  });

  it('P.1203 of a received stream: stats seconds as segments from the first frame on, freeze time as stalls', () => {
    const call = (freezeAtS: number | null) => {
      const events: TimelineEvent[] = [];
      for (let s = 0; s < 30; s++) {
        const e = peer(1000 * s, 'a', 40, 0, 100 * s) as Extract<TimelineEvent, { kind: 'peer' }>;
        const inb = e.sample.inbound[0];
        // Nothing decoded for the first 2 s; 720p30 at 2 Mbps after; freeze time grows by 1.5 s at freezeAtS.
        Object.assign(inb, s < 2 ? { bitrateBps: 0, frameWidth: null, frameHeight: null } : { bitrateBps: 2e6, frameWidth: 1280, frameHeight: 720, framesPerSecond: 30 });
        inb.totalFreezesDurationS = freezeAtS !== null && s >= freezeAtS ? 1.5 : 0;
        events.push(e);
      }
      return events;
    };
    const [clean] = p1203LiveStreams(call(null), { randomForest: null });
    expect(clean.stream).toBe('pub');
    expect(clean.segments).toHaveLength(28);
    expect(clean.segments[0]).toMatchObject({ startS: 0, durationS: 1, bitrateKbps: 2000, width: 1280, height: 720, fps: 30 });
    expect(clean.stalls).toEqual([]);
    const [frozen] = p1203LiveStreams(call(12), { randomForest: null });
    expect(frozen.stalls).toEqual([{ positionS: 8.5, durationS: 1.5 }]);
    expect(frozen.o46).toBeLessThan(clean.o46);
    expect(liveMosMetrics(call(12)).p1203LiveMos).toBeCloseTo(p1203LiveStreams(call(12))[0].o46, 12);
  });

  it('prefers glass-to-glass latency, reports the worst subscriber, and videoMos only with VMAF', () => {
    const timeline: TimelineEvent[] = [
      peer(1000, 'a', 40, 0, 100),
      peer(1000, 'b', 40, 0, 100),
      { kind: 'latency', tMs: 0, peerId: 'b', medianMs: 400, maxMs: 450, frames: 30 },
      { kind: 'latency', tMs: 1000, peerId: 'b', medianMs: 420, maxMs: 470, frames: 30 },
      { kind: 'frame-score', tMs: 0, peerId: 'a', vmaf: 80, psnrDb: 38, ssim: 0.97, framesDisplayed: 30, framesScored: 30 },
    ];
    const subs = subscriberMos(timeline);
    expect(subs.find((s) => s.peerId === 'b')!.oneWayDelayMs).toBe(410);
    const m = liveMosMetrics(timeline);
    expect(m.rFactor).toBeCloseTo(subs.find((s) => s.peerId === 'b')!.eModel.r, 12);
    expect(m.videoMos).toBeCloseTo(mosFromVmaf(80), 12);
    expect(liveMosMetrics([])).toEqual({});
  });

  it("videoMos per subscriber video: one video's freeze does not lower the other's, the subscriber gets its worst", () => {
    const sec = (tMs: number, label: string, vmaf: number): TimelineEvent => ({ kind: 'frame-score', tMs, peerId: 'a', label, vmaf, psnrDb: 40, ssim: 0.98, framesDisplayed: 30, framesScored: 30 });
    const clean = [0, 1000, 2000, 3000].map((t) => sec(t, '0', 90));
    const frozen = [0, 1000, 2000, 3000].map((t) => sec(t, '1', 90));
    const freeze: TimelineEvent = { kind: 'freeze', tMs: 1000, peerId: 'a', label: '1', durationMs: 1500 };
    const [a] = subscriberMos([peer(1000, 'a', 40, 0, 100), ...clean, ...frozen, freeze]);
    const cleanAlone = vmafMos(clean.map((e) => ({ tMs: e.tMs, vmaf: 90 })), []).sessionMos!;
    const frozenAlone = vmafMos(frozen.map((e) => ({ tMs: e.tMs, vmaf: 90 })), [{ tMs: 1000, durationMs: 1500 }]).sessionMos!;
    expect(frozenAlone).toBeLessThan(cleanAlone);
    // Mixed together the freeze would count against 8 seconds of two videos; apart, the worst video is the frozen one.
    expect(a.videoMos).toBeCloseTo(frozenAlone, 12);
  });
});
