// Source: REFERENCE-NOTES.md, "Related server policies" (quality warning).
//
// Packet loss above 10% (0.1 as a fraction) triggers a bitrate reduction for that user. Exactly 10%
// does not ("above"). Clients sample every 1 s, the media server every 5 s: the caller decides the rate.

export const QUALITY_WARNING_LOSS = 0.1;

export function qualityWarning(lossRate: number): { warn: boolean; reason: string } {
  const pct = (lossRate * 100).toFixed(1);
  return lossRate > QUALITY_WARNING_LOSS
    ? { warn: true, reason: `loss ${pct}% > 10%: reduce this user's bitrate` }
    : { warn: false, reason: `loss ${pct}% <= 10%` };
}
