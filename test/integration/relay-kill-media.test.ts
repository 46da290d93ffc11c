// No media packet bypasses the shaped links: a live call (Chromium publisher and subscriber, the werift SFU) with
// each browser behind its own relay; mid-call both relays close and everything must stop, for longer than ICE
// takes to give up on a dead pair and try any other. Were any SFU address other than a relay's in the SDP (or any
// socket reachable around the relays), the browsers would find it and media would come back.
import { describe, expect, test } from 'vitest';
import { startBrowserSession } from '../../harness/browser/session.ts';
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import { startRelay } from '../../harness/relay/index.ts';
import type { Relay } from '../../harness/relay/index.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import { relayLink } from '../../harness/sfu/relay-link.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();
/** After the close: packets already past the relays may land for a moment, then nothing for this long. */
const SETTLE_MS = 2000;
const WATCH_MS = 9000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!chromiumPath)('closing the relays mid-call', () => {
  test("media stops both ways: the subscriber decodes and receives nothing more, the SFU gets no publisher packets", async () => {
    const relays = new Map<string, Relay>();
    const sc = scenario([phase('5mbps', 0, { capacity: { kind: 'constant', bps: 5_000_000 }, delayMs: 10 })], [], 120_000);
    const sfu = new Sfu({
      link: relayLink(
        async (info) => {
          const r = await startRelay({ scenario: sc });
          relays.set(info.peerId, r);
          return r;
        },
        { closeRelayOnLeave: false },
      ),
    });
    const { url } = await sfu.start();
    sfu.createRoom('room', { token: 'tok' });
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
        const decoded = (s: PeerStatsSample | undefined) => s?.inbound[0]?.framesDecoded ?? 0;
        await session.waitFor(() => decoded(session.latest('sub')) > 30, 15_000, 'subscriber decoding through the relays');
        const publisherBps = (fromMs: number, toMs = Infinity) =>
          sfu.events.flatMap((e) => (e.kind === 'publisher' && e.sample.tMs >= fromMs && e.sample.tMs < toMs ? [e.sample.layers.reduce((s, l) => s + l.bitrateBps, 0)] : []));
        expect(Math.max(...publisherBps(0))).toBeGreaterThan(100_000); // the SFU was receiving media

        const closeAtMs = sfu.now();
        await Promise.all([...relays.values()].map((r) => r.close()));
        await sleep(SETTLE_MS + WATCH_MS + 1000); // the last window's samples too

        const sub = session.samplesOf('sub').filter((s) => s.tMs >= closeAtMs + SETTLE_MS && s.tMs <= closeAtMs + SETTLE_MS + WATCH_MS);
        expect(sub.length).toBeGreaterThanOrEqual(WATCH_MS / 1000 - 2);
        const first = sub[0];
        const last = sub[sub.length - 1];
        const after = publisherBps(closeAtMs + SETTLE_MS, closeAtMs + SETTLE_MS + WATCH_MS);
        console.log(
          `relays closed at ${Math.round(closeAtMs)} ms: over the next ${(last.tMs - first.tMs) / 1000} s the subscriber decoded ${decoded(last) - decoded(first)} frames, ` +
            `received ${last.inbound[0].packetsReceived - first.inbound[0].packetsReceived} packets; SFU publisher rate ${JSON.stringify(after)} bps; ` +
            `subscriber connection ${last.connectionState}, before: ${decoded(session.samplesOf('sub').filter((s) => s.tMs < closeAtMs).at(-1))} frames`,
        );
        expect(decoded(last)).toBe(decoded(first));
        expect(last.inbound[0].packetsReceived).toBe(first.inbound[0].packetsReceived);
        expect(last.candidatePair?.bytesReceived ?? null).toBe(first.candidatePair?.bytesReceived ?? null);
        expect(after.length).toBeGreaterThanOrEqual(WATCH_MS / 1000 - 2);
        expect(after.every((bps) => bps === 0)).toBe(true);
      } finally {
        await session.close();
      }
    } finally {
      await sfu.stop();
      await Promise.all([...relays.values()].map((r) => r.close().catch(() => undefined)));
    }
  }, 45_000);
});
