// A scored video's worst moments, for the report's thumbnails (reference next to received): the lowest seconds
// (VMAF, else PSNR; a second frozen for a fraction f scores x (1 - f), the freeze rule of videoMos in
// docs/scoring.md), at least spacingMs apart, and in each the worst frame the viewer saw. Pure.

export interface MomentSecond {
  /** floor(tMs / 1000) of its slots. */
  second: number;
  vmaf: number | null;
  psnrDb: number;
}

/** One scored slot of the rebuilt sequence (score-video.ts) with what it showed. */
export interface MomentSlot {
  tMs: number;
  vmaf: number | null;
  psnrDb: number;
  ssim: number;
  /** Index of the displayed frame (into the frames the timeline was built from). */
  frame: number;
  /** The decoded frame number it shows. */
  referenceNumber: number;
  /** How long the shown frame had already been on screen at this slot (0: its first frame period). */
  heldMs: number;
}

export interface MomentFreeze {
  startMs: number;
  durationMs: number;
}

export interface WorstMoment {
  second: number;
  metric: 'vmaf' | 'psnr';
  /** The second's score after the freeze rule: value x (1 - frozenFraction). */
  value: number;
  frozenFraction: number;
  /** The worst slot of that second: a frozen one (the longest held) if any, else the lowest score. */
  slot: MomentSlot;
}

export interface WorstMomentOptions {
  /** At most this many moments. Default 3. */
  count?: number;
  /** Moments at least this far apart (seconds' starts). Default 3000 ms, as the report's chart marks. */
  spacingMs?: number;
}

/** Share of [second, second + 1 s) covered by freezes (overlaps counted once). */
export function frozenFraction(second: number, freezes: readonly MomentFreeze[]): number {
  const from = second * 1000;
  const to = from + 1000;
  const spans = freezes
    .map((f) => [Math.max(from, f.startMs), Math.min(to, f.startMs + f.durationMs)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let end = from;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return covered / 1000;
}

/** Whether the viewer was looking at a frozen picture in this slot: inside a freeze, past the frame's first period. */
export function isFrozenSlot(slot: MomentSlot, freezes: readonly MomentFreeze[]): boolean {
  return slot.heldMs > 0 && freezes.some((f) => slot.tMs >= f.startMs && slot.tMs < f.startMs + f.durationMs);
}

export function pickWorstMoments(seconds: readonly MomentSecond[], slots: readonly MomentSlot[], freezes: readonly MomentFreeze[], opts: WorstMomentOptions = {}): WorstMoment[] {
  const count = Math.max(0, Math.floor(opts.count ?? 3));
  const spacingMs = opts.spacingMs ?? 3000;
  const useVmaf = seconds.length > 0 && seconds.every((s) => s.vmaf !== null && Number.isFinite(s.vmaf));
  const metric: WorstMoment['metric'] = useVmaf ? 'vmaf' : 'psnr';
  const of = (s: { vmaf: number | null; psnrDb: number }): number => (useVmaf ? (s.vmaf ?? NaN) : s.psnrDb);
  const bySecond = new Map<number, MomentSlot[]>();
  for (const s of slots) {
    if (!Number.isFinite(of(s))) continue;
    const k = Math.floor(s.tMs / 1000);
    const list = bySecond.get(k) ?? [];
    list.push(s);
    bySecond.set(k, list);
  }
  const ranked = seconds
    .filter((s) => Number.isFinite(of(s)) && bySecond.has(s.second))
    .map((s) => {
      const f = frozenFraction(s.second, freezes);
      return { second: s.second, frozen: f, value: of(s) * (1 - f) };
    })
    .sort((a, b) => a.value - b.value || a.second - b.second);
  const out: WorstMoment[] = [];
  for (const r of ranked) {
    if (out.length >= count) break;
    if (out.some((w) => Math.abs(w.second - r.second) * 1000 < spacingMs)) continue;
    out.push({ second: r.second, metric, value: r.value, frozenFraction: r.frozen, slot: worstSlot(bySecond.get(r.second)!, freezes, of) });
  }
  return out.sort((a, b) => a.second - b.second);
}

/** Frozen slots first (the longest held: the largest gap between what was due and what was shown), else the lowest. */
function worstSlot(slots: readonly MomentSlot[], freezes: readonly MomentFreeze[], of: (s: MomentSlot) => number): MomentSlot {
  const frozen = slots.filter((s) => isFrozenSlot(s, freezes));
  if (frozen.length) return frozen.reduce((a, b) => (b.heldMs > a.heldMs || (b.heldMs === a.heldMs && b.tMs < a.tMs) ? b : a));
  return slots.reduce((a, b) => (of(b) < of(a) || (of(b) === of(a) && b.tMs < a.tMs) ? b : a));
}
