// A user's own layer selector from a file: the loader (algorithms/layer/load-user.ts), the scenario's
// algorithms.layer accepting a file, and `netqoe validate` refusing a bad one with exit 2.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LayerSelectorLoadError, loadLayerSelector } from '../../algorithms/layer/load-user.ts';
import { layerSelectorNames } from '../../algorithms/layer/registry.ts';
import type { LayerContext } from '../../algorithms/layer/types.ts';
import { validateCommand } from '../../harness/cli/commands/validate.ts';
import { EXIT_BAD_INPUT, EXIT_OK, isUserInputError } from '../../harness/cli/exit-codes.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const ctx = (active = [true, true, true]): LayerContext => ({
  tMs: 0,
  estimateBps: 10e6,
  layers: ['l', 'm', 'h'].map((rid, i) => ({ rid, width: 320 << i, height: 180 << i, maxBitrateBps: 150e3 * 3 ** i, measuredBitrateBps: 0, active: active[i] })),
  currentLayer: null,
  network: {},
});

/** A live scenario with `layer: <layers>` in a fresh folder holding copies of the given fixtures. */
function liveScenario(layers: string, files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-layer-'));
  for (const f of files) copyFileSync(join(fixtures, f), join(dir, f));
  const file = join(dir, 'call.yaml');
  writeFileSync(file, `name: call\nduration: 10s\nmode: live\nnetwork:\n  - { at: 0s, down: 5Mbps, up: 5Mbps, rtt: 40ms }\nwebrtc: {}\nalgorithms:\n  layer: ${layers}\n`);
  return file;
}

describe('user layer selectors', () => {
  it('loads a factory from a file: a fresh selector per feed, its decisions and reason', async () => {
    const f = await loadLayerSelector('./layer-middle.ts', fixtures);
    expect(f.name).toBe('middle');
    const a = f.create();
    const b = f.create();
    expect(a.choose(ctx())).toEqual({ layer: 1, reason: 'user middle: m (decision 1)' });
    expect(a.choose(ctx([true, false, true]))).toEqual({ layer: 0, reason: 'user middle: l (decision 2)' });
    expect(b.choose(ctx()).reason).toBe('user middle: m (decision 1)'); // its own state
    // Built-ins still load by name.
    expect((await loadLayerSelector('highest-fit')).name).toBe('highest-fit');
  });

  it('refuses a file without choose, an unknown name and a missing file: bad input (exit 2) naming the file', async () => {
    const err = await loadLayerSelector('./layer-without-choose.ts', fixtures).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayerSelectorLoadError);
    expect((err as LayerSelectorLoadError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`${join(fixtures, 'layer-without-choose.ts')}: the default export.create() result is missing a \`choose(ctx)\` function (it has: name, pick)`);
    const unknown = (await loadLayerSelector('highest-fitt').catch((e: unknown) => e)) as Error;
    expect(unknown.message).toBe(`unknown layer selector "highest-fitt" (did you mean "highest-fit"?); built-ins: ${layerSelectorNames().join(', ')}; or give a file: ./my-selector.ts`);
    const missing = (await loadLayerSelector('./nowhere.ts', fixtures).catch((e: unknown) => e)) as Error;
    expect(missing.message).toBe(`./nowhere.ts: layer selector file not found (looked for ${join(fixtures, 'nowhere.ts')})`);
    expect(isUserInputError(missing)).toBe(true);
  });

  it('a scenario names a file in algorithms.layer: resolved against its folder; a missing one names the file and the field', () => {
    const file = liveScenario('[highest-fit, ./layer-middle.ts]', ['layer-middle.ts']);
    const s = loadScenario(file, { layerNames: layerSelectorNames() });
    expect(s.algorithms.layer).toEqual(['highest-fit', join(file, '..', 'layer-middle.ts')]);
    const missing = liveScenario('[./nowhere.ts]', []);
    let err: unknown;
    try {
      loadScenario(missing, { layerNames: layerSelectorNames() });
    } catch (e) {
      err = e;
    }
    expect(isUserInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/call\.yaml:\d+ algorithms\.layer\[0\]: expected an algorithm file, got "\.\/nowhere\.ts" \(no such file: .*nowhere\.ts\)/);
  });
});

describe('netqoe validate with a layer selector file', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('accepts a good file, refuses one without choose with exit 2 and the loader message', async () => {
    expect(await validateCommand([liveScenario('[./layer-middle.ts]', ['layer-middle.ts'])])).toBe(EXIT_OK);
    expect(out.join('')).toMatch(/^ok {3}.*layer-middle\.ts/m);
    expect(await validateCommand([liveScenario('[./layer-without-choose.ts]', ['layer-without-choose.ts'])])).toBe(EXIT_BAD_INPUT);
    expect(err.join('')).toMatch(/^FAIL .*layer-without-choose\.ts: the default export\.create\(\) result is missing a `choose\(ctx\)` function/);
  });
});
