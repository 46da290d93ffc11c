// Reading a RunResult's timeline defensively: results.json may come from newer modes with other event kinds.
// Pure and DOM-free: the report page runs it, and the server side imports it for labels and colours.
import type { ResultsFile, RunResult } from '../../harness/run/types.ts';

export interface SegmentPoint {
  tMs: number;
  index: number;
  quality: number;
  bitrateBps: number;
  bytes: number;
  downloadMs: number;
  bufferS: number;
  reason: string;
}
export interface CapacityPoint {
  tMs: number;
  bps: number;
}
export interface BufferPoint {
  tMs: number;
  bufferS: number;
}
export interface StallSpan {
  tMs: number;
  durationMs: number;
}
export interface NetworkMark {
  tMs: number;
  type: string;
  durationMs: number | null;
  detail: string;
}

/** A bandwidth-estimation sample: what the link allowed and what the estimator did. */
export interface BwePoint {
  tMs: number;
  capacityBps: number;
  targetBps: number;
  sentBps: number;
  deliveredBps: number;
  queueDelayMs: number;
  lossRate: number;
  reason: string;
}

/** What the charts draw for one run; each list may be empty. */
export interface RunSeries {
  bwe: BwePoint[];
  capacityDown: CapacityPoint[];
  segments: SegmentPoint[];
  buffer: BufferPoint[];
  stalls: StallSpan[];
  network: NetworkMark[];
  /** Last time anything happened, for the x domain. */
  endMs: number;
}

/** Algorithm colours: no red (stalls are red) and no purple (the buffer line is purple). */
export const ALGORITHM_PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function runLabel(run: Pick<RunResult, 'algorithms'>): string {
  const a = run.algorithms ?? {};
  const parts = [a.abr, a.bwe, a.iceRestart].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length ? parts.join(' + ') : 'default';
}

/** One colour per algorithm label, in order of first appearance, the same in every chart and table. */
export function algorithmColors(results: Pick<ResultsFile, 'runs'>): Map<string, string> {
  const colors = new Map<string, string>();
  for (const run of results.runs) {
    const label = runLabel(run);
    if (!colors.has(label)) colors.set(label, ALGORITHM_PALETTE[colors.size % ALGORITHM_PALETTE.length]);
  }
  return colors;
}

/** Scenario names in order of first appearance among the runs, then any scenario without runs. */
export function scenarioOrder(results: Pick<ResultsFile, 'runs' | 'scenarios'>): string[] {
  const names: string[] = [];
  for (const run of results.runs) if (!names.includes(run.scenario)) names.push(run.scenario);
  for (const s of results.scenarios ?? []) if (!names.includes(s.name)) names.push(s.name);
  return names;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
}

/** Splits a timeline into what the charts know; unknown kinds and malformed events are skipped, never thrown on. */
export function runSeries(timeline: readonly unknown[]): RunSeries {
  const series: RunSeries = { bwe: [], capacityDown: [], segments: [], buffer: [], stalls: [], network: [], endMs: 0 };
  for (const raw of Array.isArray(timeline) ? timeline : []) {
    const e = asRecord(raw);
    if (!e || !isFiniteNumber(e.tMs)) continue;
    const tMs = e.tMs;
    switch (e.kind) {
      case 'capacity':
        if (e.direction === 'down' && isFiniteNumber(e.bps)) series.capacityDown.push({ tMs, bps: e.bps });
        break;
      case 'segment':
        if (isFiniteNumber(e.bitrateBps)) {
          series.segments.push({
            tMs,
            index: isFiniteNumber(e.index) ? e.index : series.segments.length,
            quality: isFiniteNumber(e.quality) ? e.quality : -1,
            bitrateBps: e.bitrateBps,
            bytes: isFiniteNumber(e.bytes) ? e.bytes : 0,
            downloadMs: isFiniteNumber(e.downloadMs) ? e.downloadMs : 0,
            bufferS: isFiniteNumber(e.bufferS) ? e.bufferS : NaN,
            reason: typeof e.reason === 'string' ? e.reason : '',
          });
        }
        break;
      case 'buffer':
        if (isFiniteNumber(e.bufferS)) series.buffer.push({ tMs, bufferS: e.bufferS });
        break;
      case 'bwe':
        if (isFiniteNumber(e.capacityBps) && isFiniteNumber(e.targetBps)) {
          series.bwe.push({
            tMs,
            capacityBps: e.capacityBps,
            targetBps: e.targetBps,
            sentBps: isFiniteNumber(e.sentBps) ? e.sentBps : NaN,
            deliveredBps: isFiniteNumber(e.deliveredBps) ? e.deliveredBps : NaN,
            queueDelayMs: isFiniteNumber(e.queueDelayMs) ? e.queueDelayMs : NaN,
            lossRate: isFiniteNumber(e.lossRate) ? e.lossRate : NaN,
            reason: typeof e.reason === 'string' ? e.reason : '',
          });
        }
        break;
      case 'stall':
        if (isFiniteNumber(e.durationMs)) series.stalls.push({ tMs, durationMs: e.durationMs });
        break;
      case 'network':
        series.network.push({
          tMs,
          type: typeof e.type === 'string' ? e.type : 'event',
          durationMs: isFiniteNumber(e.durationMs) ? e.durationMs : null,
          detail: typeof e.detail === 'string' ? e.detail : '',
        });
        break;
      default:
        continue;
    }
    series.endMs = Math.max(series.endMs, tMs + spanOf(e));
  }
  const byTime = (a: { tMs: number }, b: { tMs: number }) => a.tMs - b.tMs;
  series.bwe.sort(byTime);
  series.capacityDown.sort(byTime);
  series.segments.sort(byTime);
  series.buffer.sort(byTime);
  series.stalls.sort(byTime);
  series.network.sort(byTime);
  return series;
}

function spanOf(e: Record<string, unknown>): number {
  if (e.kind === 'segment' && isFiniteNumber(e.downloadMs)) return e.downloadMs;
  if ((e.kind === 'stall' || e.kind === 'network') && isFiniteNumber(e.durationMs)) return e.durationMs;
  return 0;
}

/** Empirical CDF of chosen bitrates as step points (x = bitrate, y = fraction of segments at or below it). */
export function bitrateCdf(segments: readonly SegmentPoint[]): { bps: number; fraction: number }[] {
  const sorted = segments.map((s) => s.bitrateBps).sort((a, b) => a - b);
  const points: { bps: number; fraction: number }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    // One point per distinct value, at the fraction after its last occurrence.
    if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
    points.push({ bps: sorted[i], fraction: (i + 1) / sorted.length });
  }
  return points;
}

/** The segment whose step covers tMs (the last one requested at or before it), or null before the first. */
export function segmentAt(segments: readonly SegmentPoint[], tMs: number): SegmentPoint | null {
  let lo = 0;
  let hi = segments.length - 1;
  let found: SegmentPoint | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].tMs <= tMs) {
      found = segments[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
