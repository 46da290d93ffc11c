// What the score chart needs from a scored live run's timeline: per subscriber video (a subscriber of several
// publishers has one per publisher), VMAF/PSNR/SSIM per second, freezes, glass-to-glass latency, and the worst
// moments. Pure; malformed events are skipped, never thrown on.

import type { TimelineEvent } from '../../harness/run/types.ts';

export interface ScoreSecond {
  tMs: number;
  /** null when the run had no libvmaf. */
  vmaf: number | null;
  psnrDb: number;
  ssim: number;
  framesDisplayed: number;
  framesScored: number;
  /** VMAF-based video MOS of the second (1-5, freezes pulled to 1); null without VMAF or in older results. */
  videoMos: number | null;
}

export interface LatencySecond {
  tMs: number;
  medianMs: number;
  maxMs: number;
  frames: number;
}

export interface FreezeSpan {
  tMs: number;
  durationMs: number;
}

export interface WorstMoment {
  tMs: number;
  /** The score the moment was picked on, and its name. */
  metric: 'vmaf' | 'psnr';
  value: number;
}

/**
 * A worst moment the run stored with thumbnails ('frame-thumbnail'): the reference that was due, the received
 * frame (data:image/jpeg URIs; anything else is dropped: the report makes no request).
 */
export type MomentThumbnail = Omit<Extract<TimelineEvent, { kind: 'frame-thumbnail' }>, 'kind' | 'peerId' | 'label' | 'metric' | 'value'>;

/** One video a subscriber saw: its seconds, freezes, latency and worst moments, none mixed with another video's. */
export interface VideoScores {
  peerId: string;
  /**
   * The video's label as the run recorded it (the m-line mid; score-summary's label); null in results written
   * before the per-second events named their video (then the subscriber's events are one video).
   */
  label: string | null;
  /** The publisher whose video it is, when the subscriber's getStats samples map the mid to one; else null. */
  publisherId: string | null;
  seconds: ScoreSecond[];
  freezes: FreezeSpan[];
  latency: LatencySecond[];
  /** The run's own worst moments when it stored thumbnails, else worstMoments() of the seconds. */
  worst: WorstMoment[];
  thumbnails: MomentThumbnail[];
  endMs: number;
  /**
   * Why the run has no VMAF for this subscriber, as the run recorded it ('score-summary' vmafMissing: no
   * libvmaf, a bad NETQOE_VMAF_MODEL, ...); null when it has VMAF or the results predate the record.
   */
  vmafMissing: string | null;
}

function scoreNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function scoreRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Whether a timeline carries per-second scores (the report adds the score chart only then). */
export function hasScores(timeline: readonly unknown[]): boolean {
  return (
    Array.isArray(timeline) &&
    timeline.some((raw) => {
      const e = scoreRecord(raw);
      return e?.kind === 'frame-score' && scoreNum(e.tMs) && typeof e.peerId === 'string';
    })
  );
}

/**
 * Up to `count` lowest-scoring seconds (VMAF when every second has it, else PSNR), at least `spacingMs`
 * apart so that one bad stretch does not take every slot; ties go to the earlier second.
 */
export function worstMoments(seconds: readonly ScoreSecond[], count = 3, spacingMs = 3000): WorstMoment[] {
  const useVmaf = seconds.length > 0 && seconds.every((s) => s.vmaf !== null);
  const metric: WorstMoment['metric'] = useVmaf ? 'vmaf' : 'psnr';
  const value = (s: ScoreSecond) => (useVmaf ? (s.vmaf as number) : s.psnrDb);
  const ranked = seconds.filter((s) => Number.isFinite(value(s))).sort((a, b) => value(a) - value(b) || a.tMs - b.tMs);
  const out: WorstMoment[] = [];
  for (const s of ranked) {
    if (out.length >= count) break;
    if (out.some((w) => Math.abs(w.tMs - s.tMs) < spacingMs)) continue;
    out.push({ tMs: s.tMs, metric, value: value(s) });
  }
  return out.sort((a, b) => a.tMs - b.tMs);
}

