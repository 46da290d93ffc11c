import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbrLoadError, loadAbr, toFactory } from '../../algorithms/abr/load-user.ts';
import { abrNames, getAbr } from '../../algorithms/abr/registry.ts';
import { makeCtx } from '../helpers/abr-context.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');

async function loadError(nameOrPath: string, baseDir = root): Promise<AbrLoadError> {
  try {
    await loadAbr(nameOrPath, baseDir, { warn: () => {} });
  } catch (err) {
    expect(err).toBeInstanceOf(AbrLoadError);
    return err as AbrLoadError;
  }
  throw new Error(`expected ${nameOrPath} to be refused`);
}

describe('loadAbr', () => {
  it('resolves every built-in by name', async () => {
    expect(abrNames()).toEqual(['throughput', 'bola', 'bba', 'robust-mpc', 'seed-dash', 'seed-netflix']);
    for (const name of abrNames()) expect(await loadAbr(name)).toBe(getAbr(name));
  });

  it('loads examples/my-abr.ts relative to the base directory', async () => {
    const f = await loadAbr('./examples/my-abr.ts', root);
    expect(f.name).toBe('buffer-proportional');
    const d = f.create().choose(makeCtx({ bufferS: 30, bufferMaxS: 30 }));
    expect(d.quality).toBe(5);
    expect(d.reason).toMatch(/100% full/);
  });

  it('loads the greedy fixture, which always picks the top rung', async () => {
    const f = await loadAbr('greedy-abr.ts', fixtures);
    expect(f.create().choose(makeCtx({ bufferS: 0 })).quality).toBe(5);
  });

  it('refuses a file without choose, naming the file and what is missing', async () => {
    const err = await loadError('./abr-without-choose.ts', fixtures);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain(join(fixtures, 'abr-without-choose.ts'));
    expect(err.message).toContain('missing a `choose(ctx)` function');
    expect(err.message).toContain('it has: name, pick');
  });

  it('wraps a bare algorithm object, with a warning that its state is shared', async () => {
    const warnings: string[] = [];
    const f = await loadAbr('./abr-bare-object.ts', fixtures, { warn: (m) => warnings.push(m) });
    expect(f.name).toBe('bare-lowest');
    expect(f.create()).toBe(f.create());
    expect(warnings.join()).toMatch(/shares its state|every run shares/);
  });

  it('wraps a function returning an algorithm, one fresh algorithm per session', async () => {
    const f = await loadAbr('./abr-function.ts', fixtures);
    expect(f.name).toBe('counter');
    const a = f.create();
    a.choose(makeCtx());
    expect(a.choose(makeCtx()).reason).toBe('call 2');
    expect(f.create().choose(makeCtx()).reason).toBe('call 1');
  });

  it('suggests the closest built-in for a misspelt name', async () => {
    const err = await loadError('bolla');
    expect(err.message).toContain('unknown ABR algorithm "bolla" (did you mean "bola"?)');
    expect((await loadError('robustmpc')).message).toContain('did you mean "robust-mpc"?');
    expect((await loadError('zzzzzzzz')).message).not.toContain('did you mean');
  });

  it('reports a missing file as bad input', async () => {
    const err = await loadError('./nope/missing.ts');
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/ABR file not found/);
  });

  it('checks what a module exports', () => {
    const warn = () => {};
    expect(() => toFactory({}, 'x.ts', warn)).toThrow(/exports no ABR algorithm.*no exports/);
    expect(() => toFactory({ other: 1 }, 'x.ts', warn)).toThrow(/found `other`/);
    expect(() => toFactory({ default: 42 }, 'x.ts', warn)).toThrow(/default export is a number/);
    expect(() => toFactory({ default: { choose: () => ({ quality: 0, reason: 'r' }) } }, 'x.ts', warn)).toThrow(/missing a `name` string/);
    expect(() => toFactory({ default: { name: 'f', create: () => ({ name: 'f' }) } }, 'x.ts', warn)).toThrow(/create\(\) result is missing a `choose/);
    expect(() => toFactory({ default: () => 7 }, 'x.ts', warn)).toThrow(/returns is a number/);
    class Mine {
      name = 'klass';
      choose() {
        return { quality: 0, reason: 'class' };
      }
    }
    expect(toFactory({ abr: Mine }, 'x.ts', warn).create().name).toBe('klass');
  });
});
