// Capacity traces: Mahimahi (packet-delivery opportunities), Sabre network JSON, CSV (time_s,kbps).
// All become a piecewise-constant CapacityTrace; the link model compiles it.

import { readFileSync } from 'node:fs';
import type { CapacityTrace } from './types.ts';
import { ScenarioError } from './errors.ts';

export type TraceFormat = CapacityTrace['format'];

/** Mahimahi: each opportunity carries one 1500-byte packet (the MTU Mahimahi's link shell assumes). */
export const MAHIMAHI_PACKET_BITS = 1500 * 8;

function traceError(file: string, line: number | null, message: string): ScenarioError {
  return new ScenarioError([{ file, line, path: '', message }]);
}

/**
 * Mahimahi: one integer millisecond per line, one 1500-byte delivery opportunity each; a repeated
 * timestamp is several packets in that millisecond. The trace repeats with a period of its last
 * timestamp. An opportunity at t is credited to the millisecond [t-1, t) (what may be delivered by
 * t), so one period's integral is exactly opportunities x 12,000 bits and the mean rate matches
 * Mahimahi's own accounting (opportunities x 1500 B / last timestamp).
 */
export function parseMahimahi(text: string, file: string): CapacityTrace {
  const counts: number[] = [];
  let last = -1;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '') continue;
    if (!/^\d+$/.test(s)) throw traceError(file, i + 1, `expected a Mahimahi timestamp (an integer of milliseconds), got ${JSON.stringify(s)}`);
    const t = Number(s);
    if (t < last) throw traceError(file, i + 1, `expected timestamps in non-decreasing order, got ${t} after ${last}`);
    last = t;
    const slot = Math.max(0, t - 1);
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  if (last <= 0) throw traceError(file, null, 'expected at least one Mahimahi timestamp greater than 0, got none');
  const startMs: number[] = [];
  const bps: number[] = [];
  for (let ms = 0; ms < last; ms++) {
    const rate = (counts[ms] ?? 0) * MAHIMAHI_PACKET_BITS * 1000;
    if (bps.length === 0 || bps[bps.length - 1] !== rate) {
      startMs.push(ms);
      bps.push(rate);
    }
  }
  return { file, format: 'mahimahi', startMs, bps, periodMs: last };
}

/** Sabre network trace: [{duration_ms, bandwidth_kbps, latency_ms}], played in order and repeated. */
export function parseSabreNetwork(text: string, file: string): CapacityTrace {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw traceError(file, null, `expected Sabre network JSON ([{duration_ms, bandwidth_kbps, latency_ms}]), got invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data) || data.length === 0) throw traceError(file, null, 'expected a non-empty JSON list of {duration_ms, bandwidth_kbps, latency_ms}');
  const startMs: number[] = [];
  const bps: number[] = [];
  const latencyMs: number[] = [];
  let t = 0;
  data.forEach((e: unknown, i) => {
    const o = e as Record<string, unknown>;
    for (const k of ['duration_ms', 'bandwidth_kbps', 'latency_ms'] as const) {
      if (typeof o?.[k] !== 'number' || !((o[k] as number) >= 0)) {
        throw traceError(file, null, `[${i}].${k}: expected a number >= 0, got ${JSON.stringify(o?.[k])}`);
      }
    }
    if ((o.duration_ms as number) <= 0) throw traceError(file, null, `[${i}].duration_ms: expected > 0, got ${o.duration_ms}`);
    startMs.push(t);
    bps.push((o.bandwidth_kbps as number) * 1000);
    latencyMs.push(o.latency_ms as number);
    t += o.duration_ms as number;
  });
  return { file, format: 'sabre', startMs, bps, periodMs: t, latencyMs };
}

/**
 * CSV: `time_s,kbps` rows (an optional header line, `#` comments; `,`, `;` or tab between cells; more
 * columns are ignored); times are shifted so the first row is at 0; each rate holds until the next
 * row's time, and the last row lasts as long as the interval before it (1 s if there is only one row).
 */
export function parseCsvTrace(text: string, file: string): CapacityTrace {
  const rows: { t: number; kbps: number; line: number }[] = [];
  let header = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '' || s.startsWith('#')) continue;
    const cells = s.split(/[,;\t]/).map((c) => c.trim());
    // A header names its columns: no cell of it is a number ("0,5x" is a bad row, not a header).
    if (rows.length === 0 && !header && cells.every((c) => c === '' || Number.isNaN(Number(c)))) {
      header = true;
      continue;
    }
    // Number('') is 0: an empty cell must not read as 0 kbps.
    const [t, kbps] = cells.slice(0, 2).map((c) => (c === '' ? Number.NaN : Number(c)));
    if (cells.length < 2 || !Number.isFinite(t) || !Number.isFinite(kbps) || t < 0 || kbps < 0) {
      throw traceError(file, i + 1, `expected "time_s,kbps" with numbers >= 0, got ${JSON.stringify(s)}`);
    }
    // Steps are whole milliseconds: two rows in the same millisecond would make an empty step.
    if (rows.length && Math.round(t * 1000) <= Math.round(rows[rows.length - 1].t * 1000)) {
      throw traceError(file, i + 1, `expected increasing times (at least 1 ms apart), got ${t} after ${rows[rows.length - 1].t}`);
    }
    rows.push({ t, kbps, line: i + 1 });
  }
  if (rows.length === 0) throw traceError(file, null, 'expected at least one "time_s,kbps" row, got none');
  const t0 = rows[0].t;
  const startMs = rows.map((r) => Math.round((r.t - t0) * 1000));
  const lastLenMs = rows.length > 1 ? startMs[rows.length - 1] - startMs[rows.length - 2] : 1000;
  return { file, format: 'csv', startMs, bps: rows.map((r) => r.kbps * 1000), periodMs: startMs[rows.length - 1] + lastLenMs };
}

export function inferTraceFormat(file: string, text: string): TraceFormat {
  if (/\.json$/i.test(file)) return 'sabre';
  if (/\.csv$/i.test(file)) return 'csv';
  const first = text.trimStart();
  if (first.startsWith('[')) return 'sabre';
  if (/^[^\n]*[,;\t]/.test(first)) return 'csv';
  return 'mahimahi';
}

export function parseTrace(text: string, file: string, format?: TraceFormat): CapacityTrace {
  switch (format ?? inferTraceFormat(file, text)) {
    case 'mahimahi':
      return parseMahimahi(text, file);
    case 'sabre':
      return parseSabreNetwork(text, file);
    case 'csv':
      return parseCsvTrace(text, file);
  }
}

/** Reads and parses a trace; errors name the file (and line for line-based formats). */
export function loadTrace(path: string, format?: TraceFormat): CapacityTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw traceError(path, null, `expected a readable trace file, got ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseTrace(text, path, format);
}

/** Mean rate over one period. */
export function traceMeanBps(trace: CapacityTrace): number {
  let bits = 0;
  for (let i = 0; i < trace.startMs.length; i++) {
    const end = i + 1 < trace.startMs.length ? trace.startMs[i + 1] : trace.periodMs;
    bits += (trace.bps[i] * (end - trace.startMs[i])) / 1000;
  }
  return (bits * 1000) / trace.periodMs;
}
