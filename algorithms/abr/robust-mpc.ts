// Source: RobustMPC, Yin, Jindal, Sekar, Sinopoli, "A Control-Theoretic Approach for Dynamic Adaptive Video Streaming over HTTP", SIGCOMM 2015.
//
// Throughput estimate: harmonic mean of the last 5 downloads, divided by 1 + the largest relative
// error of that predictor over its last 5 predictions (the "robust" lower bound; as in Pensieve's
// robustMPC, the error is measured on the plain harmonic-mean prediction). Then a lookahead over
// the next 5 segments (fewer at the end of the video) maximising Pensieve's linear QoE
//   sum bitrate(Mbps) - 4.3 x rebuffer(s) - sum |bitrate change|(Mbps)
// with each download taking its real size (VBR, ctx.segmentSizesBits) / estimate. The first
// segment of the plan is requested. Before any download: the lowest rung.
//
// The search is a depth-first walk that carries the buffer, the last rung and the QoE so far down
// the tree (R + R^2 + ... + R^5 nodes, 9,330 for 6 rungs, never a materialised list of 7,776 plans),
// with a branch-and-bound cut that only drops subtrees strictly worse than a plan already known, so
// the answer is exactly the brute-force one (the first best plan in lexicographic order).

import { formatRate, formatRung, harmonicMean, lastThroughputsBps } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory } from './types.ts';

export interface RobustMpcOptions {
  /** Segments of lookahead. */
  horizon?: number;
  /** Downloads in the harmonic mean, and predictions in the error window. */
  window?: number;
  /** QoE weight of a second of rebuffering, in Mbps (Pensieve: 4.3, the top rung of its ladder). */
  rebufferPenalty?: number;
  /** QoE weight of a Mbps of bitrate change. */
  smoothnessPenalty?: number;
  /** false: plain MPC (no error discount). */
  robust?: boolean;
}

/** One lookahead problem: everything the plan's QoE depends on. */
export interface MpcProblem {
  bufferS: number;
  bufferMaxS: number;
  segmentDurationS: number;
  throughputBps: number;
  /** Per rung, ascending. */
  bitratesMbps: ArrayLike<number>;
  /** sizesBits[k * rungCount + q]: size of the k-th segment ahead at rung q. */
  sizesBits: ArrayLike<number>;
  horizon: number;
  /** Rung of the segment before the plan; null: no smoothness penalty on the first step. */
  lastQuality: number | null;
  rebufferPenalty: number;
  smoothnessPenalty: number;
}

export interface MpcPlan {
  /** Rungs, one per segment of the horizon. */
  plan: number[];
  value: number;
  /** Tree nodes visited (for the benchmark). */
  nodes: number;
}

/**
 * The buffer model of one step (shared with nothing else on purpose: the tests model it again).
 * The player only requests when a segment fits, so a download starts from at most bufferMax - 1
 * segment; the download drains the buffer, running dry is rebuffering, and the segment adds its
 * duration.
 */
export function solveMpc(p: MpcProblem): MpcPlan {
  const rungs = p.bitratesMbps.length;
  const h = p.horizon;
  const topMbps = p.bitratesMbps[rungs - 1];
  const roomS = Math.max(0, p.bufferMaxS - p.segmentDurationS);
  const path = new Array<number>(h).fill(0);
  const bestPlan = new Array<number>(h).fill(0);
  let nodes = 0;

  // Upper bound of what `remaining` more steps can add after rung q: every step at most the top
  // bitrate, and getting there from q costs at least the climb once (no rebuffering assumed).
  const bound = (remaining: number, q: number): number =>
    remaining === 0 ? 0 : remaining * topMbps - (q < 0 ? 0 : p.smoothnessPenalty * (topMbps - p.bitratesMbps[q]));

  // An incumbent to cut with from the start: the best constant plan. The threshold sits a hair
  // below it so the plan itself (or a better one) is still found and recorded by the walk.
  let best = -Infinity;
  if (h > 0) {
    for (let q = 0; q < rungs; q++) {
      let buffer = p.bufferS;
      let acc = 0;
      let prev = p.lastQuality ?? q;
      for (let k = 0; k < h; k++) {
        const start = Math.min(buffer, roomS);
        const dl = p.sizesBits[k * rungs + q] / p.throughputBps;
        const rebuf = dl > start ? dl - start : 0;
        buffer = (start > dl ? start - dl : 0) + p.segmentDurationS;
        acc += p.bitratesMbps[q] - p.rebufferPenalty * rebuf - p.smoothnessPenalty * Math.abs(p.bitratesMbps[q] - p.bitratesMbps[prev]);
        prev = q;
      }
      if (acc > best) best = acc;
    }
    best -= 1e-9 * (1 + Math.abs(best));
  }
  let found = false;

  const walk = (depth: number, bufferS: number, prev: number, acc: number): void => {
    const start = Math.min(bufferS, roomS);
    const row = depth * rungs;
    const remainingAfter = h - depth - 1;
    for (let q = 0; q < rungs; q++) {
      nodes++;
      const dl = p.sizesBits[row + q] / p.throughputBps;
      const rebuf = dl > start ? dl - start : 0;
      const change = prev < 0 ? 0 : Math.abs(p.bitratesMbps[q] - p.bitratesMbps[prev]);
      const value = acc + (p.bitratesMbps[q] - p.rebufferPenalty * rebuf - p.smoothnessPenalty * change);
      if (value + bound(remainingAfter, q) < best) continue; // nothing below can reach the best
      path[depth] = q;
      if (remainingAfter === 0) {
        if (value > best) {
          best = value;
          found = true;
          for (let i = 0; i < h; i++) bestPlan[i] = path[i];
        }
      } else {
        walk(depth + 1, (start > dl ? start - dl : 0) + p.segmentDurationS, q, value);
      }
    }
  };
  if (h > 0) walk(0, p.bufferS, p.lastQuality ?? -1, 0);
  return { plan: bestPlan, value: found ? best : 0, nodes };
}

