// `netqoe run` on a live scenario: a short real call (1 publisher, 1 subscriber, each behind its own
// 5 Mbps relay) end to end through the CLI (results.json with the live timeline, report, junit, exit
// code), the refusals (exit 2), and a run whose browser cannot start: recorded as crashed, torn down.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import type { ResultsFile } from '../../harness/run/types.ts';
import { parseScenarioText } from '../../harness/scenario/parse.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { leftoverProcesses } from '../helpers/sfu-live.ts';

const chromiumPath = requireChromium();

const SHORT = `name: live-short
duration: 9s
mode: live
network:
  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }
expect:
  publisherTopLayer: "<= 8s"
  switchDecodeErrors: "== 0"
`;

describe('netqoe run, live', () => {
  test('refuses --mode sim on a webrtc call and --abr with a live run (exit 2)', () => {
    const dir = tempDir();
    const file = join(dir, 'call.yaml');
    writeFileSync(file, `${SHORT}webrtc: {}\n`);
    const sim = runCli(['run', file, '--mode', 'sim', '--out', join(dir, 'out')]);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain('a webrtc call only runs live');
    const abr = runCli(['run', file, '--abr', 'bba', '--out', join(dir, 'out')]);
    expect(abr.code).toBe(2);
    expect(abr.stderr).toContain('algorithms.layer');
  });

  test('a browser that cannot start: the run is recorded as crashed, quickly, with the reason', async () => {
    const s = parseScenarioText(SHORT, '/tmp/live-short.yaml');
    const started = performance.now();
    const [run] = await runLiveScenario(s, { executablePath: '/nonexistent/chromium' });
    expect(run.status).toBe('crashed');
    expect(run.error).toMatch(/nonexistent|ENOENT|spawn|Failed to launch/i);
    expect(run.algorithms).toEqual({ layer: 'highest-fit' });
    expect(performance.now() - started).toBeLessThan(8000);
  });

  test.skipIf(!chromiumPath)('a 9 s call through the CLI: results.json with the live timeline, summary, junit, exit 0', () => {
    const dir = tempDir();
    const file = join(dir, 'live-short.yaml');
    writeFileSync(file, SHORT);
    const started = performance.now();
    const r = runCli(['run', file, '--out', join(dir, 'out')]);
    const wallS = (performance.now() - started) / 1000;
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/layer \/ bwe[\s\S]*live-short\s+highest-fit \/ default/);
    const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as ResultsFile;
    const [run] = results.runs;
    console.log(`9 s live call through the CLI: ${wallS.toFixed(1)} s wall (run ${(run.wallMs / 1000).toFixed(1)} s); metrics ${JSON.stringify(run.metrics)}`);
    expect(run.mode).toBe('live');
    expect(run.status).toBe('ok');
    expect(run.algorithms).toEqual({ layer: 'highest-fit' });
    // link: auto (the default) ran the relay, and the result says why.
    expect(run.link?.backend).toBe('relay');
    expect(run.link?.why).toMatch(/^auto: /);
    const kinds = new Set(run.timeline.map((e) => e.kind));
    for (const k of ['peer', 'sfu-subscriber', 'sfu-publisher', 'layer-switch', 'relay', 'capacity']) expect(kinds).toContain(k);
    // The relays carried the media: the publisher's uplink and the subscriber's downlink.
    const carried = (peerId: string, direction: 'up' | 'down') =>
      run.timeline.reduce((s, e) => s + (e.kind === 'relay' && e.peerId === peerId && e.direction === direction ? e.deliveredBps : 0), 0);
    expect(carried('pub-1', 'up')).toBeGreaterThan(1_000_000);
    expect(carried('sub-1', 'down')).toBeGreaterThan(500_000);
    expect(run.expectations.map((e) => [e.expr, e.pass])).toEqual([
      ['publisherTopLayer <= 8s', true],
      ['switchDecodeErrors == 0', true],
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'junit.xml'), 'utf8')).toContain('live-short');
    expect(wallS).toBeLessThan(30);
  }, 60_000);

  test.skipIf(!chromiumPath)('a call past its hard deadline stops as crashed and leaves no Chromium behind', async () => {
    const s = parseScenarioText(SHORT.replace('duration: 9s', 'duration: 20s'), '/tmp/live-deadline.yaml');
    const browsers: { userDataDir: string; pid: number | undefined }[] = [];
    const started = performance.now();
    const [run] = await runLiveScenario(s, { deadlineMs: 6000, onBrowser: (b) => browsers.push(b) });
    expect(run.status).toBe('crashed');
    expect(run.error).toContain('over its hard deadline (6 s)');
    // What was collected up to the deadline is kept.
    expect(run.timeline.some((e) => e.kind === 'sfu-publisher')).toBe(true);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(browsers.length).toBe(1);
    expect(leftoverProcesses(browsers.map((b) => b.userDataDir), browsers.flatMap((b) => (b.pid ? [b.pid] : [])))).toEqual([]);
  }, 40_000);
});
