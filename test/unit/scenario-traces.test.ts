// Capacity trace parsers (Mahimahi, Sabre JSON, CSV) on small texts, format inference, and the shipped traces' means.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import {
  inferTraceFormat,
  loadTrace,
  MAHIMAHI_PACKET_BITS,
  parseCsvTrace,
  parseMahimahi,
  parseSabreNetwork,
  parseTrace,
  traceMeanBps,
} from '../../harness/scenario/traces.ts';
import type { CapacityTrace } from '../../harness/scenario/types.ts';

const TRACES = resolve(import.meta.dirname, '../../scenarios/traces');

/** Bits a saturating sender gets through in one period (integral of the step function). */
function periodBits(t: CapacityTrace): number {
  let bits = 0;
  for (let i = 0; i < t.startMs.length; i++) {
    const end = i + 1 < t.startMs.length ? t.startMs[i + 1] : t.periodMs;
    expect(end).toBeGreaterThan(t.startMs[i]); // steps are non-empty and in order
    bits += (t.bps[i] * (end - t.startMs[i])) / 1000;
  }
  return bits;
}

function issueOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ScenarioError) return err.message;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('Mahimahi', () => {
  it('an opportunity at t ms is credited to [t-1, t); repeated timestamps add up; the period is the last timestamp', () => {
    const t = parseMahimahi('1\n1\n3\n4\n4\n4\n', 'x.down');
    expect(t).toEqual({
      file: 'x.down',
      format: 'mahimahi',
      // [0,1): 2 packets; [1,2): none; [2,3): 1; [3,4): 3 -> packets per ms x 12,000 bits x 1000.
      startMs: [0, 1, 2, 3],
      bps: [2 * 12e6, 0, 12e6, 3 * 12e6],
      periodMs: 4,
    });
    expect(periodBits(t)).toBe(6 * MAHIMAHI_PACKET_BITS);
    expect(traceMeanBps(t)).toBe((6 * 12_000) / 0.004);
  });

  it('equal neighbouring rates merge into one step; gaps are 0; blank lines and CRLF are fine', () => {
    const t = parseMahimahi('1\r\n2\r\n\r\n3\r\n10\r\n', 'y');
    expect(t.startMs).toEqual([0, 3, 9]);
    expect(t.bps).toEqual([12e6, 0, 12e6]);
    expect(t.periodMs).toBe(10);
  });

  it('a timestamp 0 is credited to [0, 1)', () => {
    const t = parseMahimahi('0\n3\n', 'z');
    expect([t.startMs, t.bps, t.periodMs]).toEqual([[0, 1, 2], [12e6, 0, 12e6], 3]);
    expect(periodBits(t)).toBe(2 * MAHIMAHI_PACKET_BITS);
  });

  it('property: one period carries exactly opportunities x 12,000 bits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 300 }), (stamps) => {
        const sorted = [...stamps].sort((a, b) => a - b);
        if (sorted[sorted.length - 1] === 0) sorted.push(1);
        const t = parseMahimahi(sorted.join('\n'), 'p');
        expect(t.periodMs).toBe(sorted[sorted.length - 1]);
        expect(periodBits(t)).toBe(sorted.length * MAHIMAHI_PACKET_BITS);
      }),
    );
  });

  it('bad lines are errors with the line; order must not decrease; an empty trace is an error', () => {
    expect(issueOf(() => parseMahimahi('1\n2\n2.5\n', 'm.down'))).toBe('m.down:3: expected a Mahimahi timestamp (an integer of milliseconds), got "2.5"');
    expect(issueOf(() => parseMahimahi('1\n-2\n', 'm.down'))).toBe('m.down:2: expected a Mahimahi timestamp (an integer of milliseconds), got "-2"');
    expect(issueOf(() => parseMahimahi('5\n\n3\n', 'm.down'))).toBe('m.down:3: expected timestamps in non-decreasing order, got 3 after 5');
    expect(issueOf(() => parseMahimahi('\n\n', 'm.down'))).toBe('m.down: expected at least one Mahimahi timestamp greater than 0, got none');
    expect(issueOf(() => parseMahimahi('0\n0\n', 'm.down'))).toBe('m.down: expected at least one Mahimahi timestamp greater than 0, got none');
  });
});

