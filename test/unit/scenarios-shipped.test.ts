// Every shipped scenario parses with the registry's algorithm names; `netqoe run --trace` scenarios build.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abrNames } from '../../algorithms/abr/registry.ts';
import { DEFAULT_LADDER } from '../../harness/scenario/media.ts';
import { loadScenario, quickScenario } from '../../harness/scenario/parse.ts';
import { traceMeanBps } from '../../harness/scenario/traces.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../scenarios');
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

describe('shipped scenarios', () => {
  it('there are some', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const f of files) {
    it(`${f} parses with the registry's ABR names`, () => {
      const s = loadScenario(join(SCENARIOS, f), { abrNames: abrNames() });
      expect(s.name).toBe(f.replace(/\.yaml$/, ''));
      expect(s.description).not.toBe('');
      expect(s.network[0].atMs).toBe(0);
      for (const a of s.algorithms.abr) expect(abrNames()).toContain(a);
      expect(s.expect.length).toBeGreaterThan(0);
      // A trace phase's description figure ("4.56 Mbps mean", "2 Mbps mean") is the trace's mean.
      const stated = /(\d+(?:\.\d+)?) Mbps mean/.exec(s.description);
      if (stated) {
        const cap = s.network.find((p) => p.down.capacity.kind === 'trace')?.down.capacity;
        if (cap?.kind !== 'trace') throw new Error(`${f}: states a mean but has no trace phase`);
        const decimals = stated[1].split('.')[1]?.length ?? 0;
        expect((traceMeanBps(cap.trace) * cap.scale) / 1e6).toBeCloseTo(Number(stated[1]), decimals);
      }
    });
  }

  it('the handover scenario: WiFi phases, then LTE entered by the handover', () => {
    const s = loadScenario(join(SCENARIOS, 'wifi-to-4g-handover.yaml'), { abrNames: abrNames() });
    expect(s.network.map((p) => [p.name, p.atMs])).toEqual([
      ['office-wifi', 0],
      ['wifi-fading', 50_000],
      ['wifi-edge', 62_000],
      ['lte', null],
    ]);
    expect(s.events).toEqual([{ type: 'handover', atMs: 70_000, to: 'lte', outageMs: 1500, addressChange: true }]);
    expect(s.network[3].down.capacity).toMatchObject({ kind: 'trace', offsetMs: 5000, loop: true, trace: { format: 'mahimahi' } });
  });
});

describe('quickScenario (netqoe run --trace)', () => {
  it('a Mahimahi trace: the trace downlink, a default ladder, one pass of the trace (at least 60 s)', () => {
    const traceFile = join(SCENARIOS, 'traces/ATT-LTE-driving-2016.down');
    const s = quickScenario({ traceFile, abr: ['bba', 'bola'] });
    expect(s.name).toBe('ATT-LTE-driving-2016.down');
    expect(s.durationMs).toBe(120_002); // one pass of the trace
    expect(s.seed).toBe(1);
    expect(s.algorithms).toEqual({ abr: ['bba', 'bola'], bwe: [], iceRestart: [] });
    const p = s.network[0];
    expect(p.atMs).toBe(0);
    expect(p.down.capacity).toMatchObject({ kind: 'trace', scale: 1, offsetMs: 0, loop: true, trace: { format: 'mahimahi', periodMs: 120_002 } });
    expect(p.down.delayMs).toBe(20); // 40 ms RTT without latencies in the trace
    if (p.down.capacity.kind !== 'trace') throw new Error('expected a trace');
    expect(p.up.capacity).toEqual({ kind: 'constant', bps: Math.max(1e6, traceMeanBps(p.down.capacity.trace)) });
    expect(s.media.source).toBe('ladder');
    expect(s.media.rungs).toEqual(DEFAULT_LADDER);
    expect(s.media.segmentCount).toBe(Math.ceil(120_002 / 4000));
  });

  it("the Sabre example trace with the example manifest: the manifest media, RTT from each entry's latency, video + 60 s", () => {
    const s = quickScenario({
      traceFile: join(SCENARIOS, 'traces/example-sabre-network.json'),
      manifestFile: join(SCENARIOS, 'manifests/example-movie.json'),
      abr: ['robust-mpc'],
      seed: 7,
    });
    expect(s.seed).toBe(7);
    expect(s.media.source).toBe('manifest');
    expect(s.media.segmentCount).toBe(60);
    expect(s.durationMs).toBe(60 * 4000 + 60_000);
    // Sabre applies each entry's latency to the requests made during it: one phase per latency (RTT =
    // latency), under one looping 70 s trace, for the whole session.
    expect(s.network.slice(0, 6).map((p) => [p.atMs, p.down.delayMs + p.up.delayMs])).toEqual([
      [0, 40], [20_000, 80], [30_000, 60], [45_000, 150], [50_000, 50], [70_000, 40],
    ]);
    expect(s.network.at(-1)!.atMs).toBeLessThan(s.durationMs);
    for (const p of s.network) expect(p.down.capacity).toMatchObject({ kind: 'trace', offsetMs: p.atMs! % 70_000, loop: true });
    expect(s.description).toBe('trace example-sabre-network.json with manifest example-movie.json');
    expect(quickScenario({ traceFile: join(SCENARIOS, 'traces/example-sabre-network.json'), abr: ['bba'], rttMs: 100, durationMs: 30_000 })).toMatchObject({
      durationMs: 30_000,
      network: [{ down: { delayMs: 50 }, up: { delayMs: 50 } }],
    });
  });
});
