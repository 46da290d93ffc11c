// Each browser peer of a live run sits behind its own relay: the peer's link as a scenario the relay
// (and the link model) understands, and that link's downlink capacity as a step function.

import { buildLinkModel } from '../link/link-model.ts';
import type { Direction, Scenario, WebrtcPeerSpec } from '../scenario/types.ts';

/** The scenario a peer's relay runs: the peer's phases and events, everything else the scenario's. */
export function peerScenario(scenario: Scenario, peer: WebrtcPeerSpec): Scenario {
  if (!peer.ownLink) return scenario;
  return { ...scenario, name: `${scenario.name}/${peer.id}`, network: peer.network, events: peer.events };
}

export interface CapacityStep {
  tMs: number;
  bps: number;
}

/**
 * A direction's capacity as a step function: `windowMs` averages of the link model's deliverable bytes,
 * merged where equal (a constant phase is one step; a 600 kbps step at 20 s is exact at a 100 ms grid).
 */
export function capacitySteps(scenario: Scenario, direction: Direction, windowMs = 100): CapacityStep[] {
  const link = buildLinkModel(scenario)[direction];
  const out: CapacityStep[] = [];
  let last = -1;
  for (let t = 0; t < scenario.durationMs; t += windowMs) {
    const end = Math.min(scenario.durationMs, t + windowMs);
    const bps = Math.round((link.deliverableBytes(t, end) * 8000) / (end - t));
    if (bps !== last) out.push({ tMs: t, bps });
    last = bps;
  }
  return out;
}
