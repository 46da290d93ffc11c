// Live WebRTC scenarios (mode: live, webrtc:): defaults, per-peer links, layer selectors and estimators,
// and the errors (file:line path, did-you-mean) for what a live run cannot do.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerSelectorNames } from '../../algorithms/layer/registry.ts';
import { buildLinkModel } from '../../harness/link/link-model.ts';
import { ScenarioError } from '../../harness/scenario/errors.ts';
import { loadScenario, parseScenarioText, type ParseOptions } from '../../harness/scenario/parse.ts';
import type { Scenario } from '../../harness/scenario/types.ts';
import { DEFAULT_LAYERS } from '../../harness/sfu/types.ts';
import { peerScenario } from '../../harness/run/live-links.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FILE = 'scenarios/live-test.yaml';
const OPTS: ParseOptions = { baseDir: resolve(ROOT, 'scenarios'), bweNames: ['gcc', 'seed-smooth'], layerNames: layerSelectorNames() };
const parse = (text: string): Scenario => parseScenarioText(text, FILE, OPTS);

function errors(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof ScenarioError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ScenarioError, the text parsed');
}

const BASE = `duration: 60s
network:
  - { at: 0s, down: 5Mbps, up: 4Mbps, rtt: 40ms }
`;

describe('live scenarios', () => {
  it('a webrtc section makes a live scenario with the defaults: VP8, l/m/h, pub-1 and sub-1 on the scenario network', () => {
    const s = parse(`${BASE}webrtc: {}\n`);
    expect(s.mode).toBe('live');
    expect(s.algorithms).toEqual({ abr: [], bwe: [], iceRestart: [], layer: ['highest-fit'] });
    const w = s.webrtc!;
    expect(w.codec).toBe('VP8');
    expect(w.layers).toEqual(DEFAULT_LAYERS);
    expect(w.publishers.map((p) => [p.id, p.role, p.ownLink])).toEqual([['pub-1', 'publisher', false]]);
    expect(w.subscribers.map((p) => [p.id, p.role, p.ownLink])).toEqual([['sub-1', 'subscriber', false]]);
    expect(w.subscribers[0].network).toBe(s.network);
  });

  it('mode: live without a webrtc section gets the default call', () => {
    const s = parse(`${BASE}mode: live\n`);
    expect(s.webrtc?.publishers.length).toBe(1);
    expect(s.webrtc?.subscribers.length).toBe(1);
  });

  it('counts name peers like the SFU does; layers default their scale from the top', () => {
    const s = parse(`${BASE}webrtc:
  codec: H264
  publishers: 2
  subscribers: 3
  layers:
    - { rid: q, maxBitrate: 200kbps }
    - { rid: f, maxBitrate: 1.5Mbps }
`);
    expect(s.webrtc!.codec).toBe('H264');
    expect(s.webrtc!.publishers.map((p) => p.id)).toEqual(['pub-1', 'pub-2']);
    expect(s.webrtc!.subscribers.map((p) => p.id)).toEqual(['sub-1', 'sub-2', 'sub-3']);
    expect(s.webrtc!.layers).toEqual([
      { rid: 'q', scaleResolutionDownBy: 2, maxBitrateBps: 200_000 },
      { rid: 'f', scaleResolutionDownBy: 1, maxBitrateBps: 1_500_000 },
    ]);
  });

  it("a peer's own events replace the scenario's on the scenario's network; its own network replaces both", () => {
    const s = parse(`${BASE}events:
  - { type: lossBurst, at: 5s, duration: 1s, loss: 10% }
webrtc:
  subscribers:
    - id: s1
    - id: s2
      events:
        - { type: capacityStep, at: 20s, duration: 30s, rate: 600kbps, direction: down }
    - id: s3
      network:
        - { at: 0s, preset: 3g }
        - { at: 10s, down: 1Mbps, up: 500kbps }
`);
    const [s1, s2, s3] = s.webrtc!.subscribers;
    expect(s1.ownLink).toBe(false);
    expect(s1.events).toEqual(s.events);
    expect(s2.ownLink).toBe(true);
    expect(s2.network.map((p) => p.down.capacity)).toEqual([{ kind: 'constant', bps: 5_000_000 }]);
    expect(s2.events).toEqual([{ type: 'capacityStep', atMs: 20_000, durationMs: 30_000, factor: null, bps: 600_000, direction: 'down' }]);
    expect(s3.network.map((p) => [p.atMs, p.preset])).toEqual([
      [0, '3g'],
      [10_000, null],
    ]);
    expect(s3.events).toEqual([]);
    // The peer's link model: s2's downlink is 5 Mbps, 600 kbps from 20 s to 50 s, 5 Mbps again; its uplink untouched.
    const link = buildLinkModel(peerScenario(s, s2));
    const rate = (dir: 'down' | 'up', t: number) => (link[dir].deliverableBytes(t, t + 1000) * 8) / 1;
    expect(rate('down', 10_000)).toBeCloseTo(5_000_000, -4);
    expect(rate('down', 30_000)).toBeCloseTo(600_000, -4);
    expect(rate('down', 55_000)).toBeCloseTo(5_000_000, -4);
    expect(rate('up', 30_000)).toBeCloseTo(4_000_000, -4);
  });

  it('algorithms.layer and algorithms.bwe are checked against their registries; blocks of expectations may name either', () => {
    const s = parse(`${BASE}mode: live
algorithms:
  layer: [highest-fit, abr:bba]
  bwe: gcc
expect:
  gcc:
    layerSwitchCount: "< 10"
  abr:bba:
    freezeCount: "== 0"
`);
    expect(s.algorithms.layer).toEqual(['highest-fit', 'abr:bba']);
    expect(s.algorithms.bwe).toEqual(['gcc']);
    expect(s.expect.map((e) => [e.metric, e.algorithm])).toEqual([
      ['layerSwitchCount', 'gcc'],
      ['freezeCount', 'abr:bba'],
    ]);
    expect(errors(`${BASE}mode: live\nalgorithms:\n  layer: highest-fitt\n`)).toEqual([
      `${FILE}:6 algorithms.layer: expected one of ${layerSelectorNames().join(', ')} or a file (./my-selector.ts), got "highest-fitt" (did you mean "highest-fit"?)`,
    ]);
  });

  it('errors name the file, line and path', () => {
    const text = `${BASE}webrtc:
  codec: VP9
  publishers: 0
  subscribers:
    - id: s1
      codec: VP8
    - id: "bad id!"
    - id: s1
      events:
        - { type: capacityStep, at: 20s, rate: 600kbps, direction: dwn }
        - { type: handover, at: 30s, to: nowhere }
  layers:
    - { rid: h, maxBitrate: 2Mbps }
    - { rid: m, maxBitrate: 500kbps }
algorithms:
  abr: bba
`;
    expect(errors(text)).toEqual([
      `${FILE}:5 webrtc.codec: expected one of VP8, H264, got "VP9" (did you mean "VP8"?)`,
      `${FILE}:13 webrtc.subscribers[2].events[0].direction: expected one of both, down, up, got "dwn" (did you mean "down"?)`,
    ]);
    // Past the shape: meaning.
    const text2 = text.replace('codec: VP9', 'codec: VP8').replace('direction: dwn', 'direction: down');
    expect(errors(text2)).toEqual([
      `${FILE}:19 algorithms.abr: live runs choose simulcast layers with algorithms.layer (any ABR as "abr:<name>"): move it there`,
      `${FILE}:17 webrtc.layers[1].maxBitrate: expected layers ascending by bitrate (lowest first), got "500kbps" after 2000 kbps`,
      `${FILE}:9 webrtc.subscribers[0].codec: a subscriber receives the publishers' codec: remove codec`,
      `${FILE}:10 webrtc.subscribers[1].id: expected a peer id of 1-64 letters, digits, "_", "." or "-", got "bad id!"`,
      `${FILE}:14 webrtc.subscribers[2].events[1].to: expected the name of a phase in network, got "nowhere"`,
      `${FILE}:14 webrtc.subscribers[2].events[1].addressChange: a live address change needs algorithms.iceRestart (seed-resilient, immediate, backoff, none; none measures the browser alone), or set addressChange: false`,
      `${FILE}:6 webrtc.publishers: expected at least one publisher, got none`,
      `${FILE}:11 webrtc.subscribers[2].id: expected a unique peer id, got "s1" again (also webrtc.subscribers[0])`,
    ]);
  });

  it('a webrtc call cannot run in the simulator; layer selectors belong to live runs; no address change yet', () => {
    expect(errors(`${BASE}mode: sim\nwebrtc: {}\n`)).toEqual([`${FILE}:4 mode: a webrtc call runs live: write mode: live (or remove the webrtc section)`]);
    expect(errors(`${BASE}algorithms:\n  layer: highest-fit\n`)[0]).toContain('algorithms.layer: layer selectors choose simulcast layers in live runs');
    expect(errors(`${BASE}mode: live\nmedia:\n  segment: 4s\n`)[0]).toContain('media: live runs send a camera as simulcast layers');
    const handover = `duration: 60s
mode: live
network:
  - { name: wifi, at: 0s, preset: wifi }
  - { name: lte, preset: lte }
events:
  - { type: handover, at: 30s, to: lte }
`;
    expect(errors(handover)).toEqual([`${FILE}:7 events[0].addressChange: a live address change needs algorithms.iceRestart (seed-resilient, immediate, backoff, none; none measures the browser alone), or set addressChange: false`]);
    expect(parse(handover.replace('to: lte }', 'to: lte, addressChange: false }')).events.length).toBe(1);
    // With a policy the address change runs live (the pages restart ICE); a wrong policy name is caught.
    expect(parse(`${handover}algorithms:\n  iceRestart: [seed-resilient, none]\n`).algorithms.iceRestart).toEqual(['seed-resilient', 'none']);
    expect(errors(`${handover}algorithms:\n  iceRestart: seed-resilent\n`)[0]).toContain('algorithms.iceRestart: expected one of seed-resilient, immediate, backoff, none or a file (./my-policy.ts), got "seed-resilent" (did you mean "seed-resilient"?)');
  });

  it('the shipped live scenario parses', () => {
    const s = loadScenario(resolve(ROOT, 'scenarios/live/sfu-downlink-drop.yaml'), OPTS);
    expect(s.mode).toBe('live');
    expect(s.webrtc!.subscribers.map((p) => p.id)).toEqual(['s1', 's2']);
    expect(s.algorithms.bwe).toEqual(['gcc']);
  });
});
