// MOS of a live (WebRTC) run: ITU-T G.107 E-model from each subscriber's delay and loss, and the VMAF-based video MOS (vmaf-mos.ts) from its scored seconds and freezes.

import type { TimelineEvent } from '../../run/types.ts';
import { eModelFromNetwork, type EModelResult } from './e-model.ts';
import { vmafMos } from './vmaf-mos.ts';

export interface SubscriberMos {
  peerId: string;
  /** One-way (mouth-to-ear) delay the E-model was given, and where it came from. */
  oneWayDelayMs: number;
  delaySource: 'glass-to-glass' | 'rtt/2 + jitter buffer';
  lossRatio: number;
  eModel: EModelResult;
  /** VMAF-based session MOS with stall penalties; null without scored seconds with VMAF. */
  videoMos: number | null;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Per subscriber: the delay is the median glass-to-glass latency when the run measured it ('latency'
 * events), else half the median ICE round trip plus the median jitter-buffer delay; the loss is what its
 * inbound streams lost over the run (cumulative counters of its last sample).
 */
export function subscriberMos(timeline: readonly TimelineEvent[]): SubscriberMos[] {
  const ids = new Set<string>();
  const rtts = new Map<string, number[]>();
  const jitterBuffers = new Map<string, number[]>();
  const latencies = new Map<string, number[]>();
  const lastCounters = new Map<string, { lost: number; received: number }>();
  const seconds = new Map<string, { tMs: number; vmaf: number | null }[]>();
  const freezes = new Map<string, { tMs: number; durationMs: number }[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const e of timeline) {
    if (e.kind === 'peer' && e.sample.role === 'subscriber') {
      const id = e.sample.peerId;
      ids.add(id);
      const rtt = e.sample.candidatePair?.currentRoundTripTimeMs;
      if (typeof rtt === 'number' && Number.isFinite(rtt)) push(rtts, id, rtt);
      for (const s of e.sample.inbound) if (typeof s.jitterBufferDelayMs === 'number') push(jitterBuffers, id, s.jitterBufferDelayMs);
      if (e.sample.inbound.length > 0) {
        lastCounters.set(id, {
          lost: e.sample.inbound.reduce((a, s) => a + Math.max(0, s.packetsLost), 0),
          received: e.sample.inbound.reduce((a, s) => a + s.packetsReceived, 0),
        });
      }
    } else if (e.kind === 'latency') {
      ids.add(e.peerId);
      push(latencies, e.peerId, e.medianMs);
    } else if (e.kind === 'frame-score') {
      ids.add(e.peerId);
      push(seconds, e.peerId, { tMs: e.tMs, vmaf: e.vmaf });
    } else if (e.kind === 'freeze') {
      push(freezes, e.peerId, { tMs: e.tMs, durationMs: e.durationMs });
    }
  }
  const out: SubscriberMos[] = [];
  for (const peerId of [...ids].sort()) {
    const g2g = median(latencies.get(peerId) ?? []);
    const rtt = median(rtts.get(peerId) ?? []);
    if (g2g === null && rtt === null) continue; // nothing to say about its delay
    const oneWayDelayMs = g2g ?? rtt! / 2 + (median(jitterBuffers.get(peerId) ?? []) ?? 0);
    const c = lastCounters.get(peerId);
    const lossRatio = c && c.lost + c.received > 0 ? c.lost / (c.lost + c.received) : 0;
    const scored = seconds.get(peerId) ?? [];
    out.push({
      peerId,
      oneWayDelayMs,
      delaySource: g2g !== null ? 'glass-to-glass' : 'rtt/2 + jitter buffer',
      lossRatio,
      eModel: eModelFromNetwork({ oneWayDelayMs, lossRatio }),
      videoMos: scored.length > 0 ? vmafMos(scored, freezes.get(peerId) ?? []).sessionMos : null,
    });
  }
  return out;
}

/**
 * The live run's MOS metrics, each the worst subscriber's: eModelR and eModelMos (G.107), videoMos (VMAF with
 * stall penalties, only when VMAF was scored). Empty when no subscriber reported delay.
 */
export function liveMosMetrics(timeline: readonly TimelineEvent[]): Record<string, number> {
  const subs = subscriberMos(timeline);
  const metrics: Record<string, number> = {};
  if (subs.length === 0) return metrics;
  metrics.eModelR = Math.min(...subs.map((s) => s.eModel.r));
  metrics.eModelMos = Math.min(...subs.map((s) => s.eModel.mos));
  const video = subs.map((s) => s.videoMos).filter((v): v is number => v !== null);
  if (video.length > 0) metrics.videoMos = Math.min(...video);
  return metrics;
}
