// Network presets: typical values, each with where its numbers come from. A phase's own fields override them.
// These are starting points for a scenario, not measurements: use a measured trace for a specific network.

export interface PresetDirection {
  bps: number;
  /** One-way: half the preset's RTT. */
  delayMs: number;
  jitterMs: number;
  lossRate: number;
}

export interface Preset {
  name: string;
  down: PresetDirection;
  up: PresetDirection;
  queue: { limit: number; unit: 'packets' | 'bytes' | 'ms' };
  source: string;
}

function preset(
  name: string,
  downBps: number,
  upBps: number,
  rttMs: number,
  jitterMs: number,
  lossRate: number,
  queueMs: number,
  source: string,
): Preset {
  const dir = (bps: number): PresetDirection => ({ bps, delayMs: rttMs / 2, jitterMs, lossRate });
  return { name, down: dir(downBps), up: dir(upBps), queue: { limit: queueMs, unit: 'ms' }, source };
}

export const PRESETS: readonly Preset[] = [
  preset('wifi', 30e6, 10e6, 20, 2, 0, 100,
    'typical home/office 802.11ac WiFi behind broadband, as in the netqoe handover scenario (30/10 Mbps, 20 ms RTT)'),
  preset('wifi-congested', 5e6, 2e6, 60, 15, 0.01, 500,
    'a shared hotspot at busy hour: a fraction of the nominal rate, airtime contention jitter and loss; a deep (bufferbloated) queue after Gettys & Nichols, "Bufferbloat", CACM 2012'),
  preset('lte', 12e6, 12e6, 70, 5, 0, 200,
    'WebPageTest connectivity profile "LTE" (12/12 Mbps, 70 ms RTT); jitter is ours'),
  preset('3g', 1.6e6, 768e3, 300, 20, 0, 400,
    'WebPageTest connectivity profile "3G" (1.6 Mbps / 768 kbps, 300 ms RTT); Chrome DevTools "Fast 3G" is close (1.6 Mbps, 150 ms)'),
  preset('edge', 240e3, 200e3, 840, 40, 0, 1000,
    'WebPageTest connectivity profile "Edge" (240/200 kbps, 840 ms RTT)'),
  preset('5g', 200e6, 30e6, 25, 3, 0, 50,
    'typical mid-band 5G medians reported by Ookla Speedtest Intelligence (about 200 Mbps down, 30 up, 20-30 ms latency)'),
  preset('satellite', 25e6, 3e6, 600, 10, 0.005, 1000,
    'geostationary satellite broadband (HughesNet/Viasat plans): 25/3 Mbps advertised, ~600 ms RTT from the 35,786 km orbit (4 x 119 ms propagation plus processing)'),
];

export function getPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

const mbps = (bps: number) => (bps >= 1e6 ? `${bps / 1e6} Mbps` : `${bps / 1e3} kbps`);

/** For `netqoe list presets`. */
export const PRESET_TABLE = PRESETS.map((p) => ({
  name: p.name,
  summary:
    `${mbps(p.down.bps)} down / ${mbps(p.up.bps)} up, RTT ${p.down.delayMs * 2} ms, jitter ${p.down.jitterMs} ms, ` +
    `loss ${(p.down.lossRate * 100).toFixed(1)}%, queue ${p.queue.limit} ${p.queue.unit}`,
  source: p.source,
}));
