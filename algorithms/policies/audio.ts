// Source: REFERENCE-NOTES.md, "Related server policies" (audio, Opus, by bandwidth).

export interface AudioChoice {
  bitrateKbps: number;
  sampleRateHz: number;
  channels: 1 | 2;
  reason: string;
}

/** < 500 kbps: 12 kbps 8 kHz mono; < 1000 kbps: 24 kbps 16 kHz mono; otherwise 128 kbps 48 kHz stereo. */
export function audioForBandwidth(bandwidthKbps: number): AudioChoice {
  const bw = `${Math.round(bandwidthKbps)} kbps`;
  if (bandwidthKbps < 500) return { bitrateKbps: 12, sampleRateHz: 8000, channels: 1, reason: `${bw} < 500 kbps: Opus 12 kbps 8 kHz mono` };
  if (bandwidthKbps < 1000) return { bitrateKbps: 24, sampleRateHz: 16000, channels: 1, reason: `${bw} < 1000 kbps: Opus 24 kbps 16 kHz mono` };
  return { bitrateKbps: 128, sampleRateHz: 48000, channels: 2, reason: `${bw} >= 1000 kbps: Opus 128 kbps 48 kHz stereo` };
}
