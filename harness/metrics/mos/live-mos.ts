// MOS of a live (WebRTC) run: ITU-T G.107 E-model from each subscriber's delay and loss, and the VMAF-based video MOS (vmaf-mos.ts) from its scored seconds and freezes.

import type { TimelineEvent } from '../../run/types.ts';
import { eModelFromNetwork, type EModelResult } from './e-model.ts';
import { p1203AudioPerSecond } from './p1203-audio.ts';
import { p1203Integrate, type P1203Stall } from './p1203-integration.ts';
import { P1203_ASSUMED_AUDIO, p1203TreesFromEnv } from './p1203-streaming.ts';
import { p1203SampleCount } from './p1203-shared.ts';
import { p1203VideoPerSecond, type P1203VideoSegment } from './p1203-video.ts';
import type { P1203RandomForest } from './p1203-random-forest.ts';
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
  // Scored seconds and freezes per subscriber video (peerId NUL label): two publishers' videos are scored apart.
  const seconds = new Map<string, { tMs: number; vmaf: number | null }[]>();
  const freezes = new Map<string, { tMs: number; durationMs: number }[]>();
  const video = (peerId: string, label: string | undefined) => `${peerId}\u0000${label ?? ''}`;
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
      push(seconds, video(e.peerId, e.label), { tMs: e.tMs, vmaf: e.vmaf });
    } else if (e.kind === 'freeze') {
      push(freezes, video(e.peerId, e.label), { tMs: e.tMs, durationMs: e.durationMs });
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
    // The subscriber's video MOS is its worst video's (each with its own freezes only).
    const videoMoses = [...seconds.entries()]
      .filter(([key, scored]) => key.startsWith(`${peerId}\u0000`) && scored.length > 0)
      .map(([key, scored]) => vmafMos(scored, freezes.get(key) ?? []).sessionMos)
      .filter((m): m is number => m !== null);
    out.push({
      peerId,
      oneWayDelayMs,
      delaySource: g2g !== null ? 'glass-to-glass' : 'rtt/2 + jitter buffer',
      lossRatio,
      eModel: eModelFromNetwork({ oneWayDelayMs, lossRatio }),
      videoMos: videoMoses.length > 0 ? Math.min(...videoMoses) : null,
    });
  }
  return out;
}

export interface LiveStreamP1203 {
  peerId: string;
  /** The publisher whose video it is (or the stream's mid/ssrc when unknown). */
  stream: string;
  segments: P1203VideoSegment[];
  stalls: P1203Stall[];
  o46: number;
}

/**
 * P.1203 mode 0 of each video stream a subscriber received, from its getStats samples: each sample interval is
 * a "segment" at the received bitrate, decoded frame size and frame rate (a sample without frames keeps the
 * previous one's, the picture the viewer still saw); the browser's own freeze time (webrtc-stats
 * totalFreezesDuration, Chrome's freeze rule) grows into stalls where it grew. Audio as for the simulator.
 * P.1203 was built for adaptive streaming, not calls: this is an estimate for comparing runs.
 */
export function p1203LiveStreams(timeline: readonly TimelineEvent[], opts: { randomForest?: P1203RandomForest | null } = {}): LiveStreamP1203[] {
  type In = Extract<TimelineEvent, { kind: 'peer' }>['sample']['inbound'][number];
  const streams = new Map<string, { peerId: string; stream: string; samples: { tMs: number; s: In }[] }>();
  for (const e of timeline) {
    if (e.kind !== 'peer' || e.sample.role !== 'subscriber') continue;
    for (const s of e.sample.inbound) {
      const stream = s.publisherId ?? s.mid ?? String(s.ssrc);
      const key = `${e.sample.peerId}\u0000${stream}`;
      let entry = streams.get(key);
      if (!entry) streams.set(key, (entry = { peerId: e.sample.peerId, stream, samples: [] }));
      entry.samples.push({ tMs: e.tMs, s });
    }
  }
  const forest = opts.randomForest === undefined ? p1203TreesFromEnv() : opts.randomForest;
  const out: LiveStreamP1203[] = [];
  for (const { peerId, stream, samples } of streams.values()) {
    samples.sort((a, b) => a.tMs - b.tMs);
    const segments: P1203VideoSegment[] = [];
    const stalls: P1203Stall[] = [];
    let startMs: number | null = null;
    let prevFreezeS = 0;
    for (let i = 0; i < samples.length; i++) {
      const { tMs, s } = samples[i];
      const last = segments[segments.length - 1];
      const shown = s.bitrateBps > 0 && s.frameWidth && s.frameHeight;
      if (!shown && !last) continue; // not started yet
      if (startMs === null) {
        startMs = tMs;
        prevFreezeS = s.totalFreezesDurationS;
      }
      const durationS = i + 1 < samples.length ? Math.max(0.001, (samples[i + 1].tMs - tMs) / 1000) : 1;
      const startS = last ? last.startS + last.durationS : 0;
      segments.push(
        shown
          ? { startS, durationS, bitrateKbps: s.bitrateBps / 1000, width: s.frameWidth!, height: s.frameHeight!, fps: s.framesPerSecond && s.framesPerSecond > 0 ? s.framesPerSecond : (last?.fps ?? 30) }
          : { ...last!, startS, durationS },
      );
      const frozeS = s.totalFreezesDurationS - prevFreezeS;
      if (frozeS > 0) stalls.push({ positionS: Math.max(0, (tMs - startMs) / 1000 - frozeS), durationS: frozeS });
      prevFreezeS = Math.max(prevFreezeS, s.totalFreezesDurationS);
    }
    const mediaS = segments.reduce((a, g) => a + g.durationS, 0);
    if (p1203SampleCount(mediaS) === 0) continue;
    const o22 = p1203VideoPerSecond(segments);
    if (o22.length === 0) continue;
    const o21 = p1203AudioPerSecond([{ startS: 0, durationS: mediaS, ...P1203_ASSUMED_AUDIO }]);
    out.push({ peerId, stream, segments, stalls, o46: p1203Integrate({ o21, o22, stalls, randomForest: forest }).o46 });
  }
  return out.sort((a, b) => (a.peerId + a.stream < b.peerId + b.stream ? -1 : 1));
}

/**
 * The live run's MOS metrics, each the worst subscriber's (or stream's): rFactor and eModelMos (G.107),
 * p1203LiveMos (P.1203 mode 0 of the received video), videoMos (VMAF with stall penalties, only when VMAF was
 * scored). Empty when nothing was received.
 */
export function liveMosMetrics(timeline: readonly TimelineEvent[]): Record<string, number> {
  const subs = subscriberMos(timeline);
  const metrics: Record<string, number> = {};
  const p1203 = p1203LiveStreams(timeline);
  if (p1203.length > 0) metrics.p1203LiveMos = Math.min(...p1203.map((s) => s.o46));
  if (subs.length === 0) return metrics;
  metrics.rFactor = Math.min(...subs.map((s) => s.eModel.r));
  metrics.eModelMos = Math.min(...subs.map((s) => s.eModel.mos));
  const video = subs.map((s) => s.videoMos).filter((v): v is number => v !== null);
  if (video.length > 0) metrics.videoMos = Math.min(...video);
  return metrics;
}
