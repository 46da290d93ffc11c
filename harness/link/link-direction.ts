// One direction of the link, packet by packet: outage check, random loss at enqueue, drop-tail queue,
// FIFO service at the compiled capacity, then propagation delay + jitter (netqoe DESIGN.md, "harness/link";
// stage order as Linux netem + a rate limiter, Mahimahi's link shell for trace-driven service).

import type { Direction } from '../scenario/types.ts';
import type { DropCause, LinkDirection, LinkState, Packet, SendResult } from './types.ts';
import type { CapacitySchedule } from './capacity-schedule.ts';
import { sampleJitterMs } from './jitter.ts';
import { createLossDecider, type LossDecider } from './loss-models.ts';
import { createRng, type Rng } from './prng.ts';
import {
  longRunLossRate,
  segmentIndexAt,
  settingsDiffer,
  type SettingsSegment,
  type SettingsTimeline,
} from './settings-timeline.ts';

/** The seed-independent part of a direction: compile once, share between any number of link models. */
export interface CompiledDirection {
  direction: Direction;
  timeline: SettingsTimeline;
  capacity: CapacitySchedule;
  /** Filled on first use by changePointsMs(). */
  changePointsCache?: number[];
}

export interface DirectionCounters {
  sent: number;
  delivered: number;
  dropped: Record<DropCause, number>;
}

const DROPPED_OUTAGE: SendResult = Object.freeze({ dropped: 'outage' });
const DROPPED_LOSS: SendResult = Object.freeze({ dropped: 'loss' });
const DROPPED_QUEUE: SendResult = Object.freeze({ dropped: 'queue' });

export class SimulatedLinkDirection implements LinkDirection {
  readonly direction: Direction;
  /** The seed-independent schedules (the TCP loss timeline reads them: tcp-loss-timeline.ts). */
  readonly compiled: CompiledDirection;
  private readonly segments: SettingsSegment[];
  private readonly outages: { startMs: number; endMs: number }[];
  private readonly capacity: CapacitySchedule;
  readonly seed: number;
  private readonly jitterRng: Rng;
  private readonly deciders = new Map<string, LossDecider>();

