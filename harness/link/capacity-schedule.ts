// Compiled piecewise-constant capacity with prefix sums of bits (netqoe DESIGN.md, "harness/link"; trace
// semantics as in Mahimahi's link shell: a trace is read from an offset and wraps around when it loops).
//
// The schedule covers [0, horizonMs] step by step (horizonMs = max(durationMs, last event or phase change,
// the end of a non-looping trace read by the last phase)). After horizonMs the settings in force there keep
// going: a looping trace keeps wrapping (stored as one period that repeats), a non-looping trace has ended
// (0), a constant stays. Before 0 the capacity is 0. Outages are 0-capacity stretches.
// Every query is a binary search: O(log steps).

import type { CapacityTrace, Direction, Scenario } from '../scenario/types.ts';
import { buildSettingsTimeline, type SettingsSegment, type SettingsTimeline } from './settings-timeline.ts';

/** Growable step list that merges equal neighbours and zero-length steps. */
class StepBuilder {
  startMs: number[] = [];
  bps: number[] = [];

  push(tMs: number, bps: number): void {
    const n = this.startMs.length;
    if (n > 0 && this.startMs[n - 1] === tMs) {
      // A zero-length step: the new value replaces it (then it may equal its predecessor).
      this.bps[n - 1] = bps;
      if (n > 1 && this.bps[n - 2] === bps) {
        this.startMs.pop();
        this.bps.pop();
      }
      return;
    }
    if (n > 0 && this.bps[n - 1] === bps) return;
    this.startMs.push(tMs);
    this.bps.push(bps);
  }
}

/** Steps (startMs, bps) plus a sentinel end and cumulative bits at each start; cumBits[n] is the total. */
interface StepTable {
  startMs: Float64Array;
  bps: Float64Array;
  cumBits: Float64Array;
  /** Number of steps (arrays of start and cum have n + 1 entries: index n is the end). */
  n: number;
}

function toTable(b: StepBuilder, endMs: number): StepTable {
  const n = b.startMs.length;
  const startMs = new Float64Array(n + 1);
  const bps = new Float64Array(n + 1);
  const cumBits = new Float64Array(n + 1);
  let cum = 0;
  for (let i = 0; i < n; i++) {
    startMs[i] = b.startMs[i];
    bps[i] = b.bps[i];
    cumBits[i] = cum;
    const next = i + 1 < n ? b.startMs[i + 1] : endMs;
    cum += (b.bps[i] * (next - b.startMs[i])) / 1000;
  }
  startMs[n] = endMs;
  cumBits[n] = cum;
  return { startMs, bps, cumBits, n };
}

/** Last index i in [0, n-1] with startMs[i] <= t (t within the table's span). */
function stepIndexAt(table: StepTable, t: number): number {
  const s = table.startMs;
  let lo = 0;
  let hi = table.n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Bits from the table's start to t, for t in [startMs[0], end]. */
function bitsAt(table: StepTable, t: number): number {
  const i = stepIndexAt(table, t);
  return table.cumBits[i] + (table.bps[i] * (t - table.startMs[i])) / 1000;
}

/** Earliest t with bitsAt(t) >= targetBits, for 0 < targetBits <= total. */
function timeForBits(table: StepTable, targetBits: number): number {
  const c = table.cumBits;
  // First j with cumBits[j] >= target; the target is reached inside step j - 1, which must have bps > 0.
  let lo = 1;
  let hi = table.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid] >= targetBits) hi = mid;
    else lo = mid + 1;
  }
  const i = lo - 1;
  const t = table.startMs[i] + ((targetBits - c[i]) * 1000) / table.bps[i];
  return Math.min(t, table.startMs[lo]);
}

/**
 * Append the steps of a trace read from trace position posMs at time tStartMs until tEndMs,
 * rates multiplied by `mult`. Non-looping: 0 before the trace's start and after its end.
 * Before the first step's startMs (if it is > 0) a pass has capacity 0.
 */
