// A live run's recorded frames (frame sink) turned into timeline events and summary figures: per subscriber video,
// the displayed-frame timeline, per-second VMAF/PSNR/SSIM ('frame-score'), freezes ('freeze'), and glass-to-glass
// latency per second ('latency') against the publisher's camera records, and the worst moments' thumbnails
// ('frame-thumbnail'), each event naming its video (label: the m-line mid). docs/scoring.md.
import { vmafMos } from '../metrics/mos/vmaf-mos.ts';
import type { ScoredVideoSummary, TimelineEvent } from '../run/types.ts';
import type { FrameSink } from './frame-sink.ts';
import { buildTimeline, glassToGlass, latencyPerSecond, median } from './frame-timeline.ts';
import { momentThumbnails } from './moment-thumbnails.ts';
import { scoreView } from './score-video.ts';
import type { ScoreViewOptions, ViewScores } from './score-video.ts';

export interface LiveScoreOptions {
  referencePath: string;
  clipFrames: number;
  fps: number;
  /** Score at this size (both sides scaled); default the reference's. */
  scoreSize?: { width: number; height: number };
  everyNth?: number;
  vmafSubsample?: number;
  modelPath?: string;
  ffmpegPath?: string;
  /** Only frames displayed before this (the scenario's end), on the sink's clock. */
  endMs?: number;
  /** Worst moments with reference/received JPEG thumbnails ('frame-thumbnail' events) per video. Default 3; 0: none. */
  thumbnails?: number;
  /**
   * Which publisher a subscriber's video (label: mid) carries (publisherOfVideo of the run's getStats samples).
   * Its glass-to-glass latency is then measured against that publisher's camera only: every publisher plays the
   * same numbered clip, so with all cameras' records a frame can match another publisher's capture of its number.
   * Without it (or for an unknown video), every publisher's records are used, which is exact with one publisher.
   */
  publisherOf?: (subscriberId: string, label: string) => string | null;
  /** The scorer (default scoreViewOrWithoutVmaf, ffmpeg); unit tests pass a stand-in to check the events without ffmpeg. */
  scoreView?: (opts: ScoreViewOptions) => Promise<ViewScores>;
}

/** What scoring found for one subscriber video (unrounded; scoreSummaryEvent rounds it for results.json). */
export type SubscriberScore = ScoredVideoSummary;

