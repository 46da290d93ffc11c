// The three user-module loaders (ABR, BWE, ICE-restart) word their resolution errors and warnings exactly so,
// and throw their own error class (code BAD_INPUT, exit code 2): pinned before they shared one module.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AbrLoadError, loadAbr } from '../../algorithms/abr/load-user.ts';
import { abrNames } from '../../algorithms/abr/registry.ts';
import { BweLoadError, loadBwe } from '../../algorithms/bwe/load-user.ts';
import { bweNames } from '../../algorithms/bwe/registry.ts';
import { IceRestartLoadError, loadIceRestart } from '../../algorithms/ice-restart/load-user.ts';
import { iceRestartNames } from '../../algorithms/ice-restart/registry.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'netqoe-load-'));
const throwing = join(dir, 'throws-on-import.ts');
writeFileSync(throwing, "throw new Error('boom at import');\n");
const notModule = join(root, 'README.md');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaders = [
  {
    label: 'ABR',
    load: (x: string, warn: (m: string) => void) => loadAbr(x, root, { warn }),
    errorClass: AbrLoadError,
    errorName: 'AbrLoadError',
    unknown: (x: string, guess: string) => `unknown ABR algorithm "${x}"${guess}; built-ins: ${abrNames().join(', ')}; or give a file: ./my-abr.ts`,
    notFound: (x: string) => `${x}: ABR file not found (looked for ${join(root, x)})`,
    notModule: `${notModule}: an ABR file must be a module ending in .ts, .mts, .js, .mjs`,
    typo: ['bolla', ' (did you mean "bola"?)'],
  },
  {
    label: 'BWE',
    load: (x: string, warn: (m: string) => void) => loadBwe(x, root, { warn }),
    errorClass: BweLoadError,
    errorName: 'BweLoadError',
    unknown: (x: string, guess: string) => `unknown bandwidth estimator "${x}"${guess}; built-ins: ${bweNames().join(', ')}; or give a file: ./my-bwe.ts`,
    notFound: (x: string) => `${x}: estimator file not found (looked for ${join(root, x)})`,
    notModule: `${notModule}: an estimator file must be a module ending in .ts, .mts, .js, .mjs`,
    typo: ['gccc', ' (did you mean "gcc"?)'],
  },
  {
    label: 'ICE-restart',
    load: (x: string, warn: (m: string) => void) => loadIceRestart(x, root, { warn }),
    errorClass: IceRestartLoadError,
    errorName: 'IceRestartLoadError',
    unknown: (x: string, guess: string) => `unknown ICE-restart policy "${x}"${guess}; built-ins: ${iceRestartNames().join(', ')}; or give a file: ./my-policy.ts`,
    notFound: (x: string) => `${x}: policy file not found (looked for ${join(root, x)})`,
    notModule: `${notModule}: a policy file must be a module ending in .ts, .mts, .js, .mjs`,
    typo: ['seed-resilent', ' (did you mean "seed-resilient"?)'],
  },
] as const;

async function refusal(p: Promise<unknown>): Promise<Error & { code?: string; exitCode?: number }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe.each(loaders)('$label loader: exact resolution errors', (l) => {
  const quiet = () => {};

  it('unknown names, with and without a close built-in', async () => {
    const [typo, guess] = l.typo;
    const e = await refusal(l.load(typo, quiet));
    expect(e).toBeInstanceOf(l.errorClass);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(l.errorName);
    expect(e.code).toBe('BAD_INPUT');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(l.unknown(typo, guess));
    expect((await refusal(l.load('zzzzzzzzzz', quiet))).message).toBe(l.unknown('zzzzzzzzzz', ''));
  });

  it('a missing file, a file that is not a module, a module that throws on import', async () => {
    expect((await refusal(l.load('./no/such-file.ts', quiet))).message).toBe(l.notFound('./no/such-file.ts'));
    expect((await refusal(l.load(notModule, quiet))).message).toBe(l.notModule);
    const e = await refusal(l.load(throwing, quiet));
    expect(e).toBeInstanceOf(l.errorClass);
    expect(e.message).toBe(`${throwing}: could not load the module: boom at import`);
  });
});

describe('built-in names taken by user files', () => {
  it('a user ABR named like a built-in is loaded with a warning naming the file', async () => {
    const file = join(dir, 'bola-again.ts');
    writeFileSync(file, "export default { name: 'bola', create: () => ({ name: 'bola', choose: () => ({ quality: 0, reason: 'r' }) }) };\n");
    const warnings: string[] = [];
    const f = await loadAbr(file, root, { warn: (m) => warnings.push(m) });
    expect(f.name).toBe('bola');
    expect(warnings).toEqual([`${file}: names itself "bola", like a built-in: results will show two "bola"`]);
  });
});

describe('the SFU adapter loads estimators synchronously with the same words', () => {
  it('unknown name and missing file as loadBwe says them', async () => {
    const { resolveBweSync } = await import('../../harness/sfu/bwe-adapter.ts');
    const bwe = loaders[1];
    expect(() => resolveBweSync('gccc', { baseDir: root })).toThrow(new BweLoadError(bwe.unknown('gccc', ' (did you mean "gcc"?)')));
    expect(() => resolveBweSync('./no/such-file.ts', { baseDir: root })).toThrow(bwe.notFound('./no/such-file.ts'));
    expect(() => resolveBweSync('./no/such-file.ts', { baseDir: root })).toThrow(BweLoadError);
  });
});
