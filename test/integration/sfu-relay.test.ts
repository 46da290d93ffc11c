// The SFU behind shaped links: each browser peer reaches the SFU only through its own relay (5 Mbps,
// 20 ms each way). Media flows, no packet goes around the relays, and the publisher reaches its top
// layer within 10 s on the 5 Mbps uplink (the acceptance figure).
import { describe, expect, test } from 'vitest';
import { startBrowserSession } from '../../harness/browser/session.ts';
import { startRelay } from '../../harness/relay/index.ts';
import type { Relay } from '../../harness/relay/index.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import { relayLink } from '../../harness/sfu/relay-link.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { topLayerUp } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();
const MBPS = 1_000_000;

describe.skipIf(!chromiumPath)('SFU behind the relay', () => {
  test('1 publisher + 1 subscriber, each through its own 5 Mbps relay', async () => {
    const relays = new Map<string, Relay>();
    const ports = new Map<string, number>();
    const sc = scenario([phase('5mbps', 0, { capacity: { kind: 'constant', bps: 5 * MBPS }, delayMs: 20 })], [], 60_000);
    const sfu = new Sfu({
      link: relayLink(
        async (info) => {
          const r = await startRelay({ scenario: sc });
          relays.set(info.peerId, r);
          return r;
        },
        { closeRelayOnLeave: false, onMapping: (info, m) => ports.set(info.peerId, m.port) },
      ),
    });
    const { url } = await sfu.start();
    sfu.createRoom('room', { token: 'tok', uplinkCapBps: 5 * MBPS });
    const originEpochMs = performance.timeOrigin + performance.now() - sfu.now();
    try {
      const session = await startBrowserSession({
        signalingUrl: url,
        originEpochMs,
        peers: [
          { id: 'pub', role: 'publisher', room: 'room', token: 'tok' },
          { id: 'sub', role: 'subscriber', room: 'room', token: 'tok' },
        ],
      });
      try {
        await session.waitFor(() => topLayerUp(session.latest('pub')), 12_000, 'publisher top layer through the relay');
        const joinedEvent = sfu.events.find((e) => e.kind === 'peer' && e.peerId === 'pub' && e.state === 'joined');
        if (joinedEvent?.kind !== 'peer') throw new Error('pub never joined');
        const joined = joinedEvent.tMs;
        const rampMs = session.samplesOf('pub').find((s) => topLayerUp(s))!.tMs - joined;
        await session.waitFor(() => (session.latest('sub')?.inbound[0]?.framesDecoded ?? 0) > 60, 10_000, 'subscriber decoding through the relay');
        const pub = session.latest('pub')!;
        const sub = session.latest('sub')!;
        // Each browser's selected pair ends at its relay port, nowhere else.
        expect(pub.candidatePair?.remoteAddress).toBe(`127.0.0.1:${ports.get('pub')}`);
        expect(sub.candidatePair?.remoteAddress).toBe(`127.0.0.1:${ports.get('sub')}`);
        const pubCounters = await relays.get('pub')!.counters();
        const subCounters = await relays.get('sub')!.counters();
        expect(pubCounters.up.delivered.bytes).toBeGreaterThan(200_000); // media up from the publisher
        expect(subCounters.down.delivered.bytes).toBeGreaterThan(100_000); // media down to the subscriber
        console.log(
          `through the relays (5 Mbps, 20 ms): publisher top layer after ${(rampMs / 1000).toFixed(1)} s, ` +
            `RTT ${pub.candidatePair?.currentRoundTripTimeMs} ms; relay up ${Math.round(pubCounters.up.delivered.bytes / 1000)} kB, ` +
            `down to the subscriber ${Math.round(subCounters.down.delivered.bytes / 1000)} kB, ` +
            `subscriber ${sub.inbound[0].frameWidth}x${sub.inbound[0].frameHeight} ${Math.round(sub.inbound[0].bitrateBps / 1000)} kbps`,
        );
        expect(rampMs).toBeLessThanOrEqual(10_000);
        expect(pub.candidatePair?.currentRoundTripTimeMs ?? 0).toBeGreaterThanOrEqual(35); // 2 x 20 ms of the link model
        expect(session.errors).toEqual([]);
      } finally {
        await session.close();
      }
    } finally {
      await sfu.stop();
      await Promise.all([...relays.values()].map((r) => r.close().catch(() => undefined)));
    }
  }, 40_000);
});
