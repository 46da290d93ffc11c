// The displayed-frame timeline of one receiver: frame numbers unwrapped across clip loops, freezes by Chrome's rule
// (W3C webrtc-stats freezeCount: interframe delay >= max(3 x avg, avg + 150 ms), avg over the last 30 rendered
// frames), skipped frames, the sequence the viewer saw rebuilt at the clip's frame rate, and glass-to-glass latency.
// Pure: times are milliseconds on one clock (the caller's origin).

export interface DisplayedFrame {
  /** When the frame was (expected to be) shown: requestVideoFrameCallback's expectedDisplayTime, on the run's clock. */
  displayMs: number;
  /** The marker's frame number, null when it did not decode. */
  number: number | null;
  width: number;
  height: number;
}

export interface Freeze {
  /** The frozen frame's display time (the freeze starts when the next frame was due). */
  startMs: number;
  /** The interframe delay that counted as a freeze (what Chrome adds to totalFreezesDuration). */
  durationMs: number;
}

/** One slot of the rebuilt sequence: what the viewer saw during one frame period. */
export interface SeenSlot {
  tMs: number;
  /** Index into the displayed frames. */
  frame: number;
  /** The reference frame it shows (its number: a frozen frame keeps showing the same reference). */
  referenceNumber: number;
  /** Unwrapped position in the stream (loop x clip frames + number). */
  seq: number;
}

export interface FrameTimeline {
  displayed: number;
  /** Frames whose marker did not decode (shown, but not scored). */
  undecodable: number;
  /** Reference frames never shown between two shown ones (sum of forward jumps - 1). */
  skipped: number;
  freezes: Freeze[];
  slots: SeenSlot[];
  /** seq per displayed frame (null when undecodable). */
  seqs: (number | null)[];
}

export const FREEZE_WINDOW_FRAMES = 30;

/** Chrome's freeze rule for one interframe delay given the average of the previous ones. */
export function isFreeze(delayMs: number, avgFrameMs: number): boolean {
  return delayMs >= Math.max(3 * avgFrameMs, avgFrameMs + 150);
}

/** Freezes over display times (sorted ascending), each judged against the average of the previous 30 delays. */
export function detectFreezes(displayMs: readonly number[]): Freeze[] {
  const freezes: Freeze[] = [];
  const window: number[] = [];
  let sum = 0;
  for (let i = 1; i < displayMs.length; i++) {
    const delay = displayMs[i] - displayMs[i - 1];
    if (window.length > 0 && isFreeze(delay, sum / window.length)) freezes.push({ startMs: displayMs[i - 1], durationMs: delay });
    window.push(delay);
    sum += delay;
    if (window.length > FREEZE_WINDOW_FRAMES) sum -= window.shift()!;
  }
  return freezes;
}

/** Unwraps clip-looped frame numbers into a monotonic sequence (a backward jump of more than half a clip is a loop). */
export function unwrapNumbers(numbers: readonly (number | null)[], clipFrames: number): (number | null)[] {
  let loop = 0;
  let last: number | null = null;
  return numbers.map((n) => {
    if (n === null) return null;
    if (last !== null && n < last - clipFrames / 2) loop++;
    else if (last !== null && n > last + clipFrames / 2 && loop > 0) loop--; // a late frame from the previous loop
    last = n;
    return loop * clipFrames + n;
  });
}

export function buildTimeline(frames: readonly DisplayedFrame[], clipFrames: number, fps: number): FrameTimeline {
  const periodMs = 1000 / fps;
  const seqs = unwrapNumbers(
    frames.map((f) => f.number),
    clipFrames,
  );
  let skipped = 0;
  let prev: number | null = null;
  for (const s of seqs) {
    if (s === null) continue;
    if (prev !== null && s > prev + 1) skipped += s - prev - 1;
    prev = s;
  }
  // Each decodable frame fills the slots until the next frame is shown: round(gap / period), at least one.
  const slots: SeenSlot[] = [];
  for (let i = 0; i < frames.length; i++) {
    const seq = seqs[i];
    const n = frames[i].number;
    if (seq === null || n === null) continue;
    const next = i + 1 < frames.length ? frames[i + 1].displayMs : frames[i].displayMs + periodMs;
    const count = Math.max(1, Math.round((next - frames[i].displayMs) / periodMs));
    for (let k = 0; k < count; k++) slots.push({ tMs: frames[i].displayMs + k * periodMs, frame: i, referenceNumber: n, seq });
  }
  return {
    displayed: frames.length,
    undecodable: seqs.filter((s) => s === null).length,
    skipped,
    freezes: detectFreezes(frames.map((f) => f.displayMs)),
    slots,
    seqs,
  };
}

export interface CaptureRecord {
  /** When the publisher's camera produced the frame (same clock as displayMs). */
  captureMs: number;
  number: number;
}

export interface LatencySample {
  displayMs: number;
  number: number;
  latencyMs: number;
}

/**
 * Glass-to-glass latency of each displayed frame: its display time minus the capture time of the same numbered
 * frame, taking the latest capture of that number before the display (the clip loops) within half a clip.
 */
export function glassToGlass(frames: readonly DisplayedFrame[], captures: readonly CaptureRecord[], clipFrames: number, fps: number): LatencySample[] {
  const byNumber = new Map<number, number[]>();
  for (const c of captures) {
    const list = byNumber.get(c.number) ?? [];
    list.push(c.captureMs);
    byNumber.set(c.number, list);
  }
  for (const list of byNumber.values()) list.sort((a, b) => a - b);
  const horizonMs = (clipFrames / fps) * 500;
  const out: LatencySample[] = [];
  for (const f of frames) {
    if (f.number === null) continue;
    const list = byNumber.get(f.number);
    if (!list) continue;
    let best: number | null = null;
    for (const t of list) if (t <= f.displayMs) best = t;
    if (best === null || f.displayMs - best > horizonMs) continue;
    out.push({ displayMs: f.displayMs, number: f.number, latencyMs: f.displayMs - best });
  }
  return out;
}

/** Per-second (of tMs - originMs) median and max of latency samples. */
export function latencyPerSecond(samples: readonly LatencySample[], originMs = 0): { second: number; medianMs: number; maxMs: number; frames: number }[] {
  const buckets = new Map<number, number[]>();
  for (const s of samples) {
    const sec = Math.floor((s.displayMs - originMs) / 1000);
    const b = buckets.get(sec) ?? [];
    b.push(s.latencyMs);
    buckets.set(sec, b);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, v]) => ({ second, medianMs: median(v), maxMs: Math.max(...v), frames: v.length }));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
