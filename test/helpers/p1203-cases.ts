// Deterministic P.1203 inputs (a seeded mulberry32, so the same cases every run) and an exact digest of what the
// P.1203 functions return for them. test/fixtures/p1203-outputs.json holds the digests recorded from the
// implementation before its speed-up (issue 3); test/property/p1203-frozen-outputs.test.ts compares against them.
import { p1203AudioPerSecond, type P1203AudioCodec, type P1203AudioSegment } from '../../harness/metrics/mos/p1203-audio.ts';
import { p1203Integrate, p1203StallingImpact, qualityDirectionChanges, type P1203Stall } from '../../harness/metrics/mos/p1203-integration.ts';
import { averageParts, p1203RandomForest, p1203RandomForestFeatures, type P1203RandomForest, type P1203Tree } from '../../harness/metrics/mos/p1203-random-forest.ts';
import { p1203FrameSampling } from '../../harness/metrics/mos/p1203-shared.ts';
import { p1203StreamingMetrics } from '../../harness/metrics/mos/p1203-streaming.ts';
import { p1203VideoPerSecond, type P1203DisplayOptions, type P1203VideoSegment } from '../../harness/metrics/mos/p1203-video.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';
import type { MediaSpec } from '../../harness/scenario/types.ts';
import { mulberry32 } from '../../algorithms/ice-restart/backoff.ts';

export type Rng = () => number;

export { mulberry32 };

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const real = (rng: Rng, lo: number, hi: number): number => lo + rng() * (hi - lo);

