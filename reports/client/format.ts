// Number formatting for chart axes and tooltips (units in the text, never implied).

export function formatMbps(bps: number): string {
  const mbps = bps / 1e6;
  return `${mbps >= 10 ? mbps.toFixed(1) : mbps.toFixed(2)} Mbps`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}

export function formatDuration(durationMs: number | null): string {
  if (durationMs === null || durationMs <= 0) return 'instant';
  return durationMs < 1000 ? formatMs(durationMs) : formatSeconds(durationMs);
}
