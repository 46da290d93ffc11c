// scoreLiveCapture's timeline events for a subscriber of two publishers: every per-second score, freeze and
// latency event names the video (m-line mid) it belongs to, as the video's score-summary does. Synthetic frames
// in a stand-in sink; a stand-in scorer (no ffmpeg) that scores each video by the pixels it is handed.
import { describe, expect, test } from 'vitest';
import { publisherOfVideo, scoreLiveCapture } from '../../harness/media/score-live.ts';
import type { CapturedFrame, FrameSink } from '../../harness/media/frame-sink.ts';
import type { ScoreViewOptions, ViewScores } from '../../harness/media/score-video.ts';
import type { TimelineEvent } from '../../harness/run/types.ts';

const FPS = 30;
const CLIP_FRAMES = 300;

/** Frames of one video: numbers from `firstNumber`, one per 1000/30 ms, displayed `latencyMs` after capture; a gap of `freeze.ms` after frame freeze.at. */
function video(peerId: string, label: string, opts: { startMs: number; firstNumber: number; frames: number; latencyMs: number; luma: number; freeze?: { at: number; ms: number } }): { shown: CapturedFrame[]; captured: CapturedFrame[] } {
  const shown: CapturedFrame[] = [];
  const captured: CapturedFrame[] = [];
  for (let i = 0; i < opts.frames; i++) {
    const captureMs = opts.startMs + (i * 1000) / FPS;
    const number = (opts.firstNumber + i) % CLIP_FRAMES;
    captured.push({ peerId: `pub-${label}`, label: 'local', displayMs: captureMs, number, width: 1280, height: 720, captureMs, receiveMs: null, presentedFrames: i, pixelsAt: null });
    if (opts.freeze && i > opts.freeze.at && i <= opts.freeze.at + Math.round((opts.freeze.ms * FPS) / 1000)) continue; // frames lost in the freeze
    shown.push({ peerId, label, displayMs: captureMs + opts.latencyMs, number, width: 640, height: 360, captureMs: null, receiveMs: null, presentedFrames: i, pixelsAt: opts.luma });
  }
  return { shown, captured };
}

function stubSink(frames: CapturedFrame[]): FrameSink {
  return {
    url: 'ws://127.0.0.1:1/',
    frames,
    errors: [],
    sync: async () => undefined,
    framesOf: (peerId, label) => frames.filter((f) => f.peerId === peerId && (label === undefined || f.label === label)).sort((a, b) => a.displayMs - b.displayMs),
    statsOf: () => ({ captured: 0, missed: 0, errors: 0 }),
    waitForStats: async () => ({ captured: 0, missed: 0, errors: 0 }),
    // The "pixels" are a flat luma plane whose value is the video's mark (pixelsAt holds it).
    pixels: (f) => ({ width: 2, height: 2, data: new Uint8Array(6).fill(f.pixelsAt ?? 0) }),
    close: async () => undefined,
  };
}

/** Scores each slot by the luma it is handed (PSNR = luma / 4 dB, VMAF = luma / 2), per second as scoreView does. */
async function stubScorer(opts: ScoreViewOptions): Promise<ViewScores> {
  const slots = opts.slots.map((s, i) => {
    const luma = opts.frameAt(s.frame).data[0];
    return { slot: i, tMs: s.tMs, referenceNumber: s.referenceNumber, vmaf: luma / 2, psnrDb: luma / 4, ssim: 0.9 };
  });
  const bySecond = new Map<number, typeof slots>();
  for (const s of slots) bySecond.set(Math.floor(s.tMs / 1000), [...(bySecond.get(Math.floor(s.tMs / 1000)) ?? []), s]);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const perSecond = [...bySecond].map(([second, ss]) => ({ second, vmaf: mean(ss.map((s) => s.vmaf)), psnrDb: mean(ss.map((s) => s.psnrDb)), ssim: 0.9, slots: ss.length, scored: ss.length }));
  return { slots, perSecond, vmafMissing: null, model: 'stub', ffmpegPath: 'none', scoredSlots: slots.map((_, i) => i), rebuildMs: 0, ffmpegMs: 0 };
}

