// When a handover's network-change signal reaches the moving page: the scenario's `networkSignal` (docs/scenario-format.md).
import type { ScenarioEvent } from '../scenario/types.ts';

type Handover = Extract<ScenarioEvent, { type: 'handover' }>;

/** ms after the moving peer's new link is up (0 by default), or null: the page never gets one. */
export function networkSignalDelayMs(h: Handover): number | null {
  return h.networkSignalDelayMs === undefined ? 0 : h.networkSignalDelayMs;
}

/**
 * Calls `signal` for the handover at `handoverAtMs` once its delay has passed, or never; returns the timer to clear
 * (null when it ran at once or never runs). Unknown handovers signal at once, as before this setting existed.
 */
export function scheduleNetworkSignal(events: readonly ScenarioEvent[], handoverAtMs: number, signal: () => void): NodeJS.Timeout | null {
  const h = events.find((e): e is Handover => e.type === 'handover' && e.atMs === handoverAtMs);
  const delayMs = h ? networkSignalDelayMs(h) : 0;
  if (delayMs === null) return null;
  if (delayMs === 0) {
    signal();
    return null;
  }
  const t = setTimeout(signal, delayMs);
  t.unref();
  return t;
}
