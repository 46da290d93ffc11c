// The simulated sender: a video-like source (frames at a fixed rate, each split into packets of at
// most ~1200 bytes, sized by the current target) and a pacer that sends them at pacingFactor x target,
// with probe clusters (padding at the requested rate) ahead of media.

import type { ProbeRequest } from '../../algorithms/bwe/types.ts';

export interface QueuedPacket {
  bytes: number;
  /** Capture time of the frame (the RTP timestamp); the probe's request time for padding. */
  captureMs: number;
  /** Set for probe padding: its cluster and the rate to send it at. */
  probe?: { clusterId: number; bps: number };
}

/** Split a frame of frameBytes into the fewest packets of at most maxPacketBytes, of near-equal size. */
export function packetizeFrame(frameBytes: number, maxPacketBytes: number): number[] {
  const bytes = Math.max(1, Math.round(frameBytes));
  const n = Math.ceil(bytes / maxPacketBytes);
  const base = Math.floor(bytes / n);
  const extra = bytes - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** A probe cluster's padding: at least minPackets and at least minDurationMs worth at the probe rate. */
export function probePackets(req: ProbeRequest, maxPacketBytes: number): number {
  const bytesForDuration = (req.bps * req.minDurationMs) / 8000;
  return Math.max(req.minPackets, Math.ceil(bytesForDuration / maxPacketBytes));
}

export class Pacer {
  private readonly queue: QueuedPacket[] = [];
  private head = 0;
  /** The pacer may send its next packet from this time on. */
  private freeAtMs = 0;

  get queuedPackets(): number {
    return this.queue.length - this.head;
  }

  enqueueFrame(packetSizes: readonly number[], captureMs: number): void {
    for (const bytes of packetSizes) this.queue.push({ bytes, captureMs });
  }

  /** Probe padding goes ahead of queued media: a cluster must leave back to back at its own rate. */
  enqueueProbe(req: ProbeRequest, nowMs: number, maxPacketBytes: number): void {
    const n = probePackets(req, maxPacketBytes);
    const padding: QueuedPacket[] = Array.from({ length: n }, () => ({
      bytes: maxPacketBytes,
      captureMs: nowMs,
      probe: { clusterId: req.clusterId, bps: req.bps },
    }));
    this.queue.splice(this.head, 0, ...padding);
  }

  /** When the next packet may leave (Infinity when nothing is queued). */
  nextSendMs(): number {
    return this.head < this.queue.length ? this.freeAtMs : Infinity;
  }

  /** Take the next packet at nowMs; media is paced at mediaPacingBps, padding at its probe rate. */
  pop(nowMs: number, mediaPacingBps: number): QueuedPacket {
    const p = this.queue[this.head++];
    const rate = p.probe ? p.probe.bps : mediaPacingBps;
    this.freeAtMs = nowMs + (p.bytes * 8000) / Math.max(1, rate);
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return p;
  }

  /** A packet enqueued while the pacer was idle may leave at once (the pacer's budget does not bank idle time). */
  wake(nowMs: number): void {
    if (this.freeAtMs < nowMs) this.freeAtMs = nowMs;
  }
}
