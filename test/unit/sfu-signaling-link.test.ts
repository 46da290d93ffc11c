import { describe, expect, test } from 'vitest';
import { candidateAddress, directLink, filterSdpCandidates } from '../../harness/sfu/link.ts';
import { parseClientMessage } from '../../harness/sfu/signaling/messages.ts';

describe('signaling messages', () => {
  test('a join parses; a bad one names its field', () => {
    expect(parseClientMessage('{"type":"join","room":"r","token":"t","role":"publisher","codec":"H264"}')).toMatchObject({ ok: true, message: { codec: 'H264' } });
    expect(parseClientMessage('{"type":"join","room":"r","token":"t","role":"publisher","peerId":"a b"}')).toMatchObject({ ok: false, error: expect.stringMatching(/^peerId: /) });
    expect(parseClientMessage('nope')).toEqual({ ok: false, error: 'not JSON' });
    expect(parseClientMessage('{"type":"dance"}')).toMatchObject({ ok: false });
  });

  test('descriptions and candidates (null = end of candidates)', () => {
    expect(parseClientMessage('{"type":"description","description":{"type":"offer","sdp":"v=0"}}').ok).toBe(true);
    expect(parseClientMessage('{"type":"candidate","candidate":null}').ok).toBe(true);
    expect(parseClientMessage('{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}').ok).toBe(true);
  });
});

describe('the direct link (no relay)', () => {
  const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host', 'a=candidate:2 1 udp 2130706431 192.0.2.2 5001 typ host', 'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active', 'a=mid:0', ''].join('\r\n');

  test('candidate lines: address and transport', () => {
    expect(candidateAddress('candidate:2 1 udp 2130706431 192.0.2.2 5001 typ host generation 0')).toEqual({ transport: 'udp', address: '192.0.2.2' });
    expect(candidateAddress('a=mid:0')).toBeNull();
  });

  test('the SFU advertises only UDP candidates on the allowed addresses; other lines are untouched', () => {
    const out = filterSdpCandidates(sdp, new Set(['127.0.0.1']));
    expect(out).toContain('127.0.0.1 5000 typ host');
    expect(out).not.toContain('192.0.2.2');
    expect(out).not.toContain('tcptype');
    expect(out.split('\r\n').length).toBe(sdp.split('\r\n').length - 2);
  });

  test('trickled SFU candidates off the allowed addresses are dropped; the browser\'s pass', async () => {
    const link = await directLink(['127.0.0.1'])({ room: 'r', peerId: 'p', role: 'publisher' });
    expect(link.candidateToPeer({ candidate: 'candidate:2 1 udp 1 192.0.2.2 5001 typ host' })).toBeNull();
    expect(link.candidateToPeer({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' })).not.toBeNull();
    expect(link.candidateFromPeer({ candidate: 'candidate:9 1 udp 1 192.0.2.2 6000 typ host' })).not.toBeNull();
  });
});
