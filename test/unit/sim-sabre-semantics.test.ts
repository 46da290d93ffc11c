// Sabre's semantics in netqoe (harness/sim/streaming-session.ts header): a Sabre trace's latency applies
// entry by entry (quickScenario's phases), and a stall ends when the buffer is back at the startup amount.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AbrAlgorithm } from '../../algorithms/abr/types.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import { quickScenario, requestLatencyPhases } from '../../harness/scenario/parse.ts';
import type { CapacityTrace, MediaSpec } from '../../harness/scenario/types.ts';
import { simulateStreamingSession } from '../../harness/sim/streaming-session.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'netqoe-sabre-sem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixedAbr = (quality: number): AbrAlgorithm => ({ name: 'fixed', choose: () => ({ quality, reason: `fixed ${quality}` }) });
type Segment = Extract<TimelineEvent, { kind: 'segment' }>;
const segments = (tl: TimelineEvent[]) => tl.filter((e): e is Segment => e.kind === 'segment');

function sabreTrace(entries: { ms: number; kbps: number; latencyMs: number }[]): CapacityTrace {
  const startMs: number[] = [];
  let t = 0;
  for (const e of entries) {
    startMs.push(t);
    t += e.ms;
  }
  return { file: 'x.json', format: 'sabre', startMs, bps: entries.map((e) => e.kbps * 1000), periodMs: t, latencyMs: entries.map((e) => e.latencyMs) };
}

/** The latency of the entry in force at tMs, the trace looping. */
function latencyAt(trace: CapacityTrace, tMs: number): number {
  const pos = tMs % trace.periodMs;
  let i = 0;
  while (i + 1 < trace.startMs.length && trace.startMs[i + 1] <= pos) i++;
  return trace.latencyMs![i];
}

