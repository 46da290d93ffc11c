// Every metric a run can report: its key in results.json (unit in the name), its unit, and which way is better.
// Scenario `expect` lines name metrics with or without the unit suffix (avgBitrate == avgBitrateKbps).

export type MetricUnit = 'kbps' | 's' | 'ms' | 'ratio' | 'count' | 'score' | 'mos' | 'db';

export interface MetricInfo {
  key: string;
  unit: MetricUnit;
  better: 'higher' | 'lower';
  description: string;
}

export const METRICS: readonly MetricInfo[] = [
  { key: 'avgBitrateKbps', unit: 'kbps', better: 'higher', description: 'Mean bitrate of the played segments, weighted by duration' },
  { key: 'rebufferS', unit: 's', better: 'lower', description: 'Total stall time after playback started' },
  { key: 'rebufferRatio', unit: 'ratio', better: 'lower', description: 'Stall time / (stall time + played time)' },
  { key: 'rebufferCount', unit: 'count', better: 'lower', description: 'Number of stalls after playback started' },
  { key: 'startupDelayS', unit: 's', better: 'lower', description: 'Time from the first request to the start of playback' },
  { key: 'switchCount', unit: 'count', better: 'lower', description: 'Number of quality changes between consecutive segments' },
  { key: 'avgSwitchKbps', unit: 'kbps', better: 'lower', description: 'Mean |bitrate change| over the quality changes' },
  { key: 'qoeLinear', unit: 'score', better: 'higher', description: 'Pensieve linear QoE: sum bitrate Mbps - 4.3 x rebuffer s - sum |change| Mbps' },
  { key: 'networkScore', unit: 'score', better: 'higher', description: '0-100 network quality score of the reference notes (mean over 1 s samples)' },
];

export function metricInfo(key: string): MetricInfo | undefined {
  return METRICS.find((m) => m.key === key);
}
