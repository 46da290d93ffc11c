import { describe, expect, it } from 'vitest';
import { keepTrickleCandidate, listCandidates, parseCandidate, relayTargetFromSdp, rewriteCandidates, stripCandidates } from '../../harness/relay/sdp.ts';

// A Chrome-style answer: BUNDLE, rtcp-mux, host + srflx + TCP candidates in the first section.
const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic: WMS',
  'm=audio 50123 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 192.168.1.20',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 50123 typ host generation 0 network-id 1',
  'a=candidate:2 1 udp 2122194687 192.168.1.20 50124 typ host generation 0',
  'a=candidate:3 1 udp 1686052607 203.0.113.7 61000 typ srflx raddr 192.168.1.20 rport 50124 generation 0',
  'a=candidate:4 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0',
  'a=end-of-candidates',
  'a=ice-ufrag:abcd',
  'a=mid:0',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'm=video 0 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=bundle-only',
  'a=mid:1',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

const RELAY = { address: '127.0.0.1', port: 40000 };

describe('SDP candidate rewriting for the relay', () => {
  it('parses candidates and picks the far peer\'s UDP host candidate as the relay target', () => {
    expect(listCandidates(SDP)).toHaveLength(4);
    expect(parseCandidate('candidate:3 1 udp 1686052607 203.0.113.7 61000 typ srflx raddr x rport 1')).toMatchObject({ type: 'srflx', port: 61000, transport: 'udp' });
    expect(parseCandidate('a=ice-ufrag:x')).toBeNull();
    expect(relayTargetFromSdp(SDP)).toEqual({ address: '127.0.0.1', port: 50123 });
    expect(relayTargetFromSdp(SDP, '10.9.9.9')).toBeNull();
  });

  it('leaves the relay as the only candidate of every live section and points c= and m= at it', () => {
    const out = rewriteCandidates(SDP, RELAY);
    const cands = listCandidates(out);
    // The BUNDLE-tagged audio section carries the one candidate; the bundle-only video section none.
    expect(cands).toEqual([{ foundation: 'netqoerelay', component: 1, transport: 'udp', priority: 2130706431, address: '127.0.0.1', port: 40000, type: 'host' }]);
    expect(out).not.toMatch(/192\.168\.1\.20|203\.0\.113\.7|50123|a=rtcp:9/);
    expect(out).toContain('m=audio 40000 UDP/TLS/RTP/SAVPF 111');
    expect(out).toContain('c=IN IP4 127.0.0.1');
    expect(out.endsWith('\r\n')).toBe(true);
    expect(out.split('\r\n').filter((l) => l === 'a=end-of-candidates')).toHaveLength(1);
    // Everything else is untouched.
    for (const l of ['a=group:BUNDLE 0 1', 'a=ice-ufrag:abcd', 'a=rtpmap:96 VP8/90000', 'a=bundle-only']) expect(out).toContain(l);
  });

  it('refuses a live section without rtcp-mux', () => {
    expect(() => rewriteCandidates(SDP.replace('a=rtcp-mux\r\na=rtpmap:111', 'a=rtpmap:111'), RELAY)).toThrow(/rtcp-mux/);
  });

  it('strips every candidate for the far peer, and lets only the relay\'s trickle through', () => {
    const out = stripCandidates(SDP);
    expect(listCandidates(out)).toEqual([]);
    expect(out).not.toContain('a=end-of-candidates');
    expect(out).toContain('a=mid:1');
    expect(keepTrickleCandidate('candidate:9 1 udp 2122260223 127.0.0.1 50999 typ host', RELAY)).toBe(false);
    expect(keepTrickleCandidate('candidate:9 1 udp 2122260223 127.0.0.1 40000 typ host', RELAY)).toBe(true);
    expect(keepTrickleCandidate('candidate:9 1 tcp 2122260223 127.0.0.1 40000 typ host', RELAY)).toBe(false);
    expect(keepTrickleCandidate('')).toBe(true);
  });
});
