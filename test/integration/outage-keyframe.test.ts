// After a 1 s outage on a subscriber's downlink (720p, 5 Mbps, as in the scored live run), the picture comes back
// about when the link does: the subscriber's first NACK lists the whole gap, and the SFU asks the publisher for a
// keyframe at once (harness/sfu/loss-burst.ts). Without it the backlog's retransmissions (within the budget) never
// completed the frames and Chrome's own PLI came from its 3 s frame timeout: the picture froze 3.3 s.
import { expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { buildTimeline } from '../../harness/media/frame-timeline.ts';
import { PublisherPeer } from '../../harness/sfu/publisher.ts';
import { phase, scenario } from '../helpers/link-scenario.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { startScoringLive } from '../helpers/scoring-live.ts';

const chromium = requireChromium();

test.skipIf(!chromium)('a 1 s downlink outage at 720p: the SFU asks for a keyframe when the link is back, the freeze lasts < 2 s (Chrome alone: 3.3 s)', async () => {
  const clip = await ensureReferenceClip({ height: 720, durationS: 10 });
  const OUTAGE_AT_MS = 3000;
  const sc = scenario([phase('clean', 0, { capacity: { kind: 'constant', bps: 5_000_000 }, delayMs: 20 })], [{ type: 'outage', atMs: OUTAGE_AT_MS, durationMs: 1000, direction: 'down' }], 60_000);
  const live = await startScoringLive({ clipPath: clip.path, pixels: false, subscriberScenario: sc });
  const keyframeAsksMs: number[] = [];
  const original = PublisherPeer.prototype.requestKeyframe;
  PublisherPeer.prototype.requestKeyframe = function (index: number) {
    keyframeAsksMs.push(live.nowMs());
    original.call(this, index);
  };
  try {
    // 2.5 s after the outage's end: before Chrome's 3 s frame timeout could have produced the keyframe itself.
    await live.session.waitFor(() => live.relayStartMs !== null && live.nowMs() > live.relayStartMs + OUTAGE_AT_MS + 3500, 20_000, 'the outage and 2.5 s after it');
    await live.session.stopPeer('sub');
    await live.session.stopPeer('pub');
    await live.sink.sync();
    const outageMs = live.relayStartMs! + OUTAGE_AT_MS;
    const sub = live.sink.framesOf('sub');
    const timeline = buildTimeline(sub, clip.frames, clip.fps);
    const freezes = timeline.freezes.filter((f) => f.startMs + f.durationMs > outageMs && f.startMs < outageMs + 1000);
    const asks = keyframeAsksMs.filter((t) => t > outageMs + 900 && t < outageMs + 2000).map((t) => Math.round(t - outageMs));
    console.log(`outage at ${Math.round(outageMs)} ms: freezes ${timeline.freezes.map((f) => `${Math.round(f.startMs - outageMs)}+${Math.round(f.durationMs)}`).join(', ')} ms (from the outage); keyframe asks at ${asks.join(', ')} ms`);
    expect(freezes).toHaveLength(1);
    // The outage itself (1 s) plus a keyframe's round trip and encode; Chrome's frame timeout alone makes >= 3 s.
    expect(freezes[0].durationMs).toBeGreaterThan(800);
    expect(freezes[0].durationMs).toBeLessThan(2000);
    expect(asks.length).toBeGreaterThan(0);
    // Video flows after the freeze: frames shown in the second after it ended.
    const end = freezes[0].startMs + freezes[0].durationMs;
    expect(sub.filter((f) => f.displayMs > end && f.displayMs < end + 1000).length).toBeGreaterThan(5);
  } finally {
    PublisherPeer.prototype.requestKeyframe = original;
    await live.close();
  }
}, 60_000);