/** A subscriber's scored videos, one chart block each subscriber. */
export interface SubscriberVideos {
  peerId: string;
  videos: VideoScores[];
}

/** The video's name on the chart: its publisher when known, else its label (mid); '' for unlabelled results. */
export function videoName(v: Pick<VideoScores, 'label' | 'publisherId'>): string {
  return v.publisherId ?? (v.label === null ? '' : `video ${v.label}`);
}

const videoKey = (peerId: string, label: string | null) => `${peerId}\u0000${label ?? ''}`;

/**
 * Per subscriber video (peerId, then label), sorted; a video appears once it has a scored second. Events
 * without a label (older results) are one video of their subscriber; a summary's vmafMissing and a stored
 * thumbnail go to the video of their label, or to the subscriber's unlabelled one.
 */
export function videoScores(timeline: readonly unknown[]): VideoScores[] {
  const byVideo = new Map<string, VideoScores>();
  const video = (peerId: string, rawLabel: unknown) => {
    const label = typeof rawLabel === 'string' ? rawLabel : null;
    const key = videoKey(peerId, label);
    let v = byVideo.get(key);
    if (!v) {
      v = { peerId, label, publisherId: null, seconds: [], freezes: [], latency: [], worst: [], thumbnails: [], endMs: 0, vmafMissing: null };
      byVideo.set(key, v);
    }
    return v;
  };
  const summaries: { peerId: string; label: string | null; vmafMissing: string }[] = [];
  const thumbnails: { peerId: string; label: string | null; t: MomentThumbnail }[] = [];
  const publishers = new Map<string, string>();
  const events = Array.isArray(timeline) ? timeline : [];
  for (const raw of events) {
    const e = scoreRecord(raw);
    if (e?.kind === 'peer') notePublishers(e.sample, publishers);
    if (!e || !scoreNum(e.tMs) || typeof e.peerId !== 'string') continue;
    if (e.kind === 'frame-score' && scoreNum(e.psnrDb)) {
      const v = video(e.peerId, e.label);
      v.seconds.push({
        tMs: e.tMs,
        vmaf: scoreNum(e.vmaf) ? e.vmaf : null,
        psnrDb: e.psnrDb,
        ssim: scoreNum(e.ssim) ? e.ssim : NaN,
        framesDisplayed: scoreNum(e.framesDisplayed) ? e.framesDisplayed : 0,
        framesScored: scoreNum(e.framesScored) ? e.framesScored : 0,
        videoMos: scoreNum(e.videoMos) ? e.videoMos : null,
      });
      v.endMs = Math.max(v.endMs, e.tMs + 1000);
    } else if (e.kind === 'freeze' && scoreNum(e.durationMs)) {
      const v = video(e.peerId, e.label);
      v.freezes.push({ tMs: e.tMs, durationMs: e.durationMs });
      v.endMs = Math.max(v.endMs, e.tMs + e.durationMs);
    } else if (e.kind === 'latency' && scoreNum(e.medianMs)) {
      const v = video(e.peerId, e.label);
      v.latency.push({ tMs: e.tMs, medianMs: e.medianMs, maxMs: scoreNum(e.maxMs) ? e.maxMs : e.medianMs, frames: scoreNum(e.frames) ? e.frames : 0 });
      v.endMs = Math.max(v.endMs, e.tMs + 1000);
    } else if (e.kind === 'score-summary' && typeof e.vmafMissing === 'string' && e.vmafMissing) {
      summaries.push({ peerId: e.peerId, label: typeof e.label === 'string' ? e.label : null, vmafMissing: e.vmafMissing });
    } else if (e.kind === 'frame-thumbnail') {
      const t = momentThumbnail(e);
      if (t) thumbnails.push({ peerId: e.peerId, label: typeof e.label === 'string' ? e.label : null, t });
    }
  }
  const byTime = (a: { tMs: number }, b: { tMs: number }) => a.tMs - b.tMs;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const out = [...byVideo.values()].filter((v) => v.seconds.length > 0).sort((a, b) => cmp(a.peerId, b.peerId) || cmp(a.label ?? '', b.label ?? ''));
  // Where a summary or thumbnail of (peer, label) goes: that video, else the subscriber's unlabelled video.
  const owner = (peerId: string, label: string | null) => byVideo.get(videoKey(peerId, label)) ?? byVideo.get(videoKey(peerId, null));
  for (const s of summaries) {
    // One per video; reasons joined if an unlabelled video collects several (usually one).
    const v = owner(s.peerId, s.label);
    if (v && !v.vmafMissing?.includes(s.vmafMissing)) v.vmafMissing = v.vmafMissing ? `${v.vmafMissing}; ${s.vmafMissing}` : s.vmafMissing;
  }
  for (const { peerId, label, t } of thumbnails) owner(peerId, label)?.thumbnails.push(t);
  for (const v of out) {
    v.publisherId = v.label === null ? null : (publishers.get(videoKey(v.peerId, v.label)) ?? null);
    v.seconds.sort(byTime);
    v.freezes.sort(byTime);
    v.latency.sort(byTime);
    v.thumbnails.sort(byTime);
    v.worst = v.thumbnails.length ? thumbnailMoments(v) : worstMoments(v.seconds);
  }
  return out;
}