export function createRobustMpcAbr(opts: RobustMpcOptions = {}): AbrAlgorithm {
  const horizon = opts.horizon ?? 5;
  const window = opts.window ?? 5;
  const rebufferPenalty = opts.rebufferPenalty ?? 4.3;
  const smoothnessPenalty = opts.smoothnessPenalty ?? 1;
  const robust = opts.robust ?? true;

  // Per-session state: the last prediction and its errors against what each download then achieved.
  let lastPredictionBps: number | null = null;
  let lastSampleKey: string | null = null;
  const errors: number[] = [];
  let sizes = new Float64Array(0);

  return {
    name: 'robust-mpc',
    choose(ctx: AbrContext): AbrDecision {
      const history = ctx.throughputHistory;
      const newest = history[history.length - 1];
      if (newest) {
        const key = `${newest.tMs}:${history.length}`;
        if (key !== lastSampleKey) {
          lastSampleKey = key;
          if (lastPredictionBps !== null && newest.bps > 0) {
            errors.push(Math.abs(lastPredictionBps - newest.bps) / newest.bps);
            if (errors.length > window) errors.shift();
          }
        }
      }
      const samples = lastThroughputsBps(ctx, window);
      if (samples.length === 0) return { quality: 0, reason: 'no throughput sample yet: lowest rung' };
      const meanBps = harmonicMean(samples);
      lastPredictionBps = meanBps;
      const maxError = robust && errors.length > 0 ? Math.max(...errors) : 0;
      const estimateBps = meanBps / (1 + maxError);
      const estimateText = robust
        ? `est ${formatRate(estimateBps)} = hm ${formatRate(meanBps)} / (1 + max err ${maxError.toFixed(2)})`
        : `est ${formatRate(estimateBps)} (harmonic mean)`;
      if (!(estimateBps > 0)) return { quality: 0, reason: `${estimateText}: lowest rung` };

      const rungs = ctx.ladder.length;
      let h = 0;
      if (sizes.length < horizon * rungs) sizes = new Float64Array(horizon * rungs);
      for (; h < horizon; h++) {
        const row = ctx.segmentSizesBits(ctx.segmentIndex + h);
        if (!row || ctx.segmentIndex + h >= ctx.segmentCount) break;
        for (let q = 0; q < rungs; q++) sizes[h * rungs + q] = row[q];
      }
      if (h === 0) return { quality: 0, reason: `${estimateText}; no segment ahead: lowest rung` };
      const result = solveMpc({
        bufferS: ctx.bufferS,
        bufferMaxS: ctx.bufferMaxS,
        segmentDurationS: ctx.segmentDurationS,
        throughputBps: estimateBps,
        bitratesMbps: ctx.ladder.map((r) => r.bitrateBps / 1e6),
        sizesBits: sizes,
        horizon: h,
        lastQuality: ctx.lastQuality,
        rebufferPenalty,
        smoothnessPenalty,
      });
      const quality = result.plan[0];
      return {
        quality,
        reason: `${estimateText}; plan ${result.plan.join(',')} over ${h} segments, QoE ${result.value.toFixed(2)} -> ${formatRung(ctx.ladder, quality)}`,
      };
    },
  };
}

export const robustMpcAbr: AbrFactory = {
  name: 'robust-mpc',
  source: 'Yin et al., "A Control-Theoretic Approach for Dynamic Adaptive Video Streaming over HTTP", SIGCOMM 2015 (RobustMPC)',
  description: '5-segment lookahead maximising linear QoE on harmonic mean / (1 + max prediction error), VBR-aware',
  create: () => createRobustMpcAbr(),
};