describe('scoreLiveCapture with two publishers', () => {
  // Video '0' (publisher A): clean, 80 ms glass-to-glass, luma 160. Video '1' (publisher B): a 600 ms freeze at
  // ~2 s, 240 ms, luma 80. Clip numbers do not collide between the two (B starts at 150).
  const a = video('sub', '0', { startMs: 0, firstNumber: 0, frames: 120, latencyMs: 80, luma: 160 });
  const b = video('sub', '1', { startMs: 0, firstNumber: 150, frames: 120, latencyMs: 240, luma: 80, freeze: { at: 60, ms: 600 } });
  const sink = stubSink([...a.shown, ...b.shown, ...a.captured, ...b.captured]);
  const run = () => scoreLiveCapture(sink, ['sub'], ['pub-0', 'pub-1'], { referencePath: '/none.y4m', clipFrames: CLIP_FRAMES, fps: FPS, thumbnails: 0, scoreView: stubScorer });
  const of = <K extends TimelineEvent['kind']>(events: TimelineEvent[], kind: K) => events.filter((e): e is Extract<TimelineEvent, { kind: K }> => e.kind === kind);

  test('every frame-score, freeze and latency event names its video, as the score-summary does', async () => {
    const { events, subscribers } = await run();
    expect(subscribers.map((s) => s.label)).toEqual(['0', '1']);
    const summaries = of(events, 'score-summary');
    expect(summaries.map((s) => s.label)).toEqual(['0', '1']);
    for (const kind of ['frame-score', 'freeze', 'latency'] as const) {
      for (const e of of(events, kind)) expect(['0', '1'], `${kind} at ${e.tMs}`).toContain(e.label);
    }
    // One scored second per video and second: none mixed, none lost.
    const scores = of(events, 'frame-score');
    const seconds = (label: string) => scores.filter((e) => e.label === label).map((e) => e.tMs);
    expect(seconds('0')).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(new Set(seconds('1')).size).toBe(seconds('1').length);
    expect(seconds('1').length).toBeGreaterThanOrEqual(4);
  });

  test("each video's events carry that video's own figures", async () => {
    const { events } = await run();
    // Scores: the stand-in scorer saw only video 0's pixels for label 0, only video 1's for label 1.
    for (const e of of(events, 'frame-score')) expect(e.psnrDb, `${e.label} at ${e.tMs}`).toBe(e.label === '0' ? 40 : 20);
    // The freeze is video 1's only.
    const freezes = of(events, 'freeze');
    expect(freezes.length).toBe(1);
    expect(freezes[0].label).toBe('1');
    expect(freezes[0].durationMs).toBeGreaterThanOrEqual(600);
    // Latency per second: 80 ms in video 0, 240 ms in video 1.
    const latency = of(events, 'latency');
    expect(latency.filter((e) => e.label === '0').every((e) => Math.abs(e.medianMs - 80) < 1)).toBe(true);
    expect(latency.filter((e) => e.label === '1').every((e) => Math.abs(e.medianMs - 240) < 1)).toBe(true);
    expect(latency.filter((e) => e.label === '1').length).toBeGreaterThan(0);
    // The per-second video MOS is each video's own: video 1's freeze second is below every second of video 0.
    const mos = (label: string) => of(events, 'frame-score').filter((e) => e.label === label).map((e) => e.videoMos ?? NaN);
    expect(Math.min(...mos('1'))).toBeLessThan(Math.min(...mos('0')));
  });

  test("with the videos' publishers known, each video's latency is against its own publisher's camera", async () => {
    // Both cameras play the clip from frame 0, pub-1's 50 ms later: every number is captured twice. Video 0
    // (80 ms) would match pub-1's later capture of its number (30 ms) when every camera's records are used.
    const v0 = video('sub', '0', { startMs: 0, firstNumber: 0, frames: 90, latencyMs: 80, luma: 160 });
    const v1 = video('sub', '1', { startMs: 50, firstNumber: 0, frames: 90, latencyMs: 240, luma: 80 });
    const sink = stubSink([...v0.shown, ...v1.shown, ...v0.captured, ...v1.captured]);
    const inbound = (mid: string, publisherId: string) => ({ mid, publisherId, ssrc: 1, bitrateBps: 0, framesReceived: 0, framesDecoded: 0, framesDropped: 0, keyFramesDecoded: 0, framesPerSecond: null, frameWidth: null, frameHeight: null, freezeCount: 0, totalFreezesDurationS: 0, jitterMs: 0, jitterBufferDelayMs: null, packetsReceived: 0, packetsLost: 0, nackCount: 0, pliCount: 0, firCount: 0, decoderImplementation: null });
    const samples: TimelineEvent[] = [
      { kind: 'peer', tMs: 1000, sample: { tMs: 1000, peerId: 'sub', role: 'subscriber', connectionState: 'connected', outbound: [], inbound: [inbound('0', 'pub-0'), inbound('1', 'pub-1')], candidatePair: null } },
    ];
    const publisherOf = publisherOfVideo(samples);
    expect([publisherOf('sub', '0'), publisherOf('sub', '1'), publisherOf('sub', '2'), publisherOf('other', '0')]).toEqual(['pub-0', 'pub-1', null, null]);
    const median = async (withPublishers: boolean, label: string) => {
      const { events } = await scoreLiveCapture(sink, ['sub'], ['pub-0', 'pub-1'], { referencePath: '/none.y4m', clipFrames: CLIP_FRAMES, fps: FPS, thumbnails: 0, scoreView: stubScorer, publisherOf: withPublishers ? publisherOf : undefined });
      const lat = of(events, 'latency').filter((e) => e.label === label);
      expect(lat.length).toBeGreaterThan(0);
      return [...new Set(lat.map((e) => Math.round(e.medianMs)))];
    };
    expect(await median(false, '0')).toEqual([30]); // the mix-up this option removes
    expect(await median(true, '0')).toEqual([80]);
    expect(await median(true, '1')).toEqual([240]);
  });
});
