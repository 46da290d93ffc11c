// The relay's 1 s samples as results.json timeline events (TimelineEvent kind 'relay' in harness/run/types.ts):
// each tagged with the peer whose link it shaped, on the run's clock. Pure; the live runners (run-live.ts,
// handover-run.ts) use it.
import type { RelayTimelineSample } from './types.ts';

/** One relay sample in results.json: `peerId` names whose link it is (uplink = direction 'up'). */
export type RelayTimelineEvent = RelayTimelineSample & { peerId: string };

/**
 * Tags `samples` (Relay.timeline() or onSample batches) with `peerId` and moves them onto the run's clock:
 * `relayStartMs` is the run time at which the relay's time 0 fell (0 when the relay started the run).
 * tMs stays the end of each window, rounded to the ms (results carry whole ms). Ordered by time, down before up
 * within a window; the input is not changed.
 */
export function relayTimelineEvents(samples: readonly RelayTimelineSample[], peerId: string, relayStartMs = 0): RelayTimelineEvent[] {
  if (!peerId) throw new Error('relayTimelineEvents: peerId must name the peer whose link the relay shaped');
  if (!Number.isFinite(relayStartMs)) throw new Error(`relayTimelineEvents: relayStartMs must be a finite number, got ${relayStartMs}`);
  return samples
    .map((s) => ({ ...s, tMs: Math.round(s.tMs + relayStartMs), peerId }))
    .sort((a, b) => a.tMs - b.tMs || (a.direction === b.direction ? 0 : a.direction === 'down' ? -1 : 1));
}
