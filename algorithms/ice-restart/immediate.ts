// Source: W3C webrtc-pc, RTCPeerConnection.restartIce() ("restart ICE on the first sign of trouble").
//
// Restart ICE as soon as anything looks wrong: iceConnectionState or connectionState 'disconnected' or
// 'failed', or a network change. Choices:
// - Both state machines count (whichever reports first): the first sign is the point.
// - At most one restart per IMMEDIATE_MIN_GAP_MS: the ICE and connection states report the same
//   trouble twice within milliseconds, and a restart needs a round trip to take effect. A network
//   change is never held back (a new path makes the last restart's checks useless).
// - If a restart has not connected after IMMEDIATE_RETRY_MS, restart again; never a full reconnect
//   (that is seed-resilient's and backoff's business).
// - Self-contained (type imports only): the browser page loads this file as it is.

import type { IceRestartFactory, IceRestartPolicy, RecoveryDecision, RecoveryInput } from './types.ts';

export const IMMEDIATE_MIN_GAP_MS = 1000;
export const IMMEDIATE_RETRY_MS = 3000;

export class ImmediateRestart implements IceRestartPolicy {
  readonly name = 'immediate';
  readonly tickMs = 100;
  private lastRestartMs = -Infinity;
  /** Restarting and not connected since. */
  private recovering = false;
  private restarts = 0;

  onInput(input: RecoveryInput): RecoveryDecision {
    switch (input.kind) {
      case 'ice-state':
      case 'connection-state':
        if (input.state === 'connected' || input.state === 'completed') {
          this.recovering = false;
          return { action: 'none', reason: '' };
        }
        if (input.state === 'disconnected' || input.state === 'failed') {
          if (input.tMs - this.lastRestartMs < IMMEDIATE_MIN_GAP_MS) return { action: 'none', reason: '' };
          const which = input.kind === 'ice-state' ? 'ICE' : 'connection';
          return this.restart(input.tMs, `${which} ${input.state}`);
        }
        return { action: 'none', reason: '' };
      case 'network-change':
        return this.restart(input.tMs, input.cause === 'online' ? 'window online' : `network changed${input.network ? ` to ${input.network}` : ''}`);
      case 'tick':
        if (this.recovering && input.tMs - this.lastRestartMs >= IMMEDIATE_RETRY_MS) return this.restart(input.tMs, `not connected ${IMMEDIATE_RETRY_MS} ms after the last restart`);
        return { action: 'none', reason: '' };
    }
  }

  private restart(tMs: number, why: string): RecoveryDecision {
    this.lastRestartMs = tMs;
    this.recovering = true;
    this.restarts++;
    return { action: 'restart-ice', reason: `${why} (restart ${this.restarts})` };
  }
}

export const immediatePolicy: IceRestartFactory = {
  name: 'immediate',
  source: 'W3C webrtc-pc, RTCPeerConnection.restartIce()',
  description: 'restart ICE at the first disconnected/failed or network change, retry every 3 s, at most one per second',
  create: () => new ImmediateRestart(),
};

export default immediatePolicy;
