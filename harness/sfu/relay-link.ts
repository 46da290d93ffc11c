// The link that puts a shaped relay (harness/relay, docs/relay.md "WebRTC: all media through the relay")
// between one browser peer and the SFU, following the relay's recipe: the browser gets the SFU's
// description with the relay as the only candidate, the SFU gets the browser's with none (it learns
// the browser as a peer-reflexive candidate from checks arriving through the relay), and trickled
// candidates are dropped both ways. One relay per peer: each peer has its own link model.

import type { Relay } from '../relay/index.ts';
import { relayTargetFromSdp, rewriteCandidates, stripCandidates } from '../relay/index.ts';
import type { LinkFactory, PeerLinkInfo } from './link.ts';

export interface RelayLinkOptions {
  /** The SFU's ICE address (its host candidate the relay forwards to). Default 127.0.0.1. */
  sfuAddress?: string;
  /** Close the peer's relay when the peer leaves. Default true. */
  closeRelayOnLeave?: boolean;
  /** Told of every mapping made: which peer, which relay port (for a run's timeline). */
  onMapping?: (info: PeerLinkInfo, mapping: { address: string; port: number; target: { host: string; port: number } }) => void;
}

/** A LinkFactory over `relayFor(peer)`: a relay (started by the caller, from the peer's scenario) per peer. */
export function relayLink(relayFor: (info: PeerLinkInfo) => Relay | Promise<Relay>, opts: RelayLinkOptions = {}): LinkFactory {
  const sfuAddress = opts.sfuAddress ?? '127.0.0.1';
  return async (info) => {
    const relay = await relayFor(info);
    let mapping: { address: string; port: number } | null = null;
    return {
      async toPeer(d) {
        if (mapping === null) {
          const target = relayTargetFromSdp(d.sdp, sfuAddress);
          if (target === null) throw new Error(`${info.peerId}: the SFU's description has no UDP host candidate on ${sfuAddress} for the relay to forward to`);
          const m = await relay.addUdp({ target: { host: target.address, port: target.port } });
          mapping = { address: m.address, port: m.port };
          opts.onMapping?.(info, { ...mapping, target: m.target });
        }
        return { type: d.type, sdp: rewriteCandidates(d.sdp, mapping) };
      },
      fromPeer: (d) => ({ type: d.type, sdp: stripCandidates(d.sdp) }),
      // The relay's address is in the description; no other candidate may open a path around it.
      candidateToPeer: () => null,
      candidateFromPeer: () => null,
      async close() {
        if (opts.closeRelayOnLeave !== false) await relay.close().catch(() => undefined);
      },
    };
  };
}
