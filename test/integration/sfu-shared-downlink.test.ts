// Two publishers, one subscriber on a constrained downlink (through the relay, gcc estimating it): the
// subscriber's one estimate is split across its two feeds (algorithms/layer/share-downlink.ts), so the
// layers forwarded add up to less than the link while both streams play. Before the split each feed
// was given the whole estimate and both went to h (2 x h > the link).
import { describe, expect, test } from 'vitest';
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import { startBrowserSession } from '../../harness/browser/session.ts';
import { startRelay } from '../../harness/relay/index.ts';
import type { Relay } from '../../harness/relay/index.ts';
import { bweDownlinkRoomOptions } from '../../harness/sfu/bwe-adapter.ts';
import { Sfu } from '../../harness/sfu/index.ts';
import type { SfuPublisherSample, SfuSubscriberSample } from '../../harness/sfu/index.ts';
import { directLink } from '../../harness/sfu/link.ts';
import { relayLink } from '../../harness/sfu/relay-link.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();
const LINK_BPS = 1_000_000;
/** Judged from this long after both feeds first decode (gcc's ramp and the first switches) ... */
const SETTLE_MS = 6000;
/** ... for this long. */
const WINDOW_MS = 12_000;
const queue = { limit: 200, unit: 'ms' as const, discipline: 'droptail' as const };
const PUBS = ['p1', 'p2'];

