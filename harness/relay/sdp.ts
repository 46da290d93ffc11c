// SDP helpers that put a WebRTC peer behind the relay (docs/relay.md, "WebRTC"). ICE candidates follow
// RFC 8839 (a=candidate grammar); rtcp-mux (RFC 8035) and BUNDLE keep all media on one 5-tuple, which is
// what one UDP mapping carries.
//
// The peer under test (A) gets the far peer's (B's) description with every candidate replaced by the relay's
// client-facing address; B gets A's description with no candidates at all, so B learns A only as a
// peer-reflexive candidate from checks that arrive through the relay. Neither side knows an address that
// leads around the relay, and trickled candidates are dropped (keepTrickleCandidate).

export interface RelayAddress {
  address: string;
  port: number;
}

export interface SdpCandidate {
  foundation: string;
  component: number;
  transport: string;
  priority: number;
  address: string;
  port: number;
  type: string;
}

const CANDIDATE_RE = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ (\S+)/i;

function splitLines(sdp: string): { lines: string[]; eol: string } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return { lines, eol };
}

function ipVersion(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}

/** Parses one candidate ("candidate:..." or "a=candidate:..."); null when it is not one. */
export function parseCandidate(line: string): SdpCandidate | null {
  const m = CANDIDATE_RE.exec(line.startsWith('a=') ? line : `a=${line}`);
  if (!m) return null;
  return {
    foundation: m[1],
    component: Number(m[2]),
    transport: m[3].toLowerCase(),
    priority: Number(m[4]),
    address: m[5],
    port: Number(m[6]),
    type: m[7].toLowerCase(),
  };
}

/** Every candidate of the description, in order (to pick the relay's target: B's UDP host candidate). */
export function listCandidates(sdp: string): SdpCandidate[] {
  const out: SdpCandidate[] = [];
  for (const line of splitLines(sdp).lines) {
    const c = parseCandidate(line);
    if (c) out.push(c);
  }
  return out;
}

/** The candidate the relay should forward to: the first UDP candidate of component 1 on `address`. */
export function relayTargetFromSdp(sdp: string, address = '127.0.0.1'): RelayAddress | null {
  const c = listCandidates(sdp).find((x) => x.transport === 'udp' && x.component === 1 && x.address === address);
  return c ? { address: c.address, port: c.port } : null;
}

function rewriteSections(sdp: string, perSection: (section: string[], isMedia: boolean) => string[]): string {
  const { lines, eol } = splitLines(sdp);
  const sections: string[][] = [[]];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  const out = sections.flatMap((s, i) => perSection(s, i > 0));
  return out.join(eol) + eol;
}

const isCandidateLine = (l: string) => l.startsWith('a=candidate:') || l === 'a=end-of-candidates' || l.startsWith('a=rtcp:');

/**
 * For the peer behind the relay: every candidate of every media section with a port is replaced by one UDP
 * host candidate at the relay's address, and the connection lines point there. Throws for a live section without
 * a=rtcp-mux (its RTCP would need a second 5-tuple the relay does not map).
 */
export function rewriteCandidates(sdp: string, relay: RelayAddress): string {
  const ipv = ipVersion(relay.address);
  return rewriteSections(sdp, (section, isMedia) => {
    if (!isMedia) return section.filter((l) => !isCandidateLine(l));
    const mLine = section[0].split(' ');
    // Port 0: rejected, or bundle-only (it rides on the BUNDLE tag's transport and carries no candidates).
    if (mLine[1] === '0') return section.filter((l) => !isCandidateLine(l));
    if (!section.includes('a=rtcp-mux')) {
      throw new Error(`rewriteCandidates: media section "${section[0]}" has no a=rtcp-mux; the relay carries one 5-tuple per peer`);
    }
    const out: string[] = [];
    for (const line of section) {
      if (isCandidateLine(line)) continue;
      if (line === section[0]) {
        mLine[1] = String(relay.port);
        out.push(mLine.join(' '));
      } else if (line.startsWith('c=')) {
        out.push(`c=IN ${ipv} ${relay.address}`);
      } else {
        out.push(line);
      }
    }
    // Highest host priority (RFC 8445 5.1.2.1, type preference 126, local preference 65535, component 1).
    out.push(`a=candidate:netqoerelay 1 udp 2130706431 ${relay.address} ${relay.port} typ host generation 0`);
    out.push('a=end-of-candidates');
    return out;
  });
}

/** For the far peer: no candidates at all, so it can reach the peer under test only through the relay. */
export function stripCandidates(sdp: string): string {
  return rewriteSections(sdp, (section) => section.filter((l) => !isCandidateLine(l)));
}

/** Trickled candidates: only the relay's own may pass (an empty string ends gathering and is kept). */
export function keepTrickleCandidate(candidate: string, relay?: RelayAddress): boolean {
  if (candidate === '') return true;
  const c = parseCandidate(candidate);
  return c !== null && relay !== undefined && c.transport === 'udp' && c.address === relay.address && c.port === relay.port;
}
