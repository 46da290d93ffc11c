// Source: REFERENCE-NOTES.md, "Related server policies" (frame-rate policy by bandwidth).

export interface FrameRateChoice {
  fps: number;
  reason: string;
}

/** < 500 kbps 15 fps; < 1500 kbps 24 fps; < 3000 kbps 30 fps; otherwise 60 fps. */
export function frameRateForBandwidth(bandwidthKbps: number): FrameRateChoice {
  if (bandwidthKbps < 500) return { fps: 15, reason: `${Math.round(bandwidthKbps)} kbps < 500 kbps: 15 fps` };
  if (bandwidthKbps < 1500) return { fps: 24, reason: `${Math.round(bandwidthKbps)} kbps < 1500 kbps: 24 fps` };
  if (bandwidthKbps < 3000) return { fps: 30, reason: `${Math.round(bandwidthKbps)} kbps < 3000 kbps: 30 fps` };
  return { fps: 60, reason: `${Math.round(bandwidthKbps)} kbps >= 3000 kbps: 60 fps` };
}