  // Packet-path state. Arrival and departure times are both non-decreasing, so each has a cursor.
  private lastArrivalMs = -Infinity;
  private lastDepartureMs = -Infinity;
  private lastDeliveredMs = -Infinity;
  private arrivalSeg = 0;
  private departureSeg = 0;
  private outageCursor = 0;
  /** Packets accepted and not yet fully sent (the one in service included): a FIFO of departures and sizes. */
  private queueDepartureMs: number[] = [];
  private queueBytes: number[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private readonly counters: DirectionCounters = { sent: 0, delivered: 0, dropped: { queue: 0, loss: 0, outage: 0 } };

  constructor(compiled: CompiledDirection, seed: number) {
    this.direction = compiled.direction;
    this.compiled = compiled;
    this.segments = compiled.timeline.segments;
    this.outages = compiled.timeline.outages;
    this.capacity = compiled.capacity;
    this.seed = seed;
    this.jitterRng = createRng(seed, `${this.direction}/jitter`);
  }

  capacityBpsAt(tMs: number): number {
    return this.capacity.capacityBpsAt(tMs);
  }

  /**
   * The settings in force at tMs. In an outage capacityBps is 0 and inOutage true; lossRate stays the loss
   * model's long-run rate (what the path loses when it is up). During a handover's outage the phase is the
   * one being left; the target phase is reported from atMs + outageMs.
   */
  stateAt(tMs: number): LinkState {
    const seg = this.segments[segmentIndexAt(this.compiled.timeline, tMs)];
    return {
      phase: seg.phase.name,
      capacityBps: this.capacity.capacityBpsAt(tMs),
      delayMs: seg.spec.delayMs,
      jitterMs: seg.spec.jitter.ms,
      lossRate: longRunLossRate(seg.loss),
      inOutage: seg.outage,
    };
  }

  /** One-way propagation delay in force at tMs (no queueing, no jitter). */
  delayMsAt(tMs: number): number {
    return this.segments[segmentIndexAt(this.compiled.timeline, tMs)].spec.delayMs;
  }

  deliverableBytes(t0Ms: number, t1Ms: number): number {
    return this.capacity.deliverableBytes(t0Ms, t1Ms);
  }

  timeToDeliverMs(t0Ms: number, bytes: number): number {
    return this.capacity.timeToDeliverMs(t0Ms, bytes);
  }

  /**
   * Sorted, unique times in [0, horizonMs) where a setting (phase, delay, jitter, loss, queue, outage) or the
   * capacity changes, every trace step included. After the horizon only a looping trace still changes.
   */
  changePointsMs(): number[] {
    if (!this.compiled.changePointsCache) this.compiled.changePointsCache = computeChangePoints(this.compiled);
    return this.compiled.changePointsCache.slice();
  }

  /** What happened so far to the packets offered to this direction. */
  stats(): DirectionCounters {
    return { ...this.counters, dropped: { ...this.counters.dropped } };
  }

  /** Packets and bytes held (queued or in service) at tMs >= the last send time. */
  queueAt(tMs: number): { packets: number; bytes: number } {
    let packets = 0;
    let bytes = 0;
    for (let i = this.queueHead; i < this.queueDepartureMs.length; i++) {
      if (this.queueDepartureMs[i] > tMs) {
        packets++;
        bytes += this.queueBytes[i];
      }
    }
    return { packets, bytes };
  }

  send(pkt: Packet, tMs: number): SendResult {
    if (!(tMs >= this.lastArrivalMs)) {
      throw new RangeError(`${this.direction}: send at ${tMs} ms after one at ${this.lastArrivalMs} ms (time must not go back)`);
    }
    this.lastArrivalMs = tMs;
    this.counters.sent++;
    const seg = this.segmentForArrival(tMs);

    // (1) A dark link drops everything.
    if (seg.outage) return this.drop(DROPPED_OUTAGE);

    // (2) Random loss, decided at enqueue like netem: a lost packet never takes queue space.
    if (this.deciderFor(seg).lose()) return this.drop(DROPPED_LOSS);

    // (3) Drop-tail: forget packets that left, then check the limit against what is still held.
    this.releaseDeparted(tMs);
    const serviceStartMs = Math.max(tMs, this.lastDepartureMs);
    const queue = seg.spec.queue;
    const held = this.queueDepartureMs.length - this.queueHead;
    const full =
      queue.unit === 'packets'
        ? held + 1 > queue.limit
        : queue.unit === 'bytes'
          ? this.queuedBytes + pkt.bytes > queue.limit
          : serviceStartMs - tMs > queue.limit;
    if (full) return this.drop(DROPPED_QUEUE);

    // (4) FIFO service at the capacity. A dying path loses what it held: a packet not fully sent when an
    // outage begins is dropped. Capacity that never comes back (a non-looping trace's end) is a queue drop.
    const departureMs = this.capacity.timeToDeliverMs(serviceStartMs, pkt.bytes);
    if (this.nextOutageStartAfter(tMs) < departureMs) return this.drop(DROPPED_OUTAGE);
    if (departureMs === Infinity) return this.drop(DROPPED_QUEUE);
    this.queueDepartureMs.push(departureMs);
    this.queueBytes.push(pkt.bytes);
    this.queuedBytes += pkt.bytes;
    this.lastDepartureMs = departureMs;

    // (5) Propagation delay and jitter of the settings in force when the packet leaves the bottleneck.
    const out = this.segmentForDeparture(departureMs).spec;
    const extraMs = out.delayMs + sampleJitterMs(out.jitter, this.jitterRng);
    let deliveredAtMs = departureMs + Math.max(0, extraMs);
    if (!out.jitter.reorder && deliveredAtMs < this.lastDeliveredMs) deliveredAtMs = this.lastDeliveredMs;
    if (deliveredAtMs > this.lastDeliveredMs) this.lastDeliveredMs = deliveredAtMs;
    this.counters.delivered++;
    return { deliveredAtMs, queueDelayMs: serviceStartMs - tMs };
  }

  private drop(result: SendResult): SendResult {
    this.counters.dropped[(result as { dropped: DropCause }).dropped]++;
    return result;
  }

  private segmentForArrival(tMs: number): SettingsSegment {
    const segs = this.segments;
    let i = this.arrivalSeg;
    while (i + 1 < segs.length && segs[i + 1].startMs <= tMs) i++;
    this.arrivalSeg = i;
    return segs[i];
  }

  private segmentForDeparture(tMs: number): SettingsSegment {
    const segs = this.segments;
    let i = this.departureSeg;
    while (i + 1 < segs.length && segs[i + 1].startMs <= tMs) i++;
    this.departureSeg = i;
    return segs[i];
  }

  /** Start of the first outage that begins strictly after tMs (Infinity if none). */
  private nextOutageStartAfter(tMs: number): number {
    const o = this.outages;
    let k = this.outageCursor;
    while (k < o.length && o[k].startMs <= tMs) k++;
    this.outageCursor = k;
    return k < o.length ? o[k].startMs : Infinity;
  }

  private releaseDeparted(tMs: number): void {
    const dep = this.queueDepartureMs;
    let h = this.queueHead;
    while (h < dep.length && dep[h] <= tMs) {
      this.queuedBytes -= this.queueBytes[h];
      h++;
    }
    if (h === dep.length) {
      dep.length = 0;
      this.queueBytes.length = 0;
      h = 0;
      this.queuedBytes = 0; // no float drift when the queue empties
    } else if (h > 4096 && h * 2 > dep.length) {
      dep.splice(0, h);
      this.queueBytes.splice(0, h);
      h = 0;
    }
    this.queueHead = h;
  }

  private deciderFor(seg: SettingsSegment): LossDecider {
    let d = this.deciders.get(seg.lossLabel);
    if (!d) {
      const label = `${this.direction}/${seg.lossLabel}`;
      d = createLossDecider(seg.loss, (purpose) => createRng(this.seed, `${label}/${purpose}`));
      this.deciders.set(seg.lossLabel, d);
    }
    return d;
  }
}

function computeChangePoints(compiled: CompiledDirection): number[] {
  const settings: number[] = [];
  const segs = compiled.timeline.segments;
  for (let i = 0; i < segs.length; i++) {
    if (i === 0 || settingsDiffer(segs[i - 1], segs[i])) settings.push(segs[i].startMs);
  }
  const steps = compiled.capacity.stepStartsMs();
  const out: number[] = [];
  let a = 0;
  let b = 0;
  while (a < settings.length || b < steps.length) {
    const next = b >= steps.length || (a < settings.length && settings[a] <= steps[b]) ? settings[a++] : steps[b++];
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}