describe('requestLatencyPhases (a Sabre trace run by netqoe run --trace)', () => {
  it('a constant latency, or none, is one phase from 0', () => {
    expect(requestLatencyPhases(sabreTrace([{ ms: 5000, kbps: 1000, latencyMs: 20 }, { ms: 5000, kbps: 3000, latencyMs: 20 }]), 60_000)).toEqual([{ atMs: 0, rttMs: 20 }]);
    const mahimahi: CapacityTrace = { file: 'm', format: 'mahimahi', startMs: [0], bps: [12e6], periodMs: 1 };
    expect(requestLatencyPhases(mahimahi, 60_000)).toEqual([{ atMs: 0, rttMs: 40 }]);
  });

  it('the phase in force at any time has the latency of the trace entry in force then (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ms: fc.integer({ min: 1, max: 20_000 }), kbps: fc.integer({ min: 0, max: 10_000 }), latencyMs: fc.constantFrom(0, 20, 80, 150) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 20 }),
        (entries, durationMs, fractions) => {
          const trace = sabreTrace(entries);
          const phases = requestLatencyPhases(trace, durationMs);
          expect(phases[0].atMs).toBe(0);
          for (let i = 1; i < phases.length; i++) {
            expect(phases[i].atMs).toBeGreaterThan(phases[i - 1].atMs);
            expect(phases[i].atMs).toBeLessThan(durationMs);
            expect(phases[i].rttMs).not.toBe(phases[i - 1].rttMs); // runs of equal latency are one phase
          }
          for (const f of fractions) {
            const t = Math.floor(f * durationMs);
            const inForce = phases.filter((p) => p.atMs <= t).at(-1)!;
            expect(inForce.rttMs).toBe(latencyAt(trace, t));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('each request waits the latency of the entry in force when it is made, then size / capacity', () => {
    // Constant 4 Mbit/s; the latency changes every 10 s: 30, 200, 0 ms.
    const file = join(dir, 'latency-steps.json');
    const entries = [
      { duration_ms: 10_000, bandwidth_kbps: 4000, latency_ms: 30 },
      { duration_ms: 10_000, bandwidth_kbps: 4000, latency_ms: 200 },
      { duration_ms: 10_000, bandwidth_kbps: 4000, latency_ms: 0 },
    ];
    writeFileSync(file, JSON.stringify(entries));
    const s = quickScenario({ traceFile: file, abr: ['throughput'], durationMs: 90_000 });
    const media: MediaSpec = { ...s.media, segmentCount: 20, segmentSizesBits: s.media.segmentSizesBits.slice(0, 20) };
    const out = simulateStreamingSession({ link: buildLinkModel(s), media, abr: fixedAbr(1), durationMs: s.durationMs });
    const segs = segments(out.timeline);
    expect(segs).toHaveLength(20);
    const latencies = new Set<number>();
    for (const g of segs) {
      const latency = entries[Math.floor((g.tMs % 30_000) / 10_000)].latency_ms;
      latencies.add(latency);
      const transferMs = (g.bytes * 8000) / 4e6;
      expect(g.downloadMs).toBeCloseTo(latency + transferMs, 6);
    }
    expect([...latencies].sort((a, b) => a - b)).toEqual([0, 30, 200]); // every latency was exercised
  });

  it('an explicit rttMs is one phase with that round trip', () => {
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify([{ duration_ms: 1000, bandwidth_kbps: 1000, latency_ms: 10 }, { duration_ms: 1000, bandwidth_kbps: 1000, latency_ms: 90 }]));
    const s = quickScenario({ traceFile: file, abr: ['bola'], rttMs: 60, durationMs: 30_000 });
    expect(s.network.map((p) => [p.name, p.down.delayMs + p.up.delayMs])).toEqual([['trace', 60]]);
  });
});

describe('stalls', () => {
  function media(segmentCount: number, over: Partial<MediaSpec>): MediaSpec {
    return {
      source: 'ladder',
      manifestFile: null,
      segmentDurationMs: 2000,
      segmentCount,
      rungs: [{ bitrateBps: 1e6, width: 640, height: 360, fps: 30 }],
      segmentSizesBits: Array.from({ length: segmentCount }, () => [2e6]),
      bufferMaxMs: 20_000,
      startupBufferMs: 2000,
      ...over,
    };
  }

  it('a stall ends when the buffer is back at the startup amount or full (one segment: the next arrival)', () => {
    // 4 Mbit/s, 2 Mbit segments of 2 s: 500 ms each; a 10 s outage at 10 s drains the small buffer.
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 4e6 }, delayMs: 0 }, [{ type: 'outage', atMs: 10_000, durationMs: 10_000, direction: 'both' }], 120_000);
    const cases = [
      { startupBufferMs: 2000, bufferMaxMs: 6000, resumeAtMs: 2000 },
      { startupBufferMs: 6000, bufferMaxMs: 6000, resumeAtMs: 6000 },
      // 7 s never fits whole 2 s segments in a 7 s buffer: playing resumes when it is full (6 s).
      { startupBufferMs: 7000, bufferMaxMs: 7000, resumeAtMs: 6000 },
    ];
    for (const c of cases) {
      const m = media(30, { startupBufferMs: c.startupBufferMs, bufferMaxMs: c.bufferMaxMs });
      const out = simulateStreamingSession({ link: buildLinkModel(s), media: m, abr: fixedAbr(0), durationMs: s.durationMs });
      expect(segments(out.timeline)).toHaveLength(30);
      const stalls = out.timeline.filter((e) => e.kind === 'stall');
      expect(stalls.length).toBeGreaterThan(0);
      const arrivals = segments(out.timeline).map((g) => ({ at: g.tMs + g.downloadMs, bufferS: g.bufferS }));
      for (const st of stalls) {
        const end = st.tMs + st.durationMs;
        const at = arrivals.find((a) => Math.abs(a.at - end) < 1e-6);
        expect(at, `a segment arrives when the stall ends at ${end}`).toBeDefined();
        expect(at!.bufferS * 1000).toBe(c.resumeAtMs);
      }
      const start = out.timeline.find((e) => e.kind === 'playback' && e.state === 'start')!;
      const first = arrivals.find((a) => Math.abs(a.at - start.tMs) < 1e-6);
      expect(first!.bufferS * 1000).toBe(c.resumeAtMs); // startup follows the same rule
    }
  });
});
