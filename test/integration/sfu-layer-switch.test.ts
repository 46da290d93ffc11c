// A forced layer switch h -> m -> h through the selector: the subscriber's resolution follows, the switch
// waits for a keyframe of the target layer, and decoding goes on without a freeze, a PLI or a gap.
import { describe, expect, test } from 'vitest';
import { createForcedSelector } from '../../algorithms/layer/forced.ts';
import type { PeerStatsSample } from '../../harness/browser/stats-types.ts';
import type { SfuLayerSwitch } from '../../harness/sfu/index.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { startLive } from '../helpers/sfu-live.ts';
import type { Live } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();

const inbound = (s: PeerStatsSample | undefined) => s?.inbound[0];

function switches(live: Live): SfuLayerSwitch[] {
  return live.sfu.events.flatMap((e) => (e.kind === 'switch' ? [e.event] : []));
}

/** Forces `rid`, waits for the subscriber to show `width`, then checks the seconds around the switch. */
async function switchTo(live: Live, force: (rid: string) => void, rid: string, width: number) {
  const { session } = live;
  const before = inbound(session.latest('sub'))!;
  const switchesBefore = switches(live).length;
  const askedAtMs = live.sfu.now();
  force(rid);
  await session.waitFor(() => inbound(session.latest('sub'))?.frameWidth === width, 8000, `subscriber at ${width} px after forcing ${rid}`);
  const seenAtMs = session.latest('sub')!.tMs;
  // Two more seconds of decoding on the new layer.
  const n = session.samplesOf('sub').length;
  await session.waitFor(() => session.samplesOf('sub').length >= n + 2, 5000, 'two more samples');
  const after = session.samplesOf('sub').filter((s) => s.tMs >= askedAtMs - 1000);
  const last = inbound(after[after.length - 1])!;
  const sw = switches(live).slice(switchesBefore);
  expect(sw.map((s) => s.to)).toEqual([rid]); // one switch, to the forced layer
  expect(sw[0].reason).toBe(`forced to ${rid}`);
  for (let i = 1; i < after.length; i++) expect(inbound(after[i])!.framesDecoded).toBeGreaterThan(inbound(after[i - 1])!.framesDecoded);
  expect(last.freezeCount).toBe(before.freezeCount);
  expect(last.pliCount).toBe(before.pliCount); // a decode error would make Chrome ask for a keyframe
  expect(last.firCount).toBe(before.firCount);
  expect(last.keyFramesDecoded).toBeGreaterThan(before.keyFramesDecoded); // the switch point itself
  expect(last.packetsLost).toBe(before.packetsLost); // the renumbered stream has no gap
  return { waitedMs: sw[0].waitedMs, visibleAfterMs: seenAtMs - askedAtMs };
}

async function hToMToH(codec: 'VP8' | 'H264') {
  const forced = createForcedSelector();
  forced.force('h');
  const live = await startLive({ codec, layerSelector: () => forced }, [
    { id: 'pub', role: 'publisher' },
    { id: 'sub', role: 'subscriber' },
  ]);
  try {
    const { session } = live;
    await session.waitFor(() => inbound(session.latest('sub'))?.frameWidth === 1280 && (inbound(session.latest('sub'))?.framesDecoded ?? 0) > 30, 15_000, 'subscriber on h');
    const down = await switchTo(live, (r) => forced.force(r), 'm', 640);
    const up = await switchTo(live, (r) => forced.force(r), 'h', 1280);
    console.log(
      `${codec} switch h -> m: keyframe after ${down.waitedMs.toFixed(0)} ms, seen by the subscriber's stats within ${(down.visibleAfterMs / 1000).toFixed(1)} s; ` +
        `m -> h: keyframe after ${up.waitedMs.toFixed(0)} ms, seen within ${(up.visibleAfterMs / 1000).toFixed(1)} s`,
    );
    expect(down.waitedMs).toBeLessThan(1000);
    expect(up.waitedMs).toBeLessThan(1000);
    expect(session.errors).toEqual([]);
  } finally {
    await live.close();
  }
}

describe.skipIf(!chromiumPath)('SFU layer switch', () => {
  test('VP8: h -> m -> h, keyframe-gated, no freeze, no decode error', () => hToMToH('VP8'), 40_000);
  test('H.264: h -> m -> h, keyframe-gated, no freeze, no decode error', () => hToMToH('H264'), 40_000);
});
