// The I/O half of the worst-moment thumbnails: picks the moments (worst-moments.ts, pure) from one subscriber
// video's scores, reads the reference frame that was due and the received frame's pixels, and encodes both as
// small JPEGs (jpeg-thumbnail.ts) into 'frame-thumbnail' timeline events. docs/scoring.md.
import type { TimelineEvent } from '../run/types.ts';
import type { Freeze, SeenSlot } from './frame-timeline.ts';
import type { I420Frame } from './i420.ts';
import { jpegDataUri, jpegThumbnail, thumbnailSize } from './jpeg-thumbnail.ts';
import type { SecondScore, SlotScore } from './score-video.ts';
import type { MomentSlot, WorstMomentOptions } from './worst-moments.ts';
import { isFrozenSlot, pickWorstMoments } from './worst-moments.ts';
import { Y4mReader } from './y4m.ts';

export type FrameThumbnailEvent = Extract<TimelineEvent, { kind: 'frame-thumbnail' }>;

export interface MomentThumbnailInput {
  peerId: string;
  label: string;
  referencePath: string;
  ffmpegPath: string;
  fps: number;
  /** The slots that were given to scoreView (its SlotScore.slot indexes into these). */
  scoredInput: readonly SeenSlot[];
  scores: { slots: readonly SlotScore[]; perSecond: readonly SecondScore[] };
  freezes: readonly Freeze[];
  /** Display time of displayed frame i. */
  displayMsOf: (frame: number) => number;
  /** Pixels of displayed frame i. */
  pixelsOf: (frame: number) => I420Frame;
  /** Thumbnail width in px (default 160). */
  widthPx?: number;
  pick?: WorstMomentOptions;
}

/** The scored slots as the selection sees them (pure): what each showed and for how long it had been shown. */
export function momentSlots(scoredInput: readonly SeenSlot[], slots: readonly SlotScore[], displayMsOf: (frame: number) => number): MomentSlot[] {
  return slots.map((s) => {
    const seen = scoredInput[s.slot];
    return { tMs: s.tMs, vmaf: s.vmaf, psnrDb: s.psnrDb, ssim: s.ssim, frame: seen.frame, referenceNumber: s.referenceNumber, heldMs: Math.max(0, s.tMs - displayMsOf(seen.frame)) };
  });
}

export async function momentThumbnails(input: MomentThumbnailInput): Promise<FrameThumbnailEvent[]> {
  const slots = momentSlots(input.scoredInput, input.scores.slots, input.displayMsOf);
  const moments = pickWorstMoments(input.scores.perSecond, slots, input.freezes, input.pick);
  if (moments.length === 0) return [];
  const reader = new Y4mReader(input.referencePath);
  try {
    const size = thumbnailSize(reader.info.width, reader.info.height, input.widthPx ?? 160);
    const periodMs = 1000 / input.fps;
    const events: FrameThumbnailEvent[] = [];
    for (const m of moments) {
      // The frame that was due: a held (frozen) picture is set next to what should have played by then.
      const due = (m.slot.referenceNumber + Math.round(m.slot.heldMs / periodMs)) % reader.info.frames;
      const reference = await jpegThumbnail(input.ffmpegPath, { width: reader.info.width, height: reader.info.height, data: reader.read(due) }, size);
      const received = await jpegThumbnail(input.ffmpegPath, input.pixelsOf(m.slot.frame), size);
      events.push({
        kind: 'frame-thumbnail',
        tMs: Math.round(m.slot.tMs),
        peerId: input.peerId,
        label: input.label,
        second: m.second,
        metric: m.metric,
        value: round2(m.value),
        frozen: isFrozenSlot(m.slot, input.freezes),
        heldMs: Math.round(m.slot.heldMs),
        shownNumber: m.slot.referenceNumber,
        referenceNumber: due,
        vmaf: m.slot.vmaf === null ? null : round2(m.slot.vmaf),
        psnrDb: round2(m.slot.psnrDb),
        ssim: Math.round(m.slot.ssim * 1e4) / 1e4,
        width: size.width,
        height: size.height,
        reference: jpegDataUri(reference.jpeg),
        received: jpegDataUri(received.jpeg),
      });
    }
    return events;
  } finally {
    reader.close();
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
