// Streaming QoE from a run's timeline ('segment', 'stall', 'playback' and 'buffer' events).
// Each metric is defined once here; the keys are those of catalog.ts.

import type { TimelineEvent } from '../run/types.ts';

/** Pensieve's linear QoE weight of one second of rebuffering, in Mbps (the top rung of its ladder). */
export const QOE_REBUFFER_PENALTY = 4.3;

type SegmentEvent = Extract<TimelineEvent, { kind: 'segment' }>;

/**
 * - avgBitrateKbps: mean nominal bitrate of the downloaded segments weighted by their duration
 *   (every segment lasts segmentDurationS, so the plain mean); 0 with no segment.
 * - rebufferS, rebufferCount: total duration and number of 'stall' events (the simulator emits
 *   them only after playback started: startup is not a stall).
 * - rebufferRatio: rebufferS / (rebufferS + played s), where played s = the time from playback start
 *   to the session's last event minus the stalls. A session that requested segments but never
 *   started playing is all waiting: 1. Nothing requested: 0.
 * - startupDelayS: first segment request to playback start; never started: to the session's last event.
 * - switchCount: consecutive segments (by index) at different rungs; avgSwitchKbps: the mean
 *   |bitrate change| over those switches (0 with none).
 * - qoeLinear (Pensieve, Mao et al. SIGCOMM 2017): sum over segments of bitrate (Mbps)
 *   - 4.3 x rebufferS - sum over consecutive segments of |bitrate change| (Mbps).
 */
export function streamingQoe(timeline: readonly TimelineEvent[], opts: { segmentDurationS: number }): Record<string, number> {
  const segments: SegmentEvent[] = [];
  let rebufferMs = 0;
  let rebufferCount = 0;
  let playbackStartMs: number | null = null;
  let lastEventMs = -Infinity;

  for (const e of timeline) {
    switch (e.kind) {
      case 'segment':
        segments.push(e);
        lastEventMs = Math.max(lastEventMs, e.tMs + e.downloadMs);
        break;
      case 'stall':
        if (e.durationMs > 0) {
          rebufferMs += e.durationMs;
          rebufferCount++;
        }
        lastEventMs = Math.max(lastEventMs, e.tMs + Math.max(0, e.durationMs));
        break;
      case 'playback':
        if (e.state === 'start' && (playbackStartMs === null || e.tMs < playbackStartMs)) playbackStartMs = e.tMs;
        lastEventMs = Math.max(lastEventMs, e.tMs);
        break;
      case 'buffer':
        lastEventMs = Math.max(lastEventMs, e.tMs);
        break;
      default:
        break; // network and capacity events say nothing about the player
    }
  }
  segments.sort((a, b) => a.index - b.index || a.tMs - b.tMs);

  const segmentS = opts.segmentDurationS;
  let weightedKbps = 0;
  let bitrateSumMbps = 0;
  let switchCount = 0;
  let switchSumKbps = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    weightedKbps += (s.bitrateBps / 1000) * segmentS;
    bitrateSumMbps += s.bitrateBps / 1e6;
    if (i > 0 && s.quality !== segments[i - 1].quality) {
      switchCount++;
      switchSumKbps += Math.abs(s.bitrateBps - segments[i - 1].bitrateBps) / 1000;
    }
  }
  // |change| over all consecutive pairs: equal to the switches' sum, as equal rungs change nothing.
  const smoothnessMbps = switchSumKbps / 1000;

  const rebufferS = rebufferMs / 1000;
  const firstRequestMs = segments.length > 0 ? Math.min(...segments.map((s) => s.tMs)) : null;
  let startupDelayS = 0;
  let rebufferRatio = 0;
  if (firstRequestMs !== null) {
    if (playbackStartMs === null) {
      startupDelayS = Math.max(0, lastEventMs - firstRequestMs) / 1000;
      rebufferRatio = 1;
    } else {
      startupDelayS = Math.max(0, playbackStartMs - firstRequestMs) / 1000;
      const playedS = Math.max(0, (lastEventMs - playbackStartMs) / 1000 - rebufferS);
      rebufferRatio = rebufferS + playedS > 0 ? rebufferS / (rebufferS + playedS) : 0;
    }
  }

  return {
    avgBitrateKbps: segments.length > 0 ? weightedKbps / (segments.length * segmentS) : 0,
    rebufferS,
    rebufferRatio,
    rebufferCount,
    startupDelayS,
    switchCount,
    avgSwitchKbps: switchCount > 0 ? switchSumKbps / switchCount : 0,
    qoeLinear: bitrateSumMbps - QOE_REBUFFER_PENALTY * rebufferS - smoothnessMbps,
  };
}