/** videoScores grouped per subscriber (sorted by id), its videos in label order. */
export function subscriberVideos(timeline: readonly unknown[]): SubscriberVideos[] {
  const out: SubscriberVideos[] = [];
  for (const v of videoScores(timeline)) {
    const last = out[out.length - 1];
    if (last?.peerId === v.peerId) last.videos.push(v);
    else out.push({ peerId: v.peerId, videos: [v] });
  }
  return out;
}

/** A subscriber's getStats sample: which publisher each of its m-lines (mid) carries, as the SFU mapped it. */
function notePublishers(sample: unknown, into: Map<string, string>): void {
  const s = scoreRecord(sample);
  if (!s || s.role !== 'subscriber' || typeof s.peerId !== 'string' || !Array.isArray(s.inbound)) return;
  for (const raw of s.inbound) {
    const i = scoreRecord(raw);
    if (i && typeof i.mid === 'string' && typeof i.publisherId === 'string') into.set(videoKey(s.peerId, i.mid), i.publisherId);
  }
}

const JPEG_URI = /^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/;

function momentThumbnail(e: Record<string, unknown>): MomentThumbnail | null {
  const nums = [e.tMs, e.second, e.heldMs, e.shownNumber, e.referenceNumber, e.psnrDb, e.width, e.height];
  if (!nums.every(scoreNum) || typeof e.reference !== 'string' || typeof e.received !== 'string') return null;
  if (!JPEG_URI.test(e.reference) || !JPEG_URI.test(e.received)) return null;
  return {
    tMs: e.tMs as number,
    second: e.second as number,
    frozen: e.frozen === true,
    heldMs: e.heldMs as number,
    shownNumber: e.shownNumber as number,
    referenceNumber: e.referenceNumber as number,
    vmaf: scoreNum(e.vmaf) ? e.vmaf : null,
    psnrDb: e.psnrDb as number,
    ssim: scoreNum(e.ssim) ? e.ssim : NaN,
    width: e.width as number,
    height: e.height as number,
    reference: e.reference,
    received: e.received,
  };
}

/** The stored moments on the chart, each valued by its second's score (what the lines show). */
function thumbnailMoments(p: VideoScores): WorstMoment[] {
  const useVmaf = p.seconds.length > 0 && p.seconds.every((s) => s.vmaf !== null);
  const out: WorstMoment[] = [];
  for (const t of p.thumbnails) {
    const s = p.seconds.find((x) => x.tMs === t.second * 1000);
    if (!s || out.some((w) => w.tMs === s.tMs)) continue;
    out.push({ tMs: s.tMs, metric: useVmaf ? 'vmaf' : 'psnr', value: useVmaf ? (s.vmaf as number) : s.psnrDb });
  }
  return out;
}
