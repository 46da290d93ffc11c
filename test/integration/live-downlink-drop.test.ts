// The issue's live acceptance, run as netqoe runs it (scenarios/live/sfu-downlink-drop.yaml, gcc): one
// publisher, two subscribers on 5 Mbps links; s2's downlink drops to 600 kbps at 20 s and returns at 50 s.
// The SFU moves s2 to a layer that fits within 3 s of the drop and back to the top within 15 s of the
// return, s1 stays on the top layer, no switch causes a decode error, the publisher is at its top layer
// within 10 s; nothing of the call is left running afterwards. One ~70 s test.
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bweNames } from '../../algorithms/bwe/registry.ts';
import { layerSelectorNames } from '../../algorithms/layer/registry.ts';
import { checkSwitches, LayerHistory } from '../../harness/metrics/live-metrics.ts';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import type { SfuLayerSwitch } from '../../harness/sfu/types.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { leftoverProcesses } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();
const FILE = resolve(import.meta.dirname, '../../scenarios/live/sfu-downlink-drop.yaml');

describe.skipIf(!chromiumPath)('live: sfu-downlink-drop with gcc', () => {
  test('layers follow the drop and the return; the other subscriber stays on top; clean switches; clean teardown', async () => {
    const scenario = loadScenario(FILE, { bweNames: bweNames(), layerNames: layerSelectorNames() });
    const browsers: { userDataDir: string; pid: number | undefined }[] = [];
    const started = performance.now();
    const [run] = await runLiveScenario(scenario, { onBrowser: (b) => browsers.push(b) });
    const wallS = (performance.now() - started) / 1000;
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('ok');

    const m = run.metrics;
    const switches = run.timeline.flatMap((e) => (e.kind === 'layer-switch' ? [e.change] : []));
    const of = (id: string) => switches.filter((s: SfuLayerSwitch) => s.subscriberId === id);
    const rids = scenario.webrtc!.layers.map((l) => l.rid);
    const s2 = new LayerHistory(of('s2'), rids);
    console.log(
      `sfu-downlink-drop (gcc), wall ${wallS.toFixed(1)} s for ${scenario.durationMs / 1000} s: publisher top layer ${m.publisherTopLayerS} s, ` +
        `s2 down ${m.layerDownAfterDropS ?? 'never'} s after the drop (to ${rids[s2.at(23_000)] ?? '-'}), up ${m.layerUpAfterReturnS ?? 'never'} s after the return; ` +
        `s1 on top ${m.undisturbedTopLayerRatio} of the time after reaching it; switches ${m.layerSwitchCount}, blamed ${m.switchDecodeErrors}, ` +
        `freezes ${m.freezeCount} (${m.totalFreezesS} s)\n  ` +
        switches.map((s) => `${(s.tMs / 1000).toFixed(1)} s ${s.subscriberId} ${s.from}->${s.to}`).join(', '),
    );

    // Every live kind made it into the timeline, each link's capacity too.
    const kinds = new Set(run.timeline.map((e) => e.kind));
    for (const k of ['peer', 'sfu-subscriber', 'sfu-publisher', 'layer-switch', 'relay', 'capacity', 'network'] as const) expect(kinds).toContain(k);
    expect(run.timeline.some((e) => e.kind === 'capacity' && e.peerId === 's2' && e.direction === 'down' && e.tMs === 20_000 && e.bps === 600_000)).toBe(true);

    expect(m.publisherTopLayerS).toBeLessThanOrEqual(10);
    expect(m.layerDownAfterDropS).toBeLessThanOrEqual(3);
    // The layer that fits 600 kbps: with the default layers, no higher than the middle.
    expect(s2.at(23_000)).toBeLessThanOrEqual(rids.indexOf('m'));
    expect(m.layerUpAfterReturnS).toBeLessThanOrEqual(15);
    // s1 (never dropped) reached the top before s2's drop and never left it.
    const s1 = new LayerHistory(of('s1'), rids);
    expect(s1.at(20_000)).toBe(rids.length - 1);
    expect(m.undisturbedTopLayerRatio).toBe(1);
    expect(m.switchDecodeErrors).toBe(0);
    // Each switch opens the new layer with a keyframe the subscriber decodes (a switch that skipped the
    // switch point, or one Chrome could not decode, would not raise keyFramesDecoded in its window).
    const checks = checkSwitches(run.timeline, switches);
    console.log(
      `switch checks: ${checks.map((c) => `${(c.tMs / 1000).toFixed(1)} s ${c.subscriberId} ${c.from}->${c.to} keyframes +${c.keyFramesDecodedRise}${c.trouble.map((t) => ` ${t.kind}@${(t.fromMs / 1000).toFixed(0)}-${(t.toMs / 1000).toFixed(0)}s${t.excused ? ' (link)' : ''}`).join('')}`).join('; ')}`,
    );
    expect(checks.length).toBeGreaterThanOrEqual(2); // s2's down and up at least
    for (const c of checks) expect(c.keyFramesDecodedRise).toBeGreaterThanOrEqual(1);
    expect(run.expectations.filter((e) => !e.pass)).toEqual([]);

    // Teardown: no Chromium of this run is left.
    expect(browsers.length).toBeGreaterThan(0);
    expect(leftoverProcesses(browsers.map((b) => b.userDataDir), browsers.flatMap((b) => (b.pid ? [b.pid] : [])))).toEqual([]);
  }, 150_000);
});
