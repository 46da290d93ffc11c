// A live run with `score`: the publishers' camera plays the numbered 720p clip, the subscriber records what it
// shows, and the run's timeline gets per-second 'frame-score' (VMAF/PSNR/SSIM), 'latency' and any 'freeze'.
import { describe, expect, test } from 'vitest';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';

const chromium = requireChromium();
const ffmpeg = requireFfmpeg();
const SCENARIO = `name: live-scored
duration: 8s
mode: live
network:
  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }
`;

describe.skipIf(!chromium || !ffmpeg)('live run, scored', () => {
  test('an 8 s call scored: frame-score per second with VMAF, latency per second, videoMos', async () => {
    const s = parseScenarioText(SCENARIO, '/tmp/live-scored.yaml');
    const started = performance.now();
    const [run] = await runLiveScenario(s, { score: { pixelsEveryNth: 3 } });
    expect(run.error).toBeUndefined();
    const scores = run.timeline.flatMap((e) => (e.kind === 'frame-score' ? [e] : []));
    const latency = run.timeline.flatMap((e) => (e.kind === 'latency' ? [e] : []));
    console.log(
      `scored 8 s live run in ${((performance.now() - started) / 1000).toFixed(1)} s wall: ` +
        scores.map((e) => `${e.tMs / 1000}s VMAF ${e.vmaf} PSNR ${e.psnrDb} (${e.framesScored}/${e.framesDisplayed})`).join('; ') +
        `; latency ${latency.map((e) => e.medianMs).join(', ')} ms; videoMos ${run.metrics.videoMos}`,
    );
    expect(scores.length).toBeGreaterThanOrEqual(3);
    expect(scores.every((e) => e.peerId === 's1' || e.peerId.length > 0)).toBe(true);
    expect(scores.every((e) => e.vmaf !== null && e.vmaf > 20 && e.vmaf <= 100 && e.psnrDb > 20 && e.ssim > 0.5)).toBe(true);
    expect(scores.every((e) => e.framesScored <= e.framesDisplayed && e.framesScored > 0)).toBe(true);
    expect(latency.length).toBeGreaterThanOrEqual(3);
    expect(latency.every((e) => e.medianMs > 20 && e.medianMs < 1000)).toBe(true); // 2 x 20 ms of link at least one way... and sane
    expect(run.metrics.videoMos).toBeGreaterThan(1);
  }, 120_000);
});
