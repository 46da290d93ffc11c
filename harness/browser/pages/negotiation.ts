// Perfect negotiation (W3C webrtc-pc, "Perfect negotiation example"), the page being the polite peer:
// on an offer collision it rolls its own offer back and answers the SFU's.

import type { SignalingClient } from './signaling-client.ts';

export interface NegotiationHooks {
  /** A subscriber learns which publisher each mid carries with the SFU's offers. */
  onStreams?: (streams: Record<string, string>) => void;
  onError?: (message: string) => void;
}

export function negotiate(pc: RTCPeerConnection, signaling: SignalingClient, hooks: NegotiationHooks = {}): void {
  let makingOffer = false;
  const polite = true;
  const fail = (where: string, err: unknown) => hooks.onError?.(`${where}: ${err instanceof Error ? err.message : String(err)}`);

  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      signaling.send({ type: 'description', description: pc.localDescription?.toJSON() });
    } catch (err) {
      fail('offer', err);
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = (e) => signaling.send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });

  let ignoreOffer = false;
  // One message at a time: a candidate must not overtake the description it belongs to.
  let chain: Promise<void> = Promise.resolve();
  signaling.onMessage((m) => {
    chain = chain.then(() => handle(m));
  });
  const handle = async (m: Parameters<Parameters<SignalingClient['onMessage']>[0]>[0]) => {
    try {
      if (m.type === 'description') {
        if (m.streams) hooks.onStreams?.(m.streams);
        const collision = m.description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
        ignoreOffer = !polite && collision;
        if (ignoreOffer) return;
        await pc.setRemoteDescription(m.description); // polite: rolls back our offer implicitly
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          signaling.send({ type: 'description', description: pc.localDescription?.toJSON() });
        }
      } else if (m.type === 'candidate') {
        try {
          await pc.addIceCandidate(m.candidate ?? undefined);
        } catch (err) {
          if (!ignoreOffer) throw err;
        }
      } else if (m.type === 'error') {
        hooks.onError?.(`SFU: ${m.message}`);
      }
    } catch (err) {
      fail(m.type, err);
    }
  };
}
