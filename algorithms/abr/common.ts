// Helpers shared by the ABR algorithms: rung lookup, throughput windows, and the wording of reasons.

import type { AbrContext, LadderRung } from './types.ts';
export { harmonicMean } from '../../harness/metrics/stats.ts';

/** Index of the highest rung whose bitrate is <= bps; 0 (the lowest) when none fits. */
export function highestRungAtOrBelow(ladder: readonly LadderRung[], bps: number): number {
  let best = 0;
  for (let i = 0; i < ladder.length; i++) {
    if (ladder[i].bitrateBps <= bps) best = i;
    else break; // ascending ladder
  }
  return best;
}

/** The last `n` throughput samples in bit/s, oldest first. */
export function lastThroughputsBps(ctx: AbrContext, n: number): number[] {
  const h = ctx.throughputHistory;
  const out: number[] = [];
  for (let i = Math.max(0, h.length - n); i < h.length; i++) out.push(h[i].bps);
  return out;
}

/** A rate for a reason string: "850 kbps", "2.4 Mbps", "12 Mbps". */
export function formatRate(bps: number): string {
  if (!Number.isFinite(bps)) return String(bps);
  if (Math.abs(bps) >= 1e6) {
    const mbps = bps / 1e6;
    return `${Math.abs(mbps) >= 10 ? mbps.toFixed(0) : mbps.toFixed(2).replace(/0$/, '')} Mbps`;
  }
  return `${Math.round(bps / 1000)} kbps`;
}

/** Seconds for a reason string: "3.1 s". */
export function formatSeconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

/** A rung for a reason string: "#2 1.5 Mbps 720p". */
export function formatRung(ladder: readonly LadderRung[], quality: number): string {
  const r = ladder[quality];
  return r ? `#${quality} ${formatRate(r.bitrateBps)} ${r.height}p` : `#${quality}`;
}

/** Edit distance (insert, delete, substitute: 1 each), for "did you mean" on unknown names. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The closest known name within a third of the word's length (at least 2 edits), or undefined. */
export function closestName(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(w.length / 3)) + 1;
  for (const k of known) {
    const d = levenshtein(w, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
