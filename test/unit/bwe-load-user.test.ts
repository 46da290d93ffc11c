import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BweLoadError, loadBwe } from '../../algorithms/bwe/load-user.ts';
import { bweNames, getBwe } from '../../algorithms/bwe/registry.ts';
import { simulateBwe } from '../../harness/bwe-sim/simulate.ts';
import { simpleScenario } from '../helpers/link-scenario.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');

async function loadError(nameOrPath: string, baseDir = root): Promise<BweLoadError> {
  try {
    await loadBwe(nameOrPath, baseDir, { warn: () => {} });
  } catch (err) {
    expect(err).toBeInstanceOf(BweLoadError);
    return err as BweLoadError;
  }
  throw new Error(`expected ${nameOrPath} to be refused`);
}

describe('loadBwe', () => {
  it('resolves every built-in by name', async () => {
    expect(bweNames()).toEqual(['gcc', 'gcc-libwebrtc', 'seed-smooth', 'seed-jitter-cap']);
    for (const name of bweNames()) expect(await loadBwe(name)).toBe(getBwe(name));
  });

  it('an unknown name is bad input (exit code 2) with a did-you-mean and the built-ins', async () => {
    const err = await loadError('gc');
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('did you mean "gcc"');
    expect(err.message).toContain('seed-jitter-cap');
  });

  it('loads examples/my-bwe.ts, a factory, one fresh estimator per session', async () => {
    const f = await loadBwe('./examples/my-bwe.ts', root);
    expect(f.name).toBe('received-rate');
    const a = f.create({ startBps: 200_000 });
    expect(a).not.toBe(f.create());
    expect(a.applies).toBe('target');
    expect(a.decide({ tMs: 0, packets: [] }).targetBps).toBe(200_000);
  });

  it('wraps a class, defaulting applies to target', async () => {
    const f = await loadBwe('./bwe-class.ts', fixtures);
    expect(f.name).toBe('fixed-rate');
    const e = f.create();
    expect(e.applies).toBe('target');
    e.decide({ tMs: 0, packets: [] });
    expect(e.decide({ tMs: 100, packets: [] }).reason).toBe('call 2');
    expect(f.create().decide({ tMs: 0, packets: [] }).reason).toBe('call 1');
  });

  it('wraps a bare object exported as `bwe`, with a warning that its state is shared', async () => {
    const warnings: string[] = [];
    const f = await loadBwe('./bwe-bare-object.ts', fixtures, { warn: (m) => warnings.push(m) });
    expect(f.create()).toBe(f.create());
    expect(f.create().applies).toBe('maxBitrate');
    expect(warnings.join()).toMatch(/every run shares its state/);
  });

  it('refuses a file without decide, naming the file and what is missing', async () => {
    const err = await loadError('./bwe-without-decide.ts', fixtures);
    expect(err.message).toContain(join(fixtures, 'bwe-without-decide.ts'));
    expect(err.message).toContain('missing a `decide(ctx)` function');
    expect(err.message).toContain('it has: name, estimate');
  });

  it('a user estimator that throws mid-run stops the simulation with its error (the CLI records a crashed run)', async () => {
    const f = await loadBwe('./bwe-crashing.ts', fixtures);
    const s = simpleScenario({ capacity: { kind: 'constant', bps: 1_000_000 } }, [], 5000);
    expect(() => simulateBwe(s, f)).toThrow(/estimator exploded/);
  });

  it('refuses an unknown applies value, a missing file and a non-module', async () => {
    expect((await loadError('./bwe-bad-applies.ts', fixtures)).message).toMatch(/applies "cap": expected 'target'.*or 'maxBitrate'/);
    expect((await loadError('./nope.ts', fixtures)).message).toMatch(/estimator file not found/);
    expect((await loadError('./README.md', root)).message).toMatch(/must be a module ending in/);
  });
});
