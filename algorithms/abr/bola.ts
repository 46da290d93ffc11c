// Source: BOLA-BASIC, Spiteri, Urgaonkar, Sitaraman, "BOLA: Near-Optimal Bitrate Adaptation for Online Videos", INFOCOM 2016.
//
// Each segment, pick m maximising (V (v_m + gp) - Q) / S_m, with Q the buffer in segments, utilities
// v_m = ln(S_m / S_1) and S_m the rung's bitrate (Sabre's BOLA uses the nominal bitrates too: the
// choice is then a fixed function of the buffer, stable under VBR). V = (Q_max - 1) / (v_M + gp), so
// the top rung's score reaches 0 exactly at Q_max - 1 segments: above that every score is negative,
// the paper's "do not download", and we ask the player to wait until the buffer is back at it.
// gp defaults to Sabre's 5. This is the basic algorithm only: no BOLA-O/-U/-E throughput or
// placeholder rules (those are the MMSys 2018 additions).

import { formatRung, formatSeconds } from './common.ts';
import type { AbrAlgorithm, AbrContext, AbrDecision, AbrFactory } from './types.ts';

export interface BolaOptions {
  /** gamma x p, the weight of rebuffering against utility (Sabre's --gamma-p, default 5). */
  gammaP?: number;
}

/** V and the utilities for a ladder and buffer capacity; exposed for tests and the report. */
export function bolaParameters(
  bitratesBps: readonly number[],
  bufferMaxS: number,
  segmentDurationS: number,
  gammaP = 5,
): { v: number; utilities: number[]; gammaP: number; topThresholdSegments: number } {
  const utilities = bitratesBps.map((b) => Math.log(b / bitratesBps[0]));
  // A buffer that holds fewer than 2 segments leaves no room for the rule; keep V positive.
  const qMaxSegments = Math.max(2, bufferMaxS / segmentDurationS);
  const v = (qMaxSegments - 1) / (utilities[utilities.length - 1] + gammaP);
  return { v, utilities, gammaP, topThresholdSegments: qMaxSegments - 1 };
}

export function createBolaAbr(opts: BolaOptions = {}): AbrAlgorithm {
  const gammaP = opts.gammaP ?? 5;
  return {
    name: 'bola',
    choose(ctx: AbrContext): AbrDecision {
      const bitrates = ctx.ladder.map((r) => r.bitrateBps);
      const { v, utilities } = bolaParameters(bitrates, ctx.bufferMaxS, ctx.segmentDurationS, gammaP);
      const qSegments = ctx.bufferS / ctx.segmentDurationS;
      let quality = 0;
      let bestScore = -Infinity;
      for (let m = 0; m < bitrates.length; m++) {
        const score = (v * (utilities[m] + gammaP) - qSegments) / bitrates[m];
        if (score > bestScore) {
          bestScore = score;
          quality = m;
        }
      }
      const bufferText = `buffer ${formatSeconds(ctx.bufferS)} = ${qSegments.toFixed(2)} segments`;
      const top = bitrates.length - 1;
      const thresholdSegments = v * (utilities[top] + gammaP);
      // Every score is negative exactly when Q exceeds the top rung's threshold V (v_M + gp); the
      // tolerance keeps rounding at Q == Q_max - 1 from asking for a femtosecond's wait.
      if (qSegments > thresholdSegments + 1e-9) {
        const delayMs = (qSegments - thresholdSegments) * ctx.segmentDurationS * 1000;
        return {
          quality: top,
          delayMs,
          reason: `${bufferText} > target ${thresholdSegments.toFixed(2)}: wait ${formatSeconds(delayMs / 1000)}, then ${formatRung(ctx.ladder, top)}`,
        };
      }
      return {
        quality,
        reason: `${bufferText}, V ${v.toFixed(2)}, gp ${gammaP}: best score -> ${formatRung(ctx.ladder, quality)}`,
      };
    },
  };
}

export const bolaAbr: AbrFactory = {
  name: 'bola',
  source: 'Spiteri, Urgaonkar, Sitaraman, "BOLA: Near-Optimal Bitrate Adaptation for Online Videos", INFOCOM 2016',
  description: 'BOLA-BASIC: Lyapunov utility of the buffer, ln(S_m/S_1) utilities, waits above its target',
  create: () => createBolaAbr(),
};
