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
  /** Told when a handover moved the peer's mapping to a new relay port (relay time, ms). */
  onAddressChange?: (info: PeerLinkInfo, change: { oldPort: number; newPort: number; atMs: number; handoverAtMs: number }) => void;
}

/** A LinkFactory over `relayFor(peer)`: a relay (started by the caller, from the peer's scenario) per peer. */
export function relayLink(relayFor: (info: PeerLinkInfo) => Relay | Promise<Relay>, opts: RelayLinkOptions = {}): LinkFactory {
  const sfuAddress = opts.sfuAddress ?? '127.0.0.1';
  return async (info) => {
    const relay = await relayFor(info);
    // One relay mapping per SFU target: werift gathers on a new port when ICE restarts, and the relay
    // forwards one client port to one target.
    const mappings = new Map<string, { id: number; address: string; port: number }>();
    // A handover with addressChange moves each mapping to a new port (docs/relay.md, "Handover"): the next
    // description the browser gets (the answer to its ICE restart) names the new port, as the phone's new
    // network would lead to the SFU by a new path.
    const offChange = relay.onAddressChange((e) => {
      for (const [key, m] of mappings) {
        if (m.id !== e.mappingId) continue;
        mappings.set(key, { ...m, port: e.newPort });
        opts.onAddressChange?.(info, { oldPort: e.oldPort, newPort: e.newPort, atMs: e.atMs, handoverAtMs: e.handoverAtMs });
      }
    });
    return {
      async toPeer(d) {
        const target = relayTargetFromSdp(d.sdp, sfuAddress);
        let mapping = target === null ? [...mappings.values()].at(-1) : mappings.get(`${target.address}:${target.port}`);
        if (mapping === undefined) {
          if (target === null) throw new Error(`${info.peerId}: the SFU's description has no UDP host candidate on ${sfuAddress} for the relay to forward to`);
          const m = await relay.addUdp({ target: { host: target.address, port: target.port } });
          mapping = { id: m.id, address: m.address, port: m.port };
          mappings.set(`${target.address}:${target.port}`, mapping);
          opts.onMapping?.(info, { address: m.address, port: m.port, target: m.target });
        }
        return { type: d.type, sdp: rewriteCandidates(d.sdp, { address: mapping.address, port: mapping.port }) };
      },
      fromPeer: (d) => ({ type: d.type, sdp: stripCandidates(d.sdp) }),
      // The relay's address is in the description; no other candidate may open a path around it.
      candidateToPeer: () => null,
      candidateFromPeer: () => null,
      async close(reason) {
        offChange();
        if (opts.closeRelayOnLeave !== false && reason !== 'replaced') await relay.close().catch(() => undefined);
      },
    };
  };
}
