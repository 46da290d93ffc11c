// Downlink estimation in the live SFU with gcc (harness/sfu/bwe-adapter.ts): a publisher and a
// subscriber, each behind its own relay; the subscriber's downlink drops from 5 Mbps to 600 kbps and
// comes back. The SFU must move it to a layer that fits within 3 s of the drop and back to the top
// within 15 s of the return (the issue's acceptance figures), each switch at a keyframe, decoding on.
import { describe, expect, test } from 'vitest';
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import { startBrowserSession } from '../../harness/browser/session.ts';
import { startRelay } from '../../harness/relay/index.ts';
import type { Relay } from '../../harness/relay/index.ts';
import { bweDownlinkRoomOptions } from '../../harness/sfu/bwe-adapter.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import type { SfuLayerSwitch, SfuSubscriberSample } from '../../harness/sfu/index.ts';
import { relayLink } from '../../harness/sfu/relay-link.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();
const MBPS = 1_000_000;
/** Relay time (ms since the relays started, just before the browsers). */
const DROP_MS = 14_000;
const RETURN_MS = 24_000;
const LOW_BPS = 600_000;
const queue = { limit: 200, unit: 'ms' as const, discipline: 'droptail' as const }; // the scenario format's default

const inbound = (s: PeerStatsSample | undefined) => s?.inbound[0];

