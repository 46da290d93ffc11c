// ITU-T P.1203 mode 0 applied to a simulated streaming session: its played segments (P.1203 I.13), an assumed audio track (I.11) and its stalls in media time (I.23).

import type { TimelineEvent } from '../../run/types.ts';
import type { MediaSpec } from '../../scenario/types.ts';
import { p1203AudioPerSecond, type P1203AudioCodec } from './p1203-audio.ts';
import { p1203Integrate, type P1203Stall } from './p1203-integration.ts';
import { loadP1203Trees, type P1203RandomForest } from './p1203-random-forest.ts';
import { p1203SampleCount } from './p1203-shared.ts';
import { p1203VideoPerSecond, type P1203VideoSegment } from './p1203-video.ts';

/** The simulator has no audio track: scored as this one (a common DASH audio rendition), constant. */
export const P1203_ASSUMED_AUDIO: { codec: P1203AudioCodec; bitrateKbps: number } = { codec: 'aaclc', bitrateKbps: 128 };

export interface P1203SessionInput {
  videoSegments: P1203VideoSegment[];
  stalls: P1203Stall[];
  /** Media seconds played. */
  playedS: number;
}

/**
 * What the viewer was shown, in media time: segments in index order (each lasts segmentDurationMs), cut at
 * the media time played by the session's end; the initial loading as a stall at position 0 (P.1203's
 * convention), each rebuffering at the media time where playback stopped.
 */
export function p1203SessionFromTimeline(timeline: readonly TimelineEvent[], media: MediaSpec): P1203SessionInput {
  const segments: Extract<TimelineEvent, { kind: 'segment' }>[] = [];
  const stallEvents: { tMs: number; durationMs: number }[] = [];
  let playbackStartMs: number | null = null;
  let firstRequestMs = Infinity;
  let lastEventMs = -Infinity;
  for (const e of timeline) {
    if (e.kind === 'segment') {
      segments.push(e);
      firstRequestMs = Math.min(firstRequestMs, e.tMs);
      lastEventMs = Math.max(lastEventMs, e.tMs + e.downloadMs);
    } else if (e.kind === 'stall') {
      if (e.durationMs > 0) stallEvents.push(e);
      lastEventMs = Math.max(lastEventMs, e.tMs + Math.max(0, e.durationMs));
    } else if (e.kind === 'playback') {
      if (e.state === 'start' && (playbackStartMs === null || e.tMs < playbackStartMs)) playbackStartMs = e.tMs;
      lastEventMs = Math.max(lastEventMs, e.tMs);
    } else if (e.kind === 'buffer') {
      lastEventMs = Math.max(lastEventMs, e.tMs);
    }
  }
  if (playbackStartMs === null || segments.length === 0) return { videoSegments: [], stalls: [], playedS: 0 };

  stallEvents.sort((a, b) => a.tMs - b.tMs);
  const stalls: P1203Stall[] = [];
  if (playbackStartMs > firstRequestMs) stalls.push({ positionS: 0, durationS: (playbackStartMs - firstRequestMs) / 1000 });
  let stalledMs = 0;
  for (const s of stallEvents) {
    stalls.push({ positionS: Math.max(0, s.tMs - playbackStartMs - stalledMs) / 1000, durationS: s.durationMs / 1000 });
    stalledMs += s.durationMs;
  }
  const playedS = Math.max(0, lastEventMs - playbackStartMs - stalledMs) / 1000;

  const segS = media.segmentDurationMs / 1000;
  const videoSegments: P1203VideoSegment[] = [];
  for (const s of [...segments].sort((a, b) => a.index - b.index)) {
    const startS = videoSegments.length * segS;
    if (startS >= playedS) break;
    const rung = media.rungs[s.quality];
    videoSegments.push({
      startS,
      durationS: Math.min(segS, playedS - startS),
      bitrateKbps: s.bitrateBps / 1000,
      width: rung.width,
      height: rung.height,
      fps: rung.fps,
    });
  }
  return { videoSegments, stalls, playedS };
}

let cachedTrees: { dir: string | undefined; forest: P1203RandomForest | null } | null = null;
/** The P.1203.3 trees named by NETQOE_P1203_TREES (loaded once per folder), or null. */
export function p1203TreesFromEnv(): P1203RandomForest | null {
  const dir = process.env.NETQOE_P1203_TREES;
  if (!cachedTrees || cachedTrees.dir !== dir) cachedTrees = { dir, forest: loadP1203Trees(dir) };
  return cachedTrees.forest;
}

/**
 * Which O.46 the P.1203 figures are: 'random-forest' with P.1203.3's trees (NETQOE_P1203_TREES), else
 * 'parametric-estimate' (the random-forest quarter replaced by the parametric part; docs/scoring.md). A run
 * records it next to its p1203 metrics (RunResult.models.p1203).
 */
export type P1203Variant = 'parametric-estimate' | 'random-forest';

export function p1203Variant(forest: P1203RandomForest | null = p1203TreesFromEnv()): P1203Variant {
  return forest === null ? 'parametric-estimate' : 'random-forest';
}

/**
 * p1203Mos: O.46 (1..5) of the session on a 1920x1080 PC display, with the assumed audio track; the
 * random-forest part is used when NETQOE_P1203_TREES is set. p1203QualityMos: O.35, the audiovisual quality
 * before stalls. A session that played less than a second scores 1 on both (the viewer saw only waiting).
 */
export function p1203StreamingMetrics(timeline: readonly TimelineEvent[], media: MediaSpec, opts: { randomForest?: P1203RandomForest | null } = {}): { p1203Mos: number; p1203QualityMos: number } {
  const session = p1203SessionFromTimeline(timeline, media);
  if (p1203SampleCount(session.playedS) === 0) return { p1203Mos: 1, p1203QualityMos: 1 };
  const o22 = p1203VideoPerSecond(session.videoSegments);
  const o21 = p1203AudioPerSecond([{ startS: 0, durationS: session.playedS, ...P1203_ASSUMED_AUDIO }]);
  const r = p1203Integrate({
    o21,
    o22,
    stalls: session.stalls,
    randomForest: opts.randomForest === undefined ? p1203TreesFromEnv() : opts.randomForest,
  });
  return { p1203Mos: r.o46, p1203QualityMos: r.o35 };
}
