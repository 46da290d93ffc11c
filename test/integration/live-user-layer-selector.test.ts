// A user's own layer selector named by file in a live scenario (algorithms.layer: ./layer-middle.ts):
// loaded before the call, it chooses the layer the SFU forwards (the middle one, whatever the estimate);
// a file without choose() stops the run before any browser starts, as bad input naming the file.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { layerSelectorNames } from '../../algorithms/layer/registry.ts';
import { isUserInputError } from '../../harness/cli/exit-codes.ts';
import { runLiveScenario } from '../../harness/run/run-live.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import { requireChromium } from '../helpers/require-chromium.ts';

const chromiumPath = requireChromium();
const fixtures = join(import.meta.dirname, '..', 'fixtures');

function scenarioWith(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-user-layer-'));
  copyFileSync(join(fixtures, file), join(dir, file));
  const yaml = join(dir, 'call.yaml');
  writeFileSync(yaml, `name: user-layer\nduration: 8s\nmode: live\nnetwork:\n  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }\nwebrtc: {}\nalgorithms:\n  layer: [./${file}]\n`);
  return yaml;
}

describe('live: a layer selector from a user file', () => {
  test('a file without choose(): bad input naming the file, before any browser', async () => {
    const s = loadScenario(scenarioWith('layer-without-choose.ts'), { layerNames: layerSelectorNames() });
    const browsers: unknown[] = [];
    const err = await runLiveScenario(s, { onBrowser: (b) => browsers.push(b) }).catch((e: unknown) => e);
    expect(isUserInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/layer-without-choose\.ts: .*missing a `choose\(ctx\)` function/);
    expect(browsers).toEqual([]);
  });

  test.skipIf(!chromiumPath)('an 8 s call: the SFU forwards the layer the user selector chose, with its reason', async () => {
    const s = loadScenario(scenarioWith('layer-middle.ts'), { layerNames: layerSelectorNames() });
    const [run] = await runLiveScenario(s);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('ok');
    expect(run.algorithms.layer).toMatch(/layer-middle\.ts$/);
    const subs = run.timeline.flatMap((e) => (e.kind === 'sfu-subscriber' ? [e.sample] : []));
    const switches = run.timeline.flatMap((e) => (e.kind === 'layer-switch' ? [e.change] : []));
    console.log(`user selector: layers ${subs.map((x) => x.layer ?? '-').join('')}; switches ${switches.map((x) => `${x.from}->${x.to} "${x.reason}"`).join(', ')}`);
    // On a 5 Mbps link highest-fit would take h; the user's selector takes the middle active layer (l while
    // only l is sent at the publisher's start), then holds m.
    expect(switches.length).toBeGreaterThan(0);
    expect(switches.every((x) => x.reason.startsWith(`user middle: ${x.to}`))).toBe(true);
    expect(switches.at(-1)?.to).toBe('m');
    expect(switches.some((x) => x.to === 'h')).toBe(false);
    expect(subs.at(-1)?.layer).toBe('m');
    const sub = run.timeline.flatMap((e) => (e.kind === 'peer' && e.sample.role === 'subscriber' ? [e.sample] : [])).at(-1);
    expect(sub?.inbound[0]?.frameWidth).toBe(640);
  }, 40_000);
});