describe.skipIf(!chromiumPath)('SFU downlink estimation with gcc', () => {
  test('5 Mbps -> 600 kbps -> 5 Mbps: down to m within 3 s, back to h within 15 s, decoding through every switch', async () => {
    const link = (bps: number) => ({ capacity: { kind: 'constant' as const, bps }, delayMs: 20, queue });
    const pubScenario = scenario([phase('5mbps', 0, link(5 * MBPS))], [], 120_000);
    const subScenario = scenario(
      [phase('5mbps', 0, link(5 * MBPS)), phase('drop', DROP_MS, link(LOW_BPS), link(5 * MBPS)), phase('back', RETURN_MS, link(5 * MBPS))],
      [],
      120_000,
    );
    const relays = new Map<string, Relay>();
    const sfu = new Sfu({ link: relayLink((info) => relays.get(info.peerId)!, { closeRelayOnLeave: false }) });
    const { url } = await sfu.start();
    sfu.createRoom('room', { token: 'tok', uplinkCapBps: 5 * MBPS, ...bweDownlinkRoomOptions('gcc') });
    try {
      relays.set('pub', await startRelay({ scenario: pubScenario }));
      relays.set('sub', await startRelay({ scenario: subScenario }));
      const subRelay = relays.get('sub')!;
      const relayToSfuMs = sfu.now() - subRelay.nowMs();
      const dropAt = DROP_MS + relayToSfuMs;
      const returnAt = RETURN_MS + relayToSfuMs;
      const originEpochMs = performance.timeOrigin + performance.now() - sfu.now();
      const session = await startBrowserSession({
        signalingUrl: url,
        originEpochMs,
        peers: [
          { id: 'pub', role: 'publisher', room: 'room', token: 'tok' },
          { id: 'sub', role: 'subscriber', room: 'room', token: 'tok' },
        ],
      });
      try {
        const subSamples = () => sfu.events.flatMap((e) => (e.kind === 'subscriber' && e.sample.subscriberId === 'sub' ? [e.sample] : []));
        const switches = () => sfu.events.flatMap((e) => (e.kind === 'switch' && e.event.subscriberId === 'sub' ? [e.event] : []));
        const latestLayer = () => subSamples().at(-1)?.layer ?? null;
        await session.waitFor(() => latestLayer() === 'h', dropAt - sfu.now() - 500, 'subscriber on h before the drop');
        const hBeforeMs = sfu.now();
        await session.waitFor(() => sfu.now() > returnAt, returnAt - sfu.now() + 3000, 'the low phase');
        const trail = () => subSamples().filter((s) => s.tMs > dropAt).map((s) => `${((s.tMs - dropAt) / 1000).toFixed(1)} s ${s.layer} ${Math.round(s.estimateBps / 1000)} kbps: ${s.estimateReason}`);
        await session.waitFor(() => switches().some((s) => s.tMs > returnAt && s.to === 'h'), 16_000, 'back on h after the return').catch((err: unknown) => {
          console.log(`per second from the drop:\n${trail().join('\n')}`); // what the estimator did, when it fails
          throw err;
        });
        const n = session.samplesOf('sub').length;
        await session.waitFor(() => session.samplesOf('sub').length >= n + 2, 5000, 'two more samples on h');

        const all: SfuLayerSwitch[] = switches();
        const down = all.find((s) => s.tMs > dropAt && s.to !== 'h')!;
        const up = all.find((s) => s.tMs > returnAt && s.to === 'h')!;
        const inLow = all.filter((s) => s.tMs > dropAt && s.tMs <= returnAt);
        const samples: SfuSubscriberSample[] = subSamples();
        const lowSamples = samples.filter((s) => s.tMs > dropAt + 3000 && s.tMs <= returnAt);
        const pubLayers = sfu.events.flatMap((e) => (e.kind === 'publisher' ? [e.sample] : []));
        const mRate = pubLayers.filter((s) => s.tMs > dropAt && s.tMs <= returnAt).map((s) => s.layers.find((l) => l.rid === 'm')?.bitrateBps ?? 0);
        const hRate = pubLayers.filter((s) => s.tMs < dropAt && s.tMs > hBeforeMs).map((s) => s.layers.find((l) => l.rid === 'h')?.bitrateBps ?? 0);
        const est = (lo: number, hi: number) => samples.filter((s) => s.tMs > lo && s.tMs <= hi).map((s) => Math.round(s.estimateBps / 1000));
        const subIn = session.samplesOf('sub');
        const first = inbound(subIn.find((s) => s.tMs > hBeforeMs))!;
        const last = inbound(subIn.at(-1))!;
        console.log(
          `gcc downlink: h on the subscriber ${((hBeforeMs - session.samplesOf('sub')[0].tMs) / 1000).toFixed(1)} s after its first sample; ` +
            `drop -> ${down.to} after ${((down.tMs - dropAt) / 1000).toFixed(2)} s (keyframe wait ${down.waitedMs.toFixed(0)} ms), ` +
            `return -> h after ${((up.tMs - returnAt) / 1000).toFixed(2)} s (keyframe wait ${up.waitedMs.toFixed(0)} ms); ` +
            `switches in the low phase: ${inLow.map((s) => `${s.from}->${s.to}@${((s.tMs - dropAt) / 1000).toFixed(1)}s`).join(', ')}; ` +
            `low-phase samples from drop+3 s: ${lowSamples.map((s) => s.layer).join('')}; ` +
            `h ${Math.round(Math.max(...hRate) / 1000)} kbps, m ${Math.round(Math.max(...mRate) / 1000)} kbps; ` +
            `estimates (kbps) before ${est(dropAt - 4000, dropAt).join(' ')} | low ${est(dropAt, returnAt).join(' ')} | after ${est(returnAt, up.tMs + 2000).join(' ')}; ` +
            `subscriber: frames ${first.framesDecoded} -> ${last.framesDecoded}, freezes ${first.freezeCount} -> ${last.freezeCount}, ` +
            `lost ${first.packetsLost} -> ${last.packetsLost}, PLI ${first.pliCount} -> ${last.pliCount}`,
        );
        console.log(`reasons: down "${down.reason}"; up "${up.reason}"; estimate at return+1s: "${samples.find((s) => s.tMs > returnAt + 1000)?.estimateReason}"`);

        expect(down.tMs - dropAt).toBeLessThanOrEqual(3000);
        expect(down.to).toBe('m');
        expect(Math.max(...mRate)).toBeLessThan(LOW_BPS);
        // By the end of the low phase it is on m: the layer that fits (a transient to l after the loss of the
        // drop itself, or a probe that overestimated, may come and go in between: reported above).
        expect(lowSamples.length).toBeGreaterThan(3);
        expect(lowSamples.at(-1)!.layer).toBe('m');
        expect(up.tMs - returnAt).toBeLessThanOrEqual(15_000);
        // Every switch's keyframe is decoded and decoding goes on through it (a decode error stops framesDecoded).
        for (const s of all.filter((x) => x.tMs > hBeforeMs)) {
          const around = subIn.filter((x) => x.tMs > s.tMs - 1500 && x.tMs < s.tMs + 3500);
          expect(around.length).toBeGreaterThanOrEqual(3);
          // The switch point: a keyframe of the new layer, decoded.
          const last = [...around].reverse().find((x) => x.tMs <= s.tMs);
          if (last) expect(inbound(around.at(-1))!.keyFramesDecoded).toBeGreaterThan(inbound(last)!.keyFramesDecoded);
          for (let i = 1; i < around.length; i++) expect(inbound(around[i])!.framesDecoded).toBeGreaterThan(inbound(around[i - 1])!.framesDecoded);
        }
        expect(inbound(subIn.at(-1))!.frameWidth).toBe(1280);
        expect(session.errors).toEqual([]);
      } finally {
        await session.close();
      }
    } finally {
      await sfu.stop();
      await Promise.all([...relays.values()].map((r) => r.close().catch(() => undefined)));
    }
  }, 70_000);
});