/** Two 32-bit FNV-1a hashes (different offsets) over the float64 bits, plus the length: equal digests = equal arrays. */
export function digest(values: readonly number[]): string {
  const f = Float64Array.from(values);
  const w = new Uint32Array(f.buffer);
  let h1 = 0x811c9dc5;
  let h2 = 0x2545f491;
  for (let i = 0; i < w.length; i++) {
    h1 = Math.imul(h1 ^ w[i], 0x01000193);
    h2 = Math.imul(h2 ^ w[i] ^ (i << 7), 0x01000193);
  }
  return `${values.length}:${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

/** A scalar as JSON keeps it: finite numbers exactly (JSON round-trips doubles), the rest as strings. */
export function exact(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(Object.is(x, -0) ? '-0' : x);
}

const FPS = [24, 25, 30, 29.97, 23.976, 50, 59.94, 60, 12, 15, 120, 144, 0.7, 1, 5];
const SIZES = [[426, 240], [640, 360], [854, 480], [1280, 720], [1920, 1080], [3840, 2160]] as const;
// Segment lengths as players cut them (whole seconds, NTSC multiples) and arbitrary ones.
const SEG_S = [1, 2, 4, 6, 10, 2.002, 4.004, 1.001, 0.5, 0.04, 0.01];

export function videoSegments(rng: Rng): P1203VideoSegment[] {
  const n = pick(rng, [1, 2, 3, 7, 20, 150, 300]);
  const fixedFps = rng() < 0.6 ? pick(rng, FPS) : null;
  const fixedS = rng() < 0.6 ? pick(rng, SEG_S) : null;
  const segs: P1203VideoSegment[] = [];
  let startS = 0;
  for (let i = 0; i < n; i++) {
    const [width, height] = pick(rng, SIZES);
    const durationS = fixedS !== null ? (i === n - 1 && rng() < 0.5 ? fixedS * rng() : fixedS) : real(rng, 0, 12);
    segs.push({ startS, durationS, bitrateKbps: real(rng, 30, 25_000), width, height, fps: fixedFps ?? pick(rng, FPS) });
    startS += durationS;
  }
  // Out-of-order and tied start times: the functions sort (stably) by startS.
  if (rng() < 0.2) segs.reverse();
  if (rng() < 0.1 && n > 2) segs[1].startS = segs[0].startS;
  return segs;
}

export function displayOptions(rng: Rng): P1203DisplayOptions {
  const r = rng();
  if (r < 0.5) return {};
  if (r < 0.75) return { device: 'mobile' };
  return { displayWidth: pick(rng, [1280, 1920, 3840]), displayHeight: pick(rng, [720, 1080, 2160]), device: pick(rng, ['pc', 'mobile'] as const) };
}

const CODECS: readonly P1203AudioCodec[] = ['mp2', 'ac3', 'aaclc', 'heaac'];

export function audioSegments(rng: Rng): P1203AudioSegment[] {
  const n = pick(rng, [1, 1, 1, 2, 4, 10]);
  const segs: P1203AudioSegment[] = [];
  let startS = 0;
  for (let i = 0; i < n; i++) {
    const durationS = pick(rng, [real(rng, 0, 700), 598.37, 600, 4, 0.995, 1.0, 2.5]);
    segs.push({ startS, durationS, bitrateKbps: pick(rng, [128, 8, 64, 320, real(rng, 1, 400)]), codec: pick(rng, CODECS) });
    startS += durationS;
  }
  if (rng() < 0.2) segs.reverse();
  return segs;
}

export function stalls(rng: Rng, durationS: number): P1203Stall[] {
  const n = pick(rng, [0, 0, 1, 2, 3, 8, 30]);
  const out: P1203Stall[] = [];
  if (rng() < 0.6) out.push({ positionS: 0, durationS: real(rng, 0, 8) });
  for (let i = 0; i < n; i++) {
    out.push({ positionS: pick(rng, [real(rng, 0, durationS + 5), Math.floor(real(rng, 0, durationS)), durationS]), durationS: pick(rng, [real(rng, 0, 20), 0, -1, 0.5]) });
  }
  if (rng() < 0.5) out.reverse();
  return out;
}

/** A per-second series on the MOS scale: steps, noise, 3-decimal values (ties), or constant. */
export function perSecond(rng: Rng, n: number): number[] {
  const kind = int(rng, 0, 3);
  const out: number[] = [];
  let level = real(rng, 1, 5);
  for (let i = 0; i < n; i++) {
    if (kind === 0 && rng() < 0.1) level = real(rng, 1, 5);
    const v = kind === 0 ? level : kind === 1 ? real(rng, 1, 5) : kind === 2 ? Math.round(real(rng, 1, 5) * 1000) / 1000 : level;
    out.push(v);
  }
  return out;
}

// Plausible ranges of the 14 random-forest features, for thresholds that split real sessions.
const FEATURE_RANGE: readonly (readonly [number, number])[] = [
  [0, 10], [0, 60], [0, 0.1], [0, 0.5], [0, 600], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [0, 600],
];

/** A random decision tree in the tree-file layout (rows: node, feature, threshold or leaf value, left, right). */
export function randomTree(rng: Rng, maxDepth: number): P1203Tree {
  const rows: [number, number, number, number, number][] = [];
  const grow = (depth: number): number => {
    const id = rows.length;
    if (depth >= maxDepth || (depth > 0 && rng() < 0.25)) {
      rows.push([id, -1, real(rng, 1, 5), -1, -1]);
      return id;
    }
    const feature = int(rng, 0, 13);
    const [lo, hi] = FEATURE_RANGE[feature];
    const row: [number, number, number, number, number] = [id, feature, real(rng, lo, hi), -1, -1];
    rows.push(row);
    row[3] = grow(depth + 1);
    row[4] = grow(depth + 1);
    return id;
  };
  grow(0);
  return rows;
}

export function randomForest(rng: Rng): P1203RandomForest {
  const trees = Array.from({ length: int(rng, 1, 40) }, () => randomTree(rng, int(rng, 0, 10)));
  return p1203RandomForest(trees);
}

/** A simulated session's P.1203-relevant events, compact: what p1203StreamingMetrics reads of a timeline. */
export interface StoredSession {
  name: string;
  segmentDurationMs: number;
  rungs: { width: number; height: number; fps: number }[];
  /** [tMs, index, quality, bitrateBps, downloadMs] */
  segments: [number, number, number, number, number][];
  /** [tMs, durationMs] */
  stalls: [number, number][];
  /** [tMs, 1 = start | 0 = end] */
  playback: [number, number][];
  /** The latest buffer event's time (the only one P.1203's adapter can use), or null. */
  lastBufferMs: number | null;
}

export function storedSessionTimeline(s: StoredSession): { timeline: TimelineEvent[]; media: MediaSpec } {
  const timeline: TimelineEvent[] = [];
  for (const [tMs, index, quality, bitrateBps, downloadMs] of s.segments) {
    timeline.push({ kind: 'segment', tMs, index, quality, bitrateBps, bytes: 0, downloadMs, bufferS: 0, reason: '' });
  }
  for (const [tMs, durationMs] of s.stalls) timeline.push({ kind: 'stall', tMs, durationMs });
  for (const [tMs, start] of s.playback) timeline.push({ kind: 'playback', tMs, state: start ? 'start' : 'end' });
  if (s.lastBufferMs !== null) timeline.push({ kind: 'buffer', tMs: s.lastBufferMs, bufferS: 0 });
  timeline.sort((a, b) => a.tMs - b.tMs);
  const media: MediaSpec = {
    source: 'ladder',
    manifestFile: null,
    segmentDurationMs: s.segmentDurationMs,
    segmentCount: s.segments.length,
    rungs: s.rungs.map((r, i) => ({ ...r, bitrateBps: (i + 1) * 1e5 })),
    segmentSizesBits: [],
    bufferMaxMs: 30_000,
    startupBufferMs: 4000,
  };
  return { timeline, media };
}

export type CaseOutputs = Record<string, unknown>;

export const CASE_SEED = 20261130;
export const CASE_COUNT = 400;

/** Case i: every P.1203 function on inputs drawn from seed CASE_SEED + i, as digests and exact scalars. */
export function runCase(i: number): CaseOutputs {
  const rng = mulberry32(CASE_SEED + i);
  const out: CaseOutputs = {};
  const video = videoSegments(rng);
  const sampling = video.map((s) => ({ durationS: s.durationS, framesPerS: Math.min(s.fps, 120) }));
  out.frameSampling = digest(p1203FrameSampling(sampling));
  const display = displayOptions(rng);
  const o22 = p1203VideoPerSecond(video, display);
  out.o22 = digest(o22);
  const audio = audioSegments(rng);
  const o21 = p1203AudioPerSecond(audio);
  out.o21 = digest(o21);
  const forest = rng() < 0.5 ? randomForest(rng) : null;
  const flags = { amendment1Audiovisual: rng() < 0.3, amendment1Stalling: rng() < 0.3 };
  // Integration on the model's own series (when there is video), and on raw series.
  const raws: [number[], number[]][] = [];
  if (o22.length > 0) raws.push([rng() < 0.2 ? [] : o21, o22]);
  const n = pick(rng, [1, 2, 3, 5, 17, 120, 600]);
  raws.push([rng() < 0.3 ? [] : perSecond(rng, n + int(rng, -1, 3)), perSecond(rng, n)]);
  out.integration = raws.map(([a, v]) => {
    const st = stalls(rng, v.length);
    const r = p1203Integrate({ o21: a, o22: v, stalls: st, randomForest: forest, ...flags });
    return {
      o34: digest(r.o34),
      o35: exact(r.o35),
      stallingMos: exact(r.stallingMos),
      o46: exact(r.o46),
      randomForestUsed: r.randomForestUsed,
      durationS: r.durationS,
      stallingImpact: exact(p1203StallingImpact(st, v.length)),
      directionChanges: qualityDirectionChanges(v),
      features: digest(p1203RandomForestFeatures(a.length > 0 ? a : v.map(() => 5), v, st.filter((s) => s.positionS <= v.length && s.durationS > 0).sort((x, y) => x.positionS - y.positionS), v.length)),
      parts: digest([...averageParts(v, 3), ...averageParts(v, 2), ...averageParts(v, int(rng, 1, 7))]),
    };
  });
  if (forest) out.forest = digest(Array.from({ length: 20 }, () => forest.predict(FEATURE_RANGE.map(([lo, hi]) => real(rng, lo - 1, hi + 1)))));
  return out;
}

/** p1203StreamingMetrics of a stored session, without trees and with a random forest drawn from the session's index. */
export function runStoredSession(s: StoredSession, i: number): CaseOutputs {
  const { timeline, media } = storedSessionTimeline(s);
  const plain = p1203StreamingMetrics(timeline, media, { randomForest: null });
  const withForest = p1203StreamingMetrics(timeline, media, { randomForest: randomForest(mulberry32(CASE_SEED - 1 - i)) });
  return { p1203Mos: exact(plain.p1203Mos), p1203QualityMos: exact(plain.p1203QualityMos), forestMos: exact(withForest.p1203Mos) };
}
