// Source: libwebrtc BitrateProber (modules/pacing/bitrate_prober.cc): a probe cluster is sent at its rate for at least its duration and packet count, every packet sent meanwhile carrying the cluster id.
//
// The SFU cannot pace a burst packet by packet: it pads in 20 ms ticks (harness/sfu/subscriber.ts).
// So each cluster an estimator asks for becomes a window of at least minWindowMs (several ticks, or
// the send interval of the cluster would be zero and the estimator's probe result invalid), one after
// another, and every packet sent in a window (media or padding) belongs to the cluster, as in
// libwebrtc's pacer.

import type { PacketResult, ProbeRequest } from '../../algorithms/bwe/types.ts';

export interface ProbeWindow {
  clusterId: number;
  bps: number;
  startMs: number;
  endMs: number;
}

export interface ProbeScheduleOptions {
  /** A window lasts at least this long. Default 100 ms (5 padding ticks). */
  minWindowMs?: number;
  /** Size of one padding packet on the wire, for the request's minPackets. Default 267 (12 + 255). */
  paddingPacketBytes?: number;
  /** Windows further ahead than this are dropped (a flood of requests must not pad for ever). Default 2 s. */
  maxBacklogMs?: number;
}

/** How long a cluster's window lasts: its duration, its packets at its rate, and the floor. */
export function probeWindowMs(req: ProbeRequest, minWindowMs: number, paddingPacketBytes: number): number {
  const forPackets = req.bps > 0 ? (req.minPackets * paddingPacketBytes * 8000) / req.bps : 0;
  return Math.max(minWindowMs, req.minDurationMs, forPackets);
}

export class ProbeSchedule {
  private readonly minWindowMs: number;
  private readonly paddingPacketBytes: number;
  private readonly maxBacklogMs: number;
  private windows: ProbeWindow[] = [];

  constructor(opts: ProbeScheduleOptions = {}) {
    this.minWindowMs = opts.minWindowMs ?? 100;
    this.paddingPacketBytes = opts.paddingPacketBytes ?? 267;
    this.maxBacklogMs = opts.maxBacklogMs ?? 2000;
  }

  /** Queue a cluster after the last one; null when it is dropped (bad rate or too much backlog). */
  add(req: ProbeRequest, nowMs: number): ProbeWindow | null {
    this.expire(nowMs);
    if (!(req.bps > 0 && Number.isFinite(req.bps))) return null;
    const last = this.windows[this.windows.length - 1];
    const startMs = last ? Math.max(nowMs, last.endMs) : nowMs;
    if (startMs - nowMs > this.maxBacklogMs) return null;
    const w: ProbeWindow = { clusterId: req.clusterId, bps: req.bps, startMs, endMs: startMs + probeWindowMs(req, this.minWindowMs, this.paddingPacketBytes) };
    this.windows.push(w);
    return w;
  }

  /** The window covering nowMs, if any. */
  active(nowMs: number): ProbeWindow | null {
    this.expire(nowMs);
    const w = this.windows[0];
    return w && w.startMs <= nowMs && nowMs < w.endMs ? w : null;
  }

  get pending(): readonly ProbeWindow[] {
    return this.windows;
  }

  private expire(nowMs: number): void {
    while (this.windows.length > 0 && this.windows[0].endMs <= nowMs) this.windows.shift();
  }
}

/**
 * Hands a probe cluster's results to the estimator whole. A probe estimator measures a cluster from
 * whatever part of it has been acknowledged; the SFU pads in 20 ms bursts and the first few results
 * of a cluster (one or two bursts, a media packet) give wild rates. So once results of a cluster come
 * in, everything (in order) waits until the cluster's window ended graceMs ago, or maxHoldMs passed.
 */
export class WholeClusterBuffer {
  private readonly maxHoldMs: number;
  private readonly ends = new Map<number, number>();
  private held: PacketResult[] = [];
  private heldSinceMs: number | null = null;

  constructor(opts: { maxHoldMs?: number } = {}) {
    this.maxHoldMs = opts.maxHoldMs ?? 1000;
  }

  get holding(): number {
    return this.held.length;
  }

  noteWindow(w: ProbeWindow): void {
    this.ends.set(w.clusterId, w.endMs);
    if (this.ends.size > 64) this.ends.delete(this.ends.keys().next().value as number);
  }

  /** New results in; the results to hand over now (maybe none), in sequence order. */
  push(results: readonly PacketResult[], nowMs: number, graceMs: number): PacketResult[] {
    if (results.length === 0) return this.release(nowMs, graceMs);
    this.held.push(...results);
    this.heldSinceMs ??= nowMs;
    return this.release(nowMs, graceMs);
  }

  /** Whatever may go now. */
  release(nowMs: number, graceMs: number): PacketResult[] {
    if (this.held.length === 0) return [];
    let openUntilMs = -Infinity;
    for (const p of this.held) {
      const end = p.probeClusterId === undefined ? undefined : this.ends.get(p.probeClusterId);
      if (end !== undefined) openUntilMs = Math.max(openUntilMs, end + graceMs);
    }
    if (nowMs < openUntilMs && nowMs - (this.heldSinceMs ?? nowMs) < this.maxHoldMs) return [];
    const out = this.held.sort((a, b) => a.sequence - b.sequence);
    this.held = [];
    this.heldSinceMs = null;
    return out;
  }
}