/** Scores every subscriber video in the sink; publishers' 'local' records give the capture times. */
export async function scoreLiveCapture(sink: FrameSink, subscriberIds: readonly string[], publisherIds: readonly string[], opts: LiveScoreOptions): Promise<{ events: TimelineEvent[]; subscribers: SubscriberScore[] }> {
  const end = opts.endMs ?? Infinity;
  await sink.sync();
  const capturesOf = (ids: readonly string[]) => ids.flatMap((id) => sink.framesOf(id, 'local')).filter((f) => f.number !== null && f.captureMs !== null).map((f) => ({ captureMs: f.captureMs!, number: f.number! }));
  const allCaptures = capturesOf(publisherIds);
  const events: TimelineEvent[] = [];
  const subscribers: SubscriberScore[] = [];
  for (const peerId of subscriberIds) {
    const labels = [...new Set(sink.framesOf(peerId).map((f) => f.label))].sort();
    for (const label of labels) {
      // The page's counters come last, after every frame it captured: waiting for them scores the whole backlog
      // (720p frames can take seconds to drain on a loaded machine). Without them (waitForStats gives up after
      // 15 s), what arrived is scored.
      await sink.waitForStats(peerId, label).catch(() => undefined);
      const frames = sink.framesOf(peerId, label).filter((f) => f.displayMs <= end);
      if (frames.length === 0) continue;
      const timeline = buildTimeline(frames, opts.clipFrames, opts.fps);
      for (const f of timeline.freezes) events.push({ kind: 'freeze', tMs: Math.round(f.startMs), peerId, label, durationMs: Math.round(f.durationMs) });
      const publisher = opts.publisherOf?.(peerId, label) ?? null;
      const captures = publisher !== null && publisherIds.includes(publisher) ? capturesOf([publisher]) : allCaptures;
      const lat = glassToGlass(frames, captures, opts.clipFrames, opts.fps);
      for (const s of latencyPerSecond(lat)) events.push({ kind: 'latency', tMs: s.second * 1000, peerId, label, medianMs: Math.round(s.medianMs * 10) / 10, maxMs: Math.round(s.maxMs * 10) / 10, frames: s.frames });
      let vmafMean: number | null = null;
      let psnrMeanDb: number | null = null;
      let ssimMean: number | null = null;
      let vmafMissing: string | null = null;
      let thumbnailError: string | null = null;
      const withPixels = timeline.slots.filter((s) => frames[s.frame].pixelsAt !== null);
      if (withPixels.length > 0) {
        const scores = await (opts.scoreView ?? scoreViewOrWithoutVmaf)({
          referencePath: opts.referencePath,
          slots: withPixels,
          frameAt: (i) => sink.pixels(frames[i]),
          everyNth: opts.everyNth,
          vmafSubsample: opts.vmafSubsample,
          modelPath: opts.modelPath,
          ffmpegPath: opts.ffmpegPath,
          scoreSize: opts.scoreSize,
        });
        vmafMissing = scores.vmafMissing;
        // The second's video MOS: VMAF with the frozen part of the second pulled to 1 (vmaf-mos.ts).
        const mos = vmafMos(
          scores.perSecond.map((s) => ({ tMs: s.second * 1000, vmaf: s.vmaf })),
          timeline.freezes.map((f) => ({ tMs: f.startMs, durationMs: f.durationMs })),
        ).perSecond;
        const mosAt = new Map(mos.map((m) => [m.tMs, m.mos]));
        for (const s of scores.perSecond) {
          const videoMos = mosAt.get(s.second * 1000) ?? null;
          events.push({ kind: 'frame-score', tMs: s.second * 1000, peerId, label, vmaf: s.vmaf === null ? null : round2(s.vmaf), psnrDb: round2(s.psnrDb), ssim: Math.round(s.ssim * 1e4) / 1e4, framesDisplayed: s.slots, framesScored: s.scored, videoMos: videoMos === null ? null : round2(videoMos) });
        }
        const v = scores.slots.filter((s) => s.vmaf !== null).map((s) => s.vmaf!);
        vmafMean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
        psnrMeanDb = scores.slots.reduce((a, s) => a + s.psnrDb, 0) / scores.slots.length;
        ssimMean = scores.slots.reduce((a, s) => a + s.ssim, 0) / scores.slots.length;
        if ((opts.thumbnails ?? 3) > 0) {
          try {
            events.push(
              ...(await momentThumbnails({
                peerId,
                label,
                referencePath: opts.referencePath,
                ffmpegPath: scores.ffmpegPath,
                fps: opts.fps,
                scoredInput: withPixels,
                scores,
                freezes: timeline.freezes,
                displayMsOf: (i) => frames[i].displayMs,
                pixelsOf: (i) => sink.pixels(frames[i]),
                pick: { count: opts.thumbnails ?? 3 },
              })),
            );
          } catch (err) {
            thumbnailError = String(err instanceof Error ? err.message : err);
          }
        }
      }
      subscribers.push({
        peerId,
        label,
        displayed: timeline.displayed,
        undecodable: timeline.undecodable,
        skipped: timeline.skipped,
        freezes: timeline.freezes.length,
        freezeMs: timeline.freezes.reduce((a, f) => a + f.durationMs, 0),
        captureMissed: sink.statsOf(peerId, label)?.missed ?? null,
        vmafMean,
        psnrMeanDb,
        ssimMean,
        glassToGlassMedianMs: lat.length ? median(lat.map((l) => l.latencyMs)) : null,
        vmafMissing,
        thumbnailError,
      });
    }
  }
  for (const s of subscribers) events.push(scoreSummaryEvent(s));
  events.sort((a, b) => a.tMs - b.tMs);
  return { events, subscribers };
}

