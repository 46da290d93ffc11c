// A handover that changes the client's address breaks the simulator's download in flight (its TCP
// connection): the segment is requested again once the new link is up. Without an address change the
// download pauses through the outage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AbrAlgorithm } from '../../algorithms/abr/types.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import type { MediaSpec } from '../../harness/scenario/types.ts';
import { simulateStreamingSession } from '../../harness/sim/streaming-session.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';

const SEGMENT_MS = 4000;
function media(bitrateBps: number, segmentCount: number): MediaSpec {
  return {
    source: 'ladder',
    manifestFile: null,
    segmentDurationMs: SEGMENT_MS,
    segmentCount,
    rungs: [{ bitrateBps, width: 640, height: 360, fps: 30 }],
    segmentSizesBits: Array.from({ length: segmentCount }, () => [(bitrateBps * SEGMENT_MS) / 1000]),
    bufferMaxMs: 8000,
    startupBufferMs: SEGMENT_MS,
  };
}
const fixed: AbrAlgorithm = { name: 'fixed', choose: () => ({ quality: 0, reason: 'fixed' }) };

/** Two identical 4 Mbps links, 20 ms each way; a handover from a to b at atMs. */
function run(atMs: number, outageMs: number, addressChange: boolean, bitrateBps = 2e6) {
  const spec = { capacity: { kind: 'constant' as const, bps: 4e6 }, delayMs: 20 };
  const s = scenario([phase('a', 0, spec), phase('b', null, spec)], [{ type: 'handover', atMs, outageMs, addressChange, to: 'b' }], 60_000);
  const out = simulateStreamingSession({ link: buildLinkModel(s), media: media(bitrateBps, 12), abr: fixed, durationMs: s.durationMs });
  return out.timeline.filter((e): e is Extract<TimelineEvent, { kind: 'segment' }> => e.kind === 'segment');
}

describe('handover during a download', () => {
  it('an address change loses the partial segment: it is downloaded again, whole, after the outage', () => {
    // Segment 0 (8 Mbit at 4 Mbps): requested at 0, first byte at 40 ms, would land at 2040 ms. A 1.5 s
    // handover at 1000 ms: paused, it lands 1.5 s later; broken, it starts again at 2500 ms.
    const paused = run(1000, 1500, false)[0];
    expect(paused.tMs + paused.downloadMs).toBeCloseTo(2040 + 1500, 6);
    const broken = run(1000, 1500, true)[0];
    expect(broken.tMs).toBe(0);
    expect(broken.tMs + broken.downloadMs).toBeCloseTo(2500 + 40 + 2000, 6);
  });

  it('a handover between downloads changes nothing either way', () => {
    // 8 Mbit segments at 4 Mbps with an 8 s buffer: segment 1 lands at 4080 ms, segment 2 waits for room
    // until 6040 ms. A 1 s handover at 4500 ms falls in that gap.
    const far = run(59_000, 100, true).slice(0, 6);
    expect(far[1].tMs + far[1].downloadMs).toBeCloseTo(4080, 6);
    expect(far[2].tMs).toBeCloseTo(6040, 6);
    expect(run(4500, 1000, true).slice(0, 6)).toEqual(far);
    expect(run(4500, 1000, false).slice(0, 6)).toEqual(far);
  });

  it('with an address change a segment never lands sooner, and it always lands a full download after the outage (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 300_000, max: 3_000_000 }), (atMs, outageMs, bitrateBps) => {
        const paused = run(atMs, outageMs, false, bitrateBps);
        const broken = run(atMs, outageMs, true, bitrateBps);
        const n = Math.min(paused.length, broken.length);
        let hit = false;
        for (let i = 0; i < n; i++) {
          const a = broken[i];
          const endA = a.tMs + a.downloadMs;
          expect(endA).toBeGreaterThanOrEqual(paused[i].tMs + paused[i].downloadMs - 1e-6);
          if (!hit && a.tMs <= atMs && endA > atMs) {
            // The broken download: a whole new one from the end of the outage.
            hit = true;
            const fullMs = 40 + (a.bytes * 8000) / 4e6;
            expect(endA).toBeCloseTo(atMs + outageMs + fullMs, 6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
