// Source: W3C webrtc-pc (RTCPeerConnection): the browser's own behaviour, no application recovery.
//
// The baseline: the page never restarts ICE nor rebuilds the connection. Chrome itself does not restart
// ICE when the path dies (it goes 'disconnected', then 'failed' and stays there), so after an address
// change this policy is not expected to recover: it measures what the browser alone gives.

import type { IceRestartFactory, IceRestartPolicy, RecoveryDecision } from './types.ts';

export class NoRecovery implements IceRestartPolicy {
  readonly name = 'none';
  readonly tickMs = 1000;

  onInput(): RecoveryDecision {
    return { action: 'none', reason: '' };
  }
}

export const nonePolicy: IceRestartFactory = {
  name: 'none',
  source: 'W3C webrtc-pc: browser defaults only',
  description: 'no application recovery (the baseline)',
  create: () => new NoRecovery(),
};

export default nonePolicy;
