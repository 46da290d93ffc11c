// Source: REFERENCE-NOTES.md, "ICE restart: seed-resilient (ResilientPeerConnection)"
//
// - iceConnectionState 'disconnected': after 2 s, if the state is still 'disconnected' or 'failed', restart.
// - 'failed': restart at once.  'connected' / 'completed': the restart counter goes back to 0.
// - The window 'online' event and a network-type change restart at once.
// - A restart: if 3 restarts were already made, give up on ICE restart and do a full reconnect;
//   otherwise count it and restart ICE (offer with iceRestart: true, sent through signaling).
//
// Readings of the rules, as a production engineer would make them:
// - The 2 s check is a timer per 'disconnected' event (as setTimeout would be): it looks at the state
//   when it fires, whatever happened in between. Timers fire on the caller's ticks (every 100 ms here).
// - Only iceConnectionState drives it (the source listens to iceconnectionstatechange only);
//   connectionstatechange is ignored.
// - After a full reconnect the counter starts again at 0: the new connection is a new ResilientPeerConnection.
// - Self-contained (type imports only): the browser page loads this file as it is.

import type { IceConnectionState, IceRestartFactory, IceRestartPolicy, RecoveryDecision, RecoveryInput } from './types.ts';

export const RESILIENT_DISCONNECT_WAIT_MS = 2000;
export const RESILIENT_MAX_RESTARTS = 3;

export class SeedResilient implements IceRestartPolicy {
  readonly name = 'seed-resilient';
  readonly tickMs = 100;
  private state: IceConnectionState = 'new';
  private restarts = 0;
  /** Due times of the pending 2 s checks. */
  private checks: number[] = [];

  onInput(input: RecoveryInput): RecoveryDecision {
    switch (input.kind) {
      case 'ice-state':
        this.state = input.state;
        if (input.state === 'connected' || input.state === 'completed') {
          this.restarts = 0;
          return { action: 'none', reason: '' };
        }
        if (input.state === 'disconnected') {
          this.checks.push(input.tMs + RESILIENT_DISCONNECT_WAIT_MS);
          return { action: 'none', reason: '' };
        }
        if (input.state === 'failed') return this.restart('ICE failed');
        return { action: 'none', reason: '' };
      case 'network-change':
        return this.restart(input.cause === 'online' ? 'window online' : `network changed${input.network ? ` to ${input.network}` : ''}`);
      case 'tick': {
        const due = this.checks.filter((t) => t <= input.tMs);
        if (due.length === 0) return { action: 'none', reason: '' };
        this.checks = this.checks.filter((t) => t > input.tMs);
        // Several timers due in one tick act once: each would have seen the same state.
        if (this.state === 'disconnected' || this.state === 'failed') return this.restart(`still ${this.state} 2 s after disconnected`);
        return { action: 'none', reason: '' };
      }
      case 'connection-state':
        return { action: 'none', reason: '' };
    }
  }

  private restart(why: string): RecoveryDecision {
    if (this.restarts >= RESILIENT_MAX_RESTARTS) {
      this.restarts = 0;
      this.checks = [];
      return { action: 'full-reconnect', reason: `${why}; ${RESILIENT_MAX_RESTARTS} ICE restarts already made` };
    }
    this.restarts++;
    return { action: 'restart-ice', reason: `${why} (restart ${this.restarts}/${RESILIENT_MAX_RESTARTS})` };
  }
}

export const seedResilientPolicy: IceRestartFactory = {
  name: 'seed-resilient',
  source: 'REFERENCE-NOTES.md, "ICE restart: seed-resilient (ResilientPeerConnection)"',
  description: 'restart 2 s after disconnected, at once on failed or a network change; full reconnect after 3 restarts',
  create: () => new SeedResilient(),
};

export default seedResilientPolicy;