describe('Sabre network JSON', () => {
  it('entries play in order: steps at cumulative durations, kbps x 1000, latency kept', () => {
    const t = parseSabreNetwork(
      '[{"duration_ms": 2000, "bandwidth_kbps": 1500, "latency_ms": 40}, {"duration_ms": 500, "bandwidth_kbps": 0, "latency_ms": 100}, {"duration_ms": 1500, "bandwidth_kbps": 800.5, "latency_ms": 60}]',
      's.json',
    );
    expect(t).toEqual({ file: 's.json', format: 'sabre', startMs: [0, 2000, 2500], bps: [1.5e6, 0, 800_500], periodMs: 4000, latencyMs: [40, 100, 60] });
    expect(periodBits(t)).toBe(1.5e6 * 2 + 800_500 * 1.5);
  });

  it('errors name the entry and the field', () => {
    expect(issueOf(() => parseSabreNetwork('{"a": 1}', 's.json'))).toBe('s.json: expected a non-empty JSON list of {duration_ms, bandwidth_kbps, latency_ms}');
    expect(issueOf(() => parseSabreNetwork('[]', 's.json'))).toBe('s.json: expected a non-empty JSON list of {duration_ms, bandwidth_kbps, latency_ms}');
    expect(issueOf(() => parseSabreNetwork('[{"duration_ms": 1, "bandwidth_kbps": -1, "latency_ms": 1}]', 's.json'))).toBe(
      's.json: [0].bandwidth_kbps: expected a number >= 0, got -1',
    );
    expect(issueOf(() => parseSabreNetwork('[{"duration_ms": 1, "bandwidth_kbps": 1, "latency_ms": 1}, {"duration_ms": 0, "bandwidth_kbps": 1, "latency_ms": 1}]', 's.json'))).toBe(
      's.json: [1].duration_ms: expected > 0, got 0',
    );
    expect(issueOf(() => parseSabreNetwork('[{"duration_ms": 1,', 's.json'))).toMatch(/^s\.json: expected Sabre network JSON \(\[\{duration_ms, bandwidth_kbps, latency_ms\}\]\), got invalid JSON: /);
  });
});

describe('CSV', () => {
  it('time_s,kbps rows: each rate holds until the next time; the last row lasts the interval before it', () => {
    const t = parseCsvTrace('time_s,kbps\n0,1000\n2,500\n2.5,3000\n', 'c.csv');
    expect(t).toEqual({ file: 'c.csv', format: 'csv', startMs: [0, 2000, 2500], bps: [1e6, 500e3, 3e6], periodMs: 3000 });
    expect(periodBits(t)).toBe(1e6 * 2 + 500e3 * 0.5 + 3e6 * 0.5);
  });

  it('times are shifted to start at 0; one row lasts 1 s; ; and tabs separate too; comments and extra columns are ignored', () => {
    expect(parseCsvTrace('# measured\n10;200;x\n12;400\n', 'c.csv')).toMatchObject({ startMs: [0, 2000], bps: [200e3, 400e3], periodMs: 4000 });
    expect(parseCsvTrace('5\t700\n', 'c.csv')).toMatchObject({ startMs: [0], bps: [700e3], periodMs: 1000 });
  });

  it('bad rows are errors with the line', () => {
    expect(issueOf(() => parseCsvTrace('t,kbps\n0,100\n1,abc\n', 'c.csv'))).toBe('c.csv:3: expected "time_s,kbps" with numbers >= 0, got "1,abc"');
    expect(issueOf(() => parseCsvTrace('0,5x\n1,100\n', 'c.csv'))).toBe('c.csv:1: expected "time_s,kbps" with numbers >= 0, got "0,5x"'); // not a header
    expect(issueOf(() => parseCsvTrace('0,\n', 'c.csv'))).toBe('c.csv:1: expected "time_s,kbps" with numbers >= 0, got "0,"'); // not 0 kbps
    expect(issueOf(() => parseCsvTrace('0,100\n1\n', 'c.csv'))).toBe('c.csv:2: expected "time_s,kbps" with numbers >= 0, got "1"');
    expect(issueOf(() => parseCsvTrace('0,100\n2,100\n1,100\n', 'c.csv'))).toBe('c.csv:3: expected increasing times (at least 1 ms apart), got 1 after 2');
    expect(issueOf(() => parseCsvTrace('0,100\n0.0002,100\n', 'c.csv'))).toBe('c.csv:2: expected increasing times (at least 1 ms apart), got 0.0002 after 0');
    expect(issueOf(() => parseCsvTrace('time,kbps\n', 'c.csv'))).toBe('c.csv: expected at least one "time_s,kbps" row, got none');
  });
});

