// Timeline entries that describe the network rather than the player: capacity per second and scenario events.

import type { LinkDirection } from '../link/types.ts';
import type { Scenario } from '../scenario/types.ts';
import type { TimelineEvent } from '../run/types.ts';

/**
 * Capacity as 1 s averages (a measured trace changes every millisecond; a chart and a reader want
 * seconds), merged where consecutive seconds are equal, so constant phases stay a few points.
 */
export function capacityTimeline(dir: LinkDirection, durationMs: number, windowMs = 1000): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let lastBps = -1;
  for (let t = 0; t < durationMs; t += windowMs) {
    const end = Math.min(durationMs, t + windowMs);
    const bps = Math.round((dir.deliverableBytes(t, end) * 8000) / (end - t));
    if (bps !== lastBps) out.push({ kind: 'capacity', tMs: t, direction: dir.direction, bps });
    lastBps = bps;
  }
  return out;
}

export function networkEventTimeline(scenario: Scenario): TimelineEvent[] {
  return scenario.events.map((e): TimelineEvent => {
    switch (e.type) {
      case 'handover':
        return {
          kind: 'network',
          tMs: e.atMs,
          type: 'handover',
          durationMs: e.outageMs,
          detail: `handover to ${e.to}, ${e.outageMs} ms outage${e.addressChange ? ', new address' : ''}`,
        };
      case 'outage':
        return { kind: 'network', tMs: e.atMs, type: 'outage', durationMs: e.durationMs, detail: `outage (${e.direction})` };
      case 'lossBurst':
        return {
          kind: 'network',
          tMs: e.atMs,
          type: 'lossBurst',
          durationMs: e.durationMs,
          detail: `loss burst ${(e.rate * 100).toFixed(1)}% (${e.direction})`,
        };
      case 'capacityStep':
        return {
          kind: 'network',
          tMs: e.atMs,
          type: 'capacityStep',
          durationMs: e.durationMs,
          detail: e.factor !== null ? `capacity x${e.factor} (${e.direction})` : `capacity ${(e.bps ?? 0) / 1e6} Mbps (${e.direction})`,
        };
    }
  });
}