describe.skipIf(!chromiumPath)('SFU: two publishers share one subscriber downlink', () => {
  test(`${LINK_BPS / 1000} kbps downlink: the forwarded layers add up to less than the link, both streams play`, async () => {
    const link = (bps: number) => ({ capacity: { kind: 'constant' as const, bps }, delayMs: 20, queue });
    let subRelay: Relay | null = null;
    const relayed = relayLink(() => subRelay!, { closeRelayOnLeave: false });
    const direct = directLink(['127.0.0.1']);
    const sfu = new Sfu({ link: (info) => (info.peerId === 'sub' ? relayed(info) : direct(info)) });
    const { url } = await sfu.start();
    sfu.createRoom('room', { token: 'tok', uplinkCapBps: 5_000_000, ...bweDownlinkRoomOptions('gcc') });
    try {
      subRelay = await startRelay({ scenario: scenario([phase('constrained', 0, link(LINK_BPS), link(5_000_000))], [], 120_000) });
      const originEpochMs = performance.timeOrigin + performance.now() - sfu.now();
      const session = await startBrowserSession({
        signalingUrl: url,
        originEpochMs,
        peers: [...PUBS.map((id) => ({ id, role: 'publisher' as const, room: 'room', token: 'tok' })), { id: 'sub', role: 'subscriber' as const, room: 'room', token: 'tok' }],
      });
      try {
        const subIn = () => session.samplesOf('sub');
        const decoding = (s: PeerStatsSample | undefined) => PUBS.every((p) => (s?.inbound.find((i) => i.publisherId === p)?.framesDecoded ?? 0) > 0);
        await session.waitFor(() => decoding(subIn().at(-1)), 20_000, 'both streams decoding on the subscriber');
        const startMs = sfu.now() + SETTLE_MS;
        const endMs = startMs + WINDOW_MS;
        await session.waitFor(() => sfu.now() > endMs + 1200, SETTLE_MS + WINDOW_MS + 5000, 'the measured window');

        const subSamples: SfuSubscriberSample[] = sfu.events.flatMap((e) => (e.kind === 'subscriber' ? [e.sample] : []));
        const pubSamples: SfuPublisherSample[] = sfu.events.flatMap((e) => (e.kind === 'publisher' ? [e.sample] : []));
        // Per SFU second: each feed's layer and that layer's incoming rate at the publisher (the media forwarded, no padding).
        const seconds = [...new Set(subSamples.map((s) => s.tMs))].sort((a, b) => a - b);
        const rows = seconds.map((t) => {
          const feeds = PUBS.map((p) => {
            const s = subSamples.find((x) => x.tMs === t && x.publisherId === p);
            const pub = pubSamples.filter((x) => x.publisherId === p && Math.abs(x.tMs - t) < 600).at(-1);
            const rateBps = pub?.layers.find((l) => l.rid === s?.layer)?.bitrateBps ?? 0;
            const hBps = pub?.layers.find((l) => l.rid === 'h')?.bitrateBps ?? 0;
            return { layer: s?.layer ?? '-', shareBps: s?.shareBps ?? 0, rateBps, hBps, forwardedBps: s?.forwardedBps ?? 0, reason: s?.reason ?? '' };
          });
          const est = subSamples.find((x) => x.tMs === t)?.estimateBps ?? 0;
          return { t, est, feeds, sumBps: feeds.reduce((a, f) => a + f.rateBps, 0), hhBps: feeds.reduce((a, f) => a + f.hBps, 0) };
        });
        const inWindow = rows.filter((r) => r.t >= startMs && r.t <= endMs);
        const kbps = (b: number) => Math.round(b / 1000);
        const trail = () =>
          rows
            .map((r) => `${((r.t - startMs) / 1000).toFixed(1)} s est ${kbps(r.est)} | ${r.feeds.map((f) => `${f.layer} ${kbps(f.rateBps)} (share ${kbps(f.shareBps)}, sent ${kbps(f.forwardedBps)})`).join(' + ')} = ${kbps(r.sumBps)} kbps; 2 x h ${kbps(r.hhBps)}`)
            .join('\n');
        const win = subIn().filter((s) => s.tMs >= startMs && s.tMs <= endMs);
        const frames = (s: PeerStatsSample, p: string) => s.inbound.find((i) => i.publisherId === p)?.framesDecoded ?? 0;
        const freezes = (s: PeerStatsSample, p: string) => s.inbound.find((i) => i.publisherId === p)?.freezeCount ?? 0;
        const fps = PUBS.map((p) => (win.length > 1 ? (frames(win.at(-1)!, p) - frames(win[0], p)) / ((win.at(-1)!.tMs - win[0].tMs) / 1000) : 0));
        const meanSum = inWindow.reduce((a, r) => a + r.sumBps, 0) / Math.max(1, inWindow.length);
        const over = inWindow.filter((r) => r.sumBps > LINK_BPS);
        const meanHh = inWindow.reduce((a, r) => a + r.hhBps, 0) / Math.max(1, inWindow.length);
        console.log(
          `shared downlink ${kbps(LINK_BPS)} kbps: forwarded media sum mean ${kbps(meanSum)} kbps (max ${kbps(Math.max(...inWindow.map((r) => r.sumBps)))}), ` +
            `seconds over the link ${over.length}/${inWindow.length}; 2 x h would be ${kbps(meanHh)} kbps; decoded fps ${fps.map((f) => f.toFixed(1)).join(' / ')}; ` +
            `freezes ${PUBS.map((p) => (win.length ? freezes(win.at(-1)!, p) - freezes(win[0], p) : 0)).join(' / ')}; layers ${inWindow.map((r) => r.feeds.map((f) => f.layer).join('')).join(' ')}\n` +
            `last reasons: ${inWindow.at(-1)?.feeds.map((f) => f.reason).join(' | ')}`,
        );
        try {
          expect(inWindow.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 2);
          // The test means something: both feeds on h would not fit the link.
          expect(meanHh).toBeGreaterThan(LINK_BPS);
          // The split: the layers forwarded add up to less than the link (a switch's keyframe may lift one second).
          expect(meanSum).toBeLessThan(LINK_BPS);
          expect(over.length).toBeLessThanOrEqual(1);
          // Both streams play through the window.
          expect(win.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 2);
          for (const f of fps) expect(f).toBeGreaterThan(10);
          // At most one second without a decoded frame per stream (a loaded CI machine may stall one).
          for (const p of PUBS) expect(win.slice(1).filter((s, i) => frames(s, p) <= frames(win[i], p)).length).toBeLessThanOrEqual(1);
          expect(session.errors).toEqual([]);
        } catch (err) {
          console.log(`per second (from the window's start):\n${trail()}`);
          throw err;
        }
      } finally {
        await session.close();
      }
    } finally {
      await sfu.stop();
      await subRelay?.close().catch(() => undefined);
    }
  }, 60_000);
});
