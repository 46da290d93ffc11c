// How many presented frames the subscriber pages skip between pixel copies, by default.
//
// Copying a frame's pixels out of the page costs CPU in the very browsers whose call is measured: on 2
// cores, every 720p frame of one subscriber slowed the call (glass-to-glass ~200 -> ~900 ms in 8 s), and
// two such subscribers starved it (one recorded nothing, the other 96 frames in 14 s). Every 3rd 720p
// frame of one subscriber (about 9 Mpx/s) left the call undisturbed. So the default keeps the total copied
// under a pixel budget across the call's subscribers. Timing and frame numbers are still recorded for
// every frame (freezes, latency); only scoring is subsampled, and the report says which frames were scored.

/** Pixels per second the pages may copy in total by default (one 720p30 subscriber at every 3rd frame). */
export const DEFAULT_CAPTURE_BUDGET_PX_PER_S = 10_000_000;

export interface CaptureLoad {
  subscribers: number;
  width: number;
  height: number;
  fps: number;
  budgetPxPerS?: number;
}

/** The smallest n such that copying every nth frame of every subscriber stays within the budget (>= 1). */
export function defaultPixelsEveryNth(load: CaptureLoad): number {
  const budget = load.budgetPxPerS ?? DEFAULT_CAPTURE_BUDGET_PX_PER_S;
  const pxPerS = Math.max(0, load.subscribers) * Math.max(0, load.width) * Math.max(0, load.height) * Math.max(0, load.fps);
  if (!(budget > 0) || !Number.isFinite(pxPerS)) return 1;
  return Math.max(1, Math.ceil(pxPerS / budget));
}
