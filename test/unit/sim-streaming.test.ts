import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AbrAlgorithm } from '../../algorithms/abr/types.ts';
import { getAbr } from '../../algorithms/abr/registry.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import type { MediaSpec, Scenario } from '../../harness/scenario/types.ts';
import { simulateStreamingSession } from '../../harness/sim/streaming-session.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

function media(bitratesBps: number[], segmentCount: number, over: Partial<MediaSpec> = {}): MediaSpec {
  const segmentDurationMs = over.segmentDurationMs ?? 4000;
  return {
    source: 'ladder',
    manifestFile: null,
    segmentDurationMs,
    segmentCount,
    rungs: bitratesBps.map((b) => ({ bitrateBps: b, width: 640, height: 360, fps: 30 })),
    segmentSizesBits: Array.from({ length: segmentCount }, () => bitratesBps.map((b) => (b * segmentDurationMs) / 1000)),
    bufferMaxMs: 20_000,
    startupBufferMs: segmentDurationMs,
    ...over,
  };
}

const fixedAbr = (quality: number): AbrAlgorithm => ({ name: 'fixed', choose: () => ({ quality, reason: `fixed ${quality}` }) });

function run(scenario: Scenario, m: MediaSpec, abr: AbrAlgorithm, durationMs = scenario.durationMs) {
  return simulateStreamingSession({ link: buildLinkModel(scenario), media: m, abr, durationMs });
}

const segments = (tl: TimelineEvent[]) => tl.filter((e): e is Extract<TimelineEvent, { kind: 'segment' }> => e.kind === 'segment');
const stalls = (tl: TimelineEvent[]) => tl.filter((e): e is Extract<TimelineEvent, { kind: 'stall' }> => e.kind === 'stall');

