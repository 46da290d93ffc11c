// What the score chart needs from a scored live run's timeline: per subscriber, VMAF/PSNR/SSIM per second,
// freezes, glass-to-glass latency, and the worst moments. Pure; malformed events are skipped, never thrown on.

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

export interface PeerScores {
  peerId: string;
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

/** Per subscriber (peerId), sorted by id; a subscriber appears once it has a scored second. */
export function peerScores(timeline: readonly unknown[]): PeerScores[] {
  const byPeer = new Map<string, PeerScores>();
  const peer = (id: string) => {
    let p = byPeer.get(id);
    if (!p) {
      p = { peerId: id, seconds: [], freezes: [], latency: [], worst: [], thumbnails: [], endMs: 0, vmafMissing: null };
      byPeer.set(id, p);
    }
    return p;
  };
  for (const raw of Array.isArray(timeline) ? timeline : []) {
    const e = scoreRecord(raw);
    if (!e || !scoreNum(e.tMs) || typeof e.peerId !== 'string') continue;
    if (e.kind === 'frame-score' && scoreNum(e.psnrDb)) {
      const p = peer(e.peerId);
      p.seconds.push({
        tMs: e.tMs,
        vmaf: scoreNum(e.vmaf) ? e.vmaf : null,
        psnrDb: e.psnrDb,
        ssim: scoreNum(e.ssim) ? e.ssim : NaN,
        framesDisplayed: scoreNum(e.framesDisplayed) ? e.framesDisplayed : 0,
        framesScored: scoreNum(e.framesScored) ? e.framesScored : 0,
        videoMos: scoreNum(e.videoMos) ? e.videoMos : null,
      });
      p.endMs = Math.max(p.endMs, e.tMs + 1000);
    } else if (e.kind === 'freeze' && scoreNum(e.durationMs)) {
      const p = peer(e.peerId);
      p.freezes.push({ tMs: e.tMs, durationMs: e.durationMs });
      p.endMs = Math.max(p.endMs, e.tMs + e.durationMs);
    } else if (e.kind === 'latency' && scoreNum(e.medianMs)) {
      const p = peer(e.peerId);
      p.latency.push({ tMs: e.tMs, medianMs: e.medianMs, maxMs: scoreNum(e.maxMs) ? e.maxMs : e.medianMs, frames: scoreNum(e.frames) ? e.frames : 0 });
      p.endMs = Math.max(p.endMs, e.tMs + 1000);
    } else if (e.kind === 'score-summary' && typeof e.vmafMissing === 'string' && e.vmafMissing) {
      // One per video of the subscriber: the reasons joined (usually one).
      const p = peer(e.peerId);
      if (!p.vmafMissing?.includes(e.vmafMissing)) p.vmafMissing = p.vmafMissing ? `${p.vmafMissing}; ${e.vmafMissing}` : e.vmafMissing;
    } else if (e.kind === 'frame-thumbnail') {
      const t = momentThumbnail(e);
      if (t) peer(e.peerId).thumbnails.push(t);
    }
  }
  const byTime = (a: { tMs: number }, b: { tMs: number }) => a.tMs - b.tMs;
  const out = [...byPeer.values()].filter((p) => p.seconds.length > 0).sort((a, b) => (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0));
  for (const p of out) {
    p.seconds.sort(byTime);
    p.freezes.sort(byTime);
    p.latency.sort(byTime);
    p.thumbnails.sort(byTime);
    p.worst = p.thumbnails.length ? thumbnailMoments(p) : worstMoments(p.seconds);
  }
  return out;
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
function thumbnailMoments(p: PeerScores): WorstMoment[] {
  const useVmaf = p.seconds.length > 0 && p.seconds.every((s) => s.vmaf !== null);
  const out: WorstMoment[] = [];
  for (const t of p.thumbnails) {
    const s = p.seconds.find((x) => x.tMs === t.second * 1000);
    if (!s || out.some((w) => w.tMs === s.tMs)) continue;
    out.push({ tMs: s.tMs, metric: useVmaf ? 'vmaf' : 'psnr', value: useVmaf ? (s.vmaf as number) : s.psnrDb });
  }
  return out;
}
