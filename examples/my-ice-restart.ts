// Source: an example user ICE-restart policy for netqoe ("restart-then-rebuild"); copy it and make it yours.
//
// Run it in a live scenario:   algorithms: { iceRestart: [seed-resilient, ./my-ice-restart.ts] }
//
// The file exports a factory as its default export; create() is called once per browser peer. The policy
// runs inside the page (the page server strips the types and serves this file as it is, so import only
// types, or siblings in this folder), gets every input with its time, and answers what to do now:
// 'restart-ice' (pc.restartIce() and renegotiation), 'full-reconnect' (a new peer connection and
// signaling, rejoining as the same peer) or 'none', with a reason the run's timeline shows.

import type { IceRestartFactory, RecoveryDecision, RecoveryInput } from 'netqoe/algorithms/ice-restart/types.ts';

const policy: IceRestartFactory = {
  name: 'restart-then-rebuild',
  source: 'examples/my-ice-restart.ts',
  description: 'restart ICE on a network change or failure; rebuild if not connected 4 s later',
  create() {
    let restartedAtMs: number | null = null;
    return {
      name: 'restart-then-rebuild',
      tickMs: 200,
      onInput(input: RecoveryInput): RecoveryDecision {
        if (input.kind === 'network-change' || (input.kind === 'ice-state' && input.state === 'failed')) {
          restartedAtMs = input.tMs;
          return { action: 'restart-ice', reason: input.kind === 'network-change' ? 'network changed' : 'ICE failed' };
        }
        if (input.kind === 'ice-state' && (input.state === 'connected' || input.state === 'completed')) restartedAtMs = null;
        if (input.kind === 'tick' && restartedAtMs !== null && input.tMs - restartedAtMs > 4000) {
          restartedAtMs = null;
          return { action: 'full-reconnect', reason: 'the restart did not connect within 4 s' };
        }
        return { action: 'none', reason: '' };
      },
    };
  },
};

export default policy;