describe('format inference', () => {
  it('by extension, then by the first character or line', () => {
    expect(inferTraceFormat('a.json', '1\n')).toBe('sabre');
    expect(inferTraceFormat('a.JSON', '')).toBe('sabre');
    expect(inferTraceFormat('a.csv', '1\n2\n')).toBe('csv');
    expect(inferTraceFormat('a.down', '  [{"duration_ms": 1}]')).toBe('sabre');
    expect(inferTraceFormat('a.down', 'time_s,kbps\n0,1\n')).toBe('csv');
    expect(inferTraceFormat('a.txt', '0\t100\n')).toBe('csv');
    expect(inferTraceFormat('a.up', '1\n2\n')).toBe('mahimahi');
    expect(inferTraceFormat('trace', '')).toBe('mahimahi');
  });

  it('parseTrace follows the inference unless a format is given', () => {
    expect(parseTrace('0,100\n1,200\n', 'x').format).toBe('csv');
    expect(() => parseTrace('0,100\n', 'x', 'mahimahi')).toThrow('x:1: expected a Mahimahi timestamp');
  });

  it('loadTrace names the file it could not read', () => {
    const missing = join(TRACES, 'no-such.down');
    expect(issueOf(() => loadTrace(missing))).toBe(`${missing}: expected a readable trace file, got ENOENT`);
  });
});

describe('shipped traces', () => {
  // Mean rates as stated in scenarios/traces/ATTRIBUTION.md, recomputed from the files.
  const stated: [string, number][] = [
    ['Verizon-LTE-short.down', 5.03],
    ['Verizon-LTE-short.up', 5.95],
    ['ATT-LTE-driving-2016.down', 4.56],
    ['ATT-LTE-driving-2016.up', 1.91],
    ['TMobile-UMTS-driving.down', 2.02],
    ['TMobile-UMTS-driving.up', 0.94],
  ];

  for (const [name, mbps] of stated) {
    it(`${name}: mean ${mbps} Mbps, equal to opportunities x 1500 B / last timestamp`, () => {
      const file = join(TRACES, name);
      const trace = loadTrace(file);
      expect(trace.format).toBe('mahimahi');
      expect(Math.round(traceMeanBps(trace) / 1e4) / 100).toBe(mbps);
      // Mahimahi's own accounting, counted here from the raw lines.
      const stamps = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
      const last = Number(stamps[stamps.length - 1]);
      expect(trace.periodMs).toBe(last);
      expect(traceMeanBps(trace)).toBeCloseTo((stamps.length * MAHIMAHI_PACKET_BITS * 1000) / last, 6);
    });
  }

  it('the stated lengths: Verizon 140 s, AT&T 120 s, T-Mobile 928 s (downlink)', () => {
    expect(Math.round(loadTrace(join(TRACES, 'Verizon-LTE-short.down')).periodMs / 1000)).toBe(140);
    expect(Math.round(loadTrace(join(TRACES, 'ATT-LTE-driving-2016.down')).periodMs / 1000)).toBe(120);
    expect(Math.round(loadTrace(join(TRACES, 'TMobile-UMTS-driving.down')).periodMs / 1000)).toBe(928);
  });

  it('the Sabre example: 70 s, mean weighted by duration', () => {
    const t = loadTrace(join(TRACES, 'example-sabre-network.json'));
    expect(t.format).toBe('sabre');
    expect(t.periodMs).toBe(70_000);
    expect(traceMeanBps(t)).toBeCloseTo((6000e3 * 20 + 1500e3 * 10 + 3500e3 * 15 + 400e3 * 5 + 5000e3 * 20) / 70, 6);
  });
});