/**
 * Which publisher each subscriber video carries, from the run's getStats samples (inbound mid -> publisherId, as
 * the SFU mapped it; the latest sample wins). null for a video no sample names.
 */
export function publisherOfVideo(timeline: readonly TimelineEvent[]): (subscriberId: string, label: string) => string | null {
  const byVideo = new Map<string, string>();
  for (const e of timeline) {
    if (e.kind !== 'peer' || e.sample.role !== 'subscriber') continue;
    for (const i of e.sample.inbound) if (i.mid !== null && i.publisherId !== null) byVideo.set(`${e.sample.peerId}\u0000${i.mid}`, i.publisherId);
  }
  return (subscriberId, label) => byVideo.get(`${subscriberId}\u0000${label}`) ?? null;
}

/**
 * scoreView, and when it fails, once more without VMAF: a VMAF model that is missing or that libvmaf cannot read
 * (NETQOE_VMAF_MODEL, modelPath) then costs the VMAF only, and vmafMissing says why. A failure that is not
 * VMAF's fails the second attempt too, with its own message.
 */
export async function scoreViewOrWithoutVmaf(opts: ScoreViewOptions): Promise<ViewScores> {
  try {
    return await scoreView(opts);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 400);
    const scores = await scoreView({ ...opts, noVmaf: true });
    const model = opts.modelPath ?? (opts.env ?? process.env).NETQOE_VMAF_MODEL;
    return { ...scores, vmafMissing: `VMAF failed${model ? ` (model ${model}${opts.modelPath ? '' : ', NETQOE_VMAF_MODEL'})` : ''}, PSNR/SSIM only: ${reason}` };
  }
}

/** One subscriber video's summary as a timeline event (tMs 0: it covers the run), so results.json keeps it. */
export function scoreSummaryEvent(s: SubscriberScore): Extract<TimelineEvent, { kind: 'score-summary' }> {
  const r = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
  return {
    kind: 'score-summary',
    tMs: 0,
    ...s,
    freezeMs: Math.round(s.freezeMs),
    vmafMean: r(s.vmafMean, 2),
    psnrMeanDb: r(s.psnrMeanDb, 2),
    ssimMean: r(s.ssimMean, 4),
    glassToGlassMedianMs: r(s.glassToGlassMedianMs, 1),
  };
}

/**
 * The scored run's metrics (harness/metrics/catalog.ts), each the worst subscriber video's, as the other live
 * metrics: lowest mean VMAF / PSNR / SSIM, highest median glass-to-glass latency, lowest share of presented
 * frames the capture kept, most skipped and undecodable frames, most freezes and frozen time in the
 * displayed-frame timeline. A figure no video has (no VMAF without libvmaf, no latency without capture
 * records) is left out, so an expectation on it fails with "no value" rather than passing on a made-up number.
 */
export function liveScoreMetrics(subs: readonly SubscriberScore[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (subs.length === 0) return out;
  const worst = (key: string, values: (number | null)[], pick: (...v: number[]) => number) => {
    const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
    if (v.length) out[key] = pick(...v);
  };
  worst('vmaf', subs.map((s) => s.vmafMean), Math.min);
  worst('psnrDb', subs.map((s) => s.psnrMeanDb), Math.min);
  worst('ssim', subs.map((s) => s.ssimMean), Math.min);
  worst('glassToGlassMs', subs.map((s) => s.glassToGlassMedianMs), Math.max);
  worst('capturedFrameRatio', subs.map((s) => (s.captureMissed === null || s.displayed + s.captureMissed === 0 ? null : s.displayed / (s.displayed + s.captureMissed))), Math.min);
  worst('skippedFrames', subs.map((s) => s.skipped), Math.max);
  worst('undecodableFrames', subs.map((s) => s.undecodable), Math.max);
  worst('displayedFreezeCount', subs.map((s) => s.freezes), Math.max);
  worst('displayedFreezesS', subs.map((s) => s.freezeMs / 1000), Math.max);
  return out;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