function appendTraceSteps(
  out: StepBuilder,
  trace: CapacityTrace,
  loop: boolean,
  mult: number,
  tStartMs: number,
  tEndMs: number,
  posMs: number,
): void {
  const period = trace.periodMs;
  const starts = trace.startMs;
  const rates = trace.bps;
  const n = starts.length;
  if (!(period > 0) || n === 0) {
    out.push(tStartMs, 0);
    return;
  }
  let t = tStartMs;
  let pos = posMs;
  if (loop) {
    pos = pos - Math.floor(pos / period) * period;
  } else {
    if (pos < 0) {
      out.push(t, 0);
      t -= pos;
      pos = 0;
      if (t >= tEndMs) return;
    }
    if (pos >= period) {
      out.push(t, 0);
      return;
    }
  }
  const lastAtOrBefore = (p: number): number => {
    let lo = -1;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const firstOfPass = lastAtOrBefore(0);
  // base = the absolute time of trace position 0 in the current pass.
  let base = t - pos;
  let i = lastAtOrBefore(pos);
  while (t < tEndMs) {
    out.push(t, i < 0 ? 0 : rates[i] * mult);
    const nextPos = i + 1 < n ? Math.min(starts[i + 1], period) : period;
    if (nextPos < period) {
      i++;
      t = base + nextPos;
      continue;
    }
    if (!loop) {
      if (base + period < tEndMs) out.push(base + period, 0);
      return;
    }
    base += period;
    i = firstOfPass;
    t = base;
  }
}

export class CapacitySchedule {
  readonly direction: Direction;
  /** Where the step table ends and the repeating tail begins. */
  readonly horizonMs: number;
  private readonly body: StepTable;
  private readonly tail: StepTable;
  private readonly tailPeriodMs: number;
  private readonly bodyBits: number;

  constructor(direction: Direction, horizonMs: number, body: StepTable, tail: StepTable, tailPeriodMs: number) {
    this.direction = direction;
    this.horizonMs = horizonMs;
    this.body = body;
    this.tail = tail;
    this.tailPeriodMs = tailPeriodMs;
    this.bodyBits = body.cumBits[body.n];
  }

  /** Number of steps in [0, horizonMs] (for benchmarks and charts). */
  get stepCount(): number {
    return this.body.n;
  }

  capacityBpsAt(tMs: number): number {
    if (!(tMs >= 0)) return 0;
    if (tMs < this.horizonMs) return this.body.bps[stepIndexAt(this.body, tMs)];
    const r = (tMs - this.horizonMs) % this.tailPeriodMs;
    return this.tail.bps[stepIndexAt(this.tail, r)];
  }

  /** Bits a saturating sender gets through in [0, tMs]. */
  cumulativeBits(tMs: number): number {
    if (!(tMs > 0)) return 0;
    if (tMs <= this.horizonMs) return bitsAt(this.body, tMs);
    if (tMs === Infinity) return this.tail.cumBits[this.tail.n] > 0 ? Infinity : this.bodyBits;
    const d = tMs - this.horizonMs;
    const k = Math.floor(d / this.tailPeriodMs);
    const r = d - k * this.tailPeriodMs;
    return this.bodyBits + k * this.tail.cumBits[this.tail.n] + bitsAt(this.tail, r);
  }

  deliverableBytes(t0Ms: number, t1Ms: number): number {
    if (!(t1Ms > t0Ms)) return 0;
    return Math.max(0, (this.cumulativeBits(t1Ms) - this.cumulativeBits(t0Ms)) / 8);
  }

  /** Earliest t1 >= t0Ms with deliverableBytes(t0Ms, t1) >= bytes; Infinity if the capacity never gets there. */
  timeToDeliverMs(t0Ms: number, bytes: number): number {
    const t0 = Math.max(0, t0Ms);
    if (!(bytes > 0)) return t0Ms;
    const target = this.cumulativeBits(t0) + bytes * 8;
    let t: number;
    if (target <= this.bodyBits) {
      t = timeForBits(this.body, target);
    } else {
      const perPeriod = this.tail.cumBits[this.tail.n];
      if (!(perPeriod > 0)) return Infinity;
      const need = target - this.bodyBits;
      // Whole periods first; the remainder in (0, perPeriod] is found inside one period.
      const k = Math.max(0, Math.ceil(need / perPeriod) - 1);
      const rest = Math.min(perPeriod, Math.max(need - k * perPeriod, Number.MIN_VALUE));
      t = this.horizonMs + k * this.tailPeriodMs + timeForBits(this.tail, rest);
    }
    return Math.max(t, t0Ms);
  }

  /** Times in [0, horizonMs) where the capacity changes (the step starts). */
  stepStartsMs(): Float64Array {
    return this.body.startMs.subarray(0, this.body.n);
  }
}

function segmentRateMultiplier(seg: SettingsSegment): number | { constantBps: number } {
  if (seg.outage) return { constantBps: 0 };
  const cap = seg.spec.capacity;
  if (seg.capacityReplaceBps !== null) return { constantBps: seg.capacityReplaceBps * seg.capacityFactor };
  if (cap.kind === 'constant') return { constantBps: cap.bps * seg.capacityFactor };
  return cap.scale * seg.capacityFactor;
}

/** Where the compiled table must reach so that what follows is one repeating pattern. */
function horizonFor(scenario: Scenario, timeline: SettingsTimeline): number {
  let h = Math.max(scenario.durationMs, timeline.lastChangeMs);
  const last = timeline.segments[timeline.segments.length - 1];
  const cap = last.spec.capacity;
  if (!last.outage && last.capacityReplaceBps === null && cap.kind === 'trace' && !cap.loop) {
    // A non-looping trace: compile up to its end, after which it is 0 forever.
    h = Math.max(h, last.phaseStartMs + (cap.trace.periodMs - cap.offsetMs));
  }
  return h;
}

export function compileScheduleFromTimeline(scenario: Scenario, timeline: SettingsTimeline): CapacitySchedule {
  const horizonMs = horizonFor(scenario, timeline);
  const body = new StepBuilder();
  for (const seg of timeline.segments) {
    if (seg.startMs >= horizonMs) break;
    const end = Math.min(seg.endMs, horizonMs);
    const m = segmentRateMultiplier(seg);
    if (typeof m !== 'number') {
      body.push(seg.startMs, m.constantBps);
      continue;
    }
    const cap = seg.spec.capacity;
    if (cap.kind !== 'trace') throw new Error('unreachable: multiplier for a constant capacity');
    appendTraceSteps(body, cap.trace, cap.loop, m, seg.startMs, end, cap.offsetMs + (seg.startMs - seg.phaseStartMs));
  }
  if (body.startMs.length === 0) body.push(0, 0);

  // The tail: one repeating pattern of what is in force at the horizon.
  const last = timeline.segments[timeline.segments.length - 1];
  const tail = new StepBuilder();
  let tailPeriodMs = 1000;
  const m = segmentRateMultiplier(last);
  const cap = last.spec.capacity;
  if (typeof m !== 'number') tail.push(0, m.constantBps);
  else if (cap.kind === 'trace' && cap.loop && cap.trace.periodMs > 0) {
    tailPeriodMs = cap.trace.periodMs;
    appendTraceSteps(tail, cap.trace, true, m, 0, tailPeriodMs, cap.offsetMs + (horizonMs - last.phaseStartMs));
  } else tail.push(0, 0);
  return new CapacitySchedule(timeline.direction, horizonMs, toTable(body, horizonMs), toTable(tail, tailPeriodMs), tailPeriodMs);
}

/** Compile one direction's capacity (reusable across any number of link models of the same scenario). */
export function compileCapacity(scenario: Scenario, direction: Direction): CapacitySchedule {
  return compileScheduleFromTimeline(scenario, buildSettingsTimeline(scenario, direction));
}