describe('streaming session simulator', () => {
  it('downloads a segment in one round trip plus size / capacity', () => {
    // 10 Mbps, 20 ms one-way each way (40 ms RTT), 1 Mbps x 4 s = 4 Mbit: 400 ms + 40 ms.
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 10e6 }, delayMs: 20 });
    const out = run(s, media([1e6], 3), fixedAbr(0));
    const segs = segments(out.timeline);
    expect(segs).toHaveLength(3);
    for (const seg of segs) expect(seg.downloadMs).toBeCloseTo(440, 6);
    expect(out.timeline.filter((e) => e.kind === 'playback' && e.state === 'start')[0].tMs).toBeCloseTo(440, 6);
    expect(stalls(out.timeline)).toHaveLength(0);
  });

  it('stalls when a segment takes longer than the buffer lasts, and the stall ends when it arrives', () => {
    // 2 Mbit/s, 4 Mbit segments at the top rung: 2 s + RTT per 4 s... a 10 s outage at 20 s must drain a 4-8 s buffer.
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 2e6 }, delayMs: 10 }, [
      { type: 'outage', atMs: 20_000, durationMs: 10_000, direction: 'both' },
    ]);
    const out = run(s, media([1e6], 15, { bufferMaxMs: 8000 }), fixedAbr(0));
    const st = stalls(out.timeline);
    expect(st.length).toBeGreaterThanOrEqual(1);
    const total = st.reduce((a, e) => a + e.durationMs, 0);
    // The outage is 10 s and at most 8 s of buffer covers it: at least ~2 s of stall.
    expect(total).toBeGreaterThan(1500);
    expect(total).toBeLessThan(10_000);
    // Every stall ends with a segment arriving.
    const arrivals = segments(out.timeline).map((g) => g.tMs + g.downloadMs);
    for (const e of st) expect(arrivals.some((a) => Math.abs(a - (e.tMs + e.durationMs)) < 1e-6)).toBe(true);
  });

  it('never lets the buffer exceed its maximum, and drains it at 1 s per s', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 50e6 }, delayMs: 5 });
    const out = run(s, media([1e6], 40, { bufferMaxMs: 12_000 }), fixedAbr(0));
    const buf = out.timeline.filter((e) => e.kind === 'buffer');
    for (const b of buf) expect(b.bufferS).toBeLessThanOrEqual(12 + 1e-9);
    expect(Math.max(...buf.map((b) => b.bufferS))).toBeGreaterThan(11);
  });

  it('stops at the scenario end and counts a stall still running then', () => {
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1e6 }, delayMs: 10 }, [
      { type: 'outage', atMs: 10_000, durationMs: 50_000, direction: 'down' },
    ]);
    const out = run(s, media([0.5e6], 30), fixedAbr(0), 30_000);
    expect(out.endMs).toBe(30_000);
    const st = stalls(out.timeline);
    expect(st.at(-1)!.tMs + st.at(-1)!.durationMs).toBeCloseTo(30_000, 6);
  });

  it('is deterministic and never downloads more than the capacity allowed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300_000, max: 20_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('throughput', 'bola', 'bba', 'robust-mpc', 'seed-dash', 'seed-netflix'),
        fc.integer({ min: 0, max: 60_000 }),
        (capacityBps, delayMs, abrName, outageAtMs) => {
          const s = simpleScenario({ capacity: { kind: 'constant', bps: capacityBps }, delayMs }, [
            { type: 'outage', atMs: outageAtMs, durationMs: 3000, direction: 'both' },
          ], 90_000);
          const m = media([300e3, 750e3, 1200e3, 2850e3], 20);
          const factory = getAbr(abrName)!;
          const a = run(s, m, factory.create());
          const b = run(s, m, factory.create());
          expect(a.timeline).toEqual(b.timeline);
          const link = buildLinkModel(s);
          let cumBytes = 0;
          for (const seg of segments(a.timeline)) {
            cumBytes += seg.bytes;
            const arrival = seg.tMs + seg.downloadMs;
            expect(cumBytes).toBeLessThanOrEqual(link.down.deliverableBytes(0, arrival) + 1);
          }
          // Buffer stays within [0, max].
          for (const e of a.timeline) if (e.kind === 'buffer') expect(e.bufferS).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 60 },
    );
  });
  it('records the buffer at its low point, when a segment lands and before it is added', () => {
    // 1 Mbps, 10 ms RTT, 4 s segments of 3.6 Mbit: each download takes 3.61 s. The second segment is
    // requested with 4 s in the buffer, which falls to 0.39 s before it lands (4.39 s after). Without the low
    // point the buffer line never went below 4 s.
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1e6 }, delayMs: 5 });
    const out = run(s, media([0.9e6], 6), fixedAbr(0));
    const buf = out.timeline.filter((e): e is Extract<TimelineEvent, { kind: 'buffer' }> => e.kind === 'buffer');
    const second = segments(out.timeline)[1];
    const arrival = second.tMs + second.downloadMs;
    const atArrival = buf.filter((b) => Math.abs(b.tMs - arrival) < 1e-6).map((b) => b.bufferS);
    // Low point first, then the level with the new segment.
    expect(atArrival[0]).toBeCloseTo(0.39, 9);
    expect(atArrival[1]).toBeCloseTo(4.39, 9);
    // The lowest level while downloading (the play-out at the end aside).
    const last = segments(out.timeline).at(-1)!;
    const whileDownloading = buf.filter((b) => b.tMs > 4000 && b.tMs <= last.tMs + last.downloadMs + 1e-6);
    expect(Math.min(...whileDownloading.map((b) => b.bufferS))).toBeCloseTo(0.39, 9);
  });

  it('the low point at each arrival is the level at the request minus the download time, floored at 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom('throughput', 'bola', 'bba'),
        (capacityBps, delayMs, abrName) => {
          const s = simpleScenario({ capacity: { kind: 'constant', bps: capacityBps }, delayMs }, [], 60_000);
          const out = run(s, media([300e3, 750e3, 1200e3, 2850e3], 12), getAbr(abrName)!.create());
          const tl = out.timeline;
          let playing = false;
          for (const seg of segments(tl)) {
            const arrival = seg.tMs + seg.downloadMs;
            const before = tl.filter((e) => e.kind === 'buffer' && Math.abs(e.tMs - arrival) < 1e-6) as { bufferS: number }[];
            expect(before.length).toBeGreaterThanOrEqual(2);
            expect(before[0].bufferS).toBeCloseTo(seg.bufferS - 4, 9);
            const atRequest = tl.filter((e) => e.kind === 'buffer' && e.tMs <= seg.tMs).at(-1) as { bufferS: number } | undefined;
            if (playing && atRequest) expect(before[0].bufferS).toBeCloseTo(Math.max(0, atRequest.bufferS - seg.downloadMs / 1000), 9);
            playing ||= tl.some((e) => e.kind === 'playback' && e.state === 'start' && e.tMs <= arrival);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
