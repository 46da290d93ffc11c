// Every subscriber of a call records what it displays, not only the browser's front tab: peers share one
// Chromium as tabs, and a hidden tab's <video> presents nothing (the first of two subscribers of a scored
// CLI run recorded no frame at all). 360p two-layer call, frame numbers only (no pixels): cheap.
import { describe, expect, test } from 'vitest';
import { ensureReferenceClip } from '../../fixtures/reference-clips.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';
import { CAPTURE_360P, LAYERS_360P, startScoringLive } from '../helpers/scoring-live.ts';

const chromium = requireChromium();
const ffmpeg = requireFfmpeg();

describe.skipIf(!chromium || !ffmpeg)('capture on every subscriber', () => {
  test('two subscribers in one browser: both record numbered frames at the call rate', async () => {
    const clip = await ensureReferenceClip({ height: 360, durationS: 12, scenes: ['pattern', 'gradient'] });
    const live = await startScoringLive({ clipPath: clip.path, pixels: false, layers: LAYERS_360P, capture: CAPTURE_360P, subscribers: 2 });
    try {
      const numbered = (id: string) => live.sink.framesOf(id).filter((f) => f.number !== null).length;
      await live.session.waitFor(() => numbered('sub') > 0 && numbered('sub2') > 0, 15_000, 'frames from both subscribers').catch((e) => {
        console.log(`frames recorded: sub ${numbered('sub')}, sub2 ${numbered('sub2')}`);
        throw e;
      });
      const fromMs = live.nowMs();
      const before = { sub: numbered('sub'), sub2: numbered('sub2') };
      await new Promise((r) => setTimeout(r, 4000));
      await live.session.stopPeer('sub');
      await live.session.stopPeer('sub2');
      await live.sink.sync();
      const spanS = (live.nowMs() - fromMs) / 1000;
      const rates = (['sub', 'sub2'] as const).map((id) => (numbered(id) - before[id]) / spanS);
      console.log(`over ${spanS.toFixed(1)} s: sub ${rates[0].toFixed(1)} frames/s, sub2 ${rates[1].toFixed(1)} frames/s`);
      // The clip is 30 fps; on 2 cores the sender may drop some: both well above a trickle, and alike.
      for (const r of rates) expect(r).toBeGreaterThan(10);
      expect(Math.min(...rates) / Math.max(...rates)).toBeGreaterThan(0.6);
      expect(live.session.errors).toEqual([]);
    } finally {
      await live.close();
    }
  }, 60_000);
});
