// Source: REFERENCE-NOTES.md, "Network quality score (0-100)".
//
// score = 100 - min(40, (10000 - kbps)/250) - min(30, lossPct x 6) - min(30, jitterMs/5), floored at 0,
// rounded. Each term is a penalty of at most 40/30/30 points. Above 10 Mbps the bandwidth term would
// turn into a bonus; we cap it at 0 (no bonus: loss and jitter are not excused by a fat pipe, and the
// score stays <= 100). Negative inputs count as 0.
// Bands: 90-100 excellent (4K possible), 70-89 good (1080p60), 50-69 fair (720p60),
// 20-49 poor (480p30), under 20 critical (360p30, consider another network).

export type NetworkBand = 'excellent' | 'good' | 'fair' | 'poor' | 'critical';

export interface NetworkScore {
  score: number;
  band: NetworkBand;
  recommendation: string;
}

export interface NetworkScoreInput {
  bandwidthKbps: number;
  lossPct: number;
  jitterMs: number;
}

/** Lower bound of each band and what it allows, best first. */
export const NETWORK_BANDS: readonly { band: NetworkBand; minScore: number; recommendation: string }[] = [
  { band: 'excellent', minScore: 90, recommendation: '4K possible' },
  { band: 'good', minScore: 70, recommendation: '1080p60' },
  { band: 'fair', minScore: 50, recommendation: '720p60' },
  { band: 'poor', minScore: 20, recommendation: '480p30' },
  { band: 'critical', minScore: 0, recommendation: '360p30, consider another network' },
];

export function networkScore(input: NetworkScoreInput): NetworkScore {
  const kbps = Math.max(0, input.bandwidthKbps);
  const bandwidthPenalty = Math.min(40, Math.max(0, (10000 - kbps) / 250));
  const lossPenalty = Math.min(30, Math.max(0, input.lossPct) * 6);
  const jitterPenalty = Math.min(30, Math.max(0, input.jitterMs) / 5);
  const raw = 100 - bandwidthPenalty - lossPenalty - jitterPenalty;
  const score = Number.isNaN(raw) ? 0 : Math.round(Math.max(0, raw));
  const b = scoreBand(score);
  return { score, band: b.band, recommendation: b.recommendation };
}

export function scoreBand(score: number): { band: NetworkBand; recommendation: string } {
  for (const b of NETWORK_BANDS) if (score >= b.minScore) return b;
  return NETWORK_BANDS[NETWORK_BANDS.length - 1];
}
