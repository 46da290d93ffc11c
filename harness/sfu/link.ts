// The seam where a shaped link goes between one browser peer and the SFU: every description and
// candidate the two exchange passes through the peer's PeerLink, which may rewrite or drop it.
//
// The relay (harness/relay, docs/relay.md) plugs in here: given the SFU's description it starts a
// mapping towards the SFU's host candidate (relayTargetFromSdp) and hands the browser the relay's
// address instead (rewriteCandidates); the browser's own candidates are dropped (stripCandidates,
// keepTrickleCandidate) so the SFU learns it only through the relay. Without a relay the default
// link keeps only candidates on the allowed addresses (loopback here).

import type { CandidateMessage } from './signaling/messages.ts';
import type { PeerRole } from './types.ts';

export interface PeerLinkInfo {
  room: string;
  peerId: string;
  role: PeerRole;
}

export interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface PeerLink {
  /** The SFU's description on its way to the browser. */
  toPeer(d: Description): Description | Promise<Description>;
  /** The browser's description on its way to the SFU. */
  fromPeer(d: Description): Description | Promise<Description>;
  /** A candidate the SFU trickles to the browser; null drops it. */
  candidateToPeer(c: CandidateMessage): CandidateMessage | null;
  /** A candidate the browser trickles to the SFU; null drops it. */
  candidateFromPeer(c: CandidateMessage): CandidateMessage | null;
  /**
   * The peer left or the SFU stopped: release what the link holds (relay mappings). 'replaced': the
   * same peer rejoined on a new connection (a full reconnect), whose link is made anew: a per-peer
   * resource (the peer's relay) must stay.
   */
  close(reason?: 'left' | 'replaced'): void | Promise<void>;
}

export type LinkFactory = (info: PeerLinkInfo) => PeerLink | Promise<PeerLink>;

const CANDIDATE_ADDRESS = /^(?:a=)?candidate:\S+ \d+ (\S+) \d+ (\S+) \d+ typ/i;

/** The address and transport of a candidate line, or null when it is not one. */
export function candidateAddress(line: string): { transport: string; address: string } | null {
  const m = CANDIDATE_ADDRESS.exec(line.trim());
  return m ? { transport: m[1].toLowerCase(), address: m[2] } : null;
}

/** Keeps only UDP candidates on the allowed addresses (in a description's a=candidate lines). */
export function filterSdpCandidates(sdp: string, allowed: ReadonlySet<string>): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const c = candidateAddress(line);
      return c !== null && c.transport === 'udp' && allowed.has(c.address);
    })
    .join(eol);
}

/**
 * The link without a relay: the SFU advertises only its host address. The browser's candidates
 * pass unchanged: Chrome gathers none on loopback, so the SFU learns its address from the checks it
 * receives (peer-reflexive), and the traffic stays on this host.
 */
export function directLink(allowedSfuAddresses: readonly string[]): LinkFactory {
  const allowed = new Set(allowedSfuAddresses);
  return () => ({
    toPeer: (d) => ({ type: d.type, sdp: filterSdpCandidates(d.sdp, allowed) }),
    fromPeer: (d) => d,
    candidateToPeer: (c) => {
      const a = candidateAddress(c.candidate);
      return a !== null && a.transport === 'udp' && allowed.has(a.address) ? c : null;
    },
    candidateFromPeer: (c) => c,
    close: () => undefined,
  });
}
