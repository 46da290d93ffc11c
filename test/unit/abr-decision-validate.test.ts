// A user ABR's decisions are checked at run time (harness/sim/abr-decision.ts), and `netqoe validate` loads
// the algorithm files a scenario names, as `run` does (harness/cli/commands/validate.ts).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAbr } from '../../algorithms/abr/load-user.ts';
import { getAbr } from '../../algorithms/abr/registry.ts';
import { validateCommand } from '../../harness/cli/commands/validate.ts';
import { EXIT_BAD_INPUT, EXIT_CRASHED, EXIT_OK } from '../../harness/cli/exit-codes.ts';
import { exitCodeForRuns, runMatrix } from '../../harness/run/run-matrix.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import { abrNames } from '../../algorithms/abr/registry.ts';
import { AbrDecisionError, checkAbrDecision } from '../../harness/sim/abr-decision.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');

function decisionError(value: unknown, rungs = 4): AbrDecisionError {
  try {
    checkAbrDecision(value, rungs, 7, { name: 'mine', file: '/x/my-abr.ts' });
  } catch (err) {
    expect(err).toBeInstanceOf(AbrDecisionError);
    return err as AbrDecisionError;
  }
  throw new Error(`expected ${String(value)} to be refused`);
}

describe('ABR decisions checked at run time', () => {
  it('accepts an integer rung index with a string reason, and an optional delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), fc.string(), fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }), (rungs, q, reason, delayMs) => {
        const d = { quality: q % rungs, reason, ...(delayMs === undefined ? {} : { delayMs }) };
        expect(checkAbrDecision(d, rungs, 0, { name: 'x' })).toBe(d);
      }),
    );
  });

  it('refuses anything else, naming the file, the algorithm, the segment and the value returned', () => {
    const e = decisionError({ quality: 99, reason: 5 });
    expect(e.message).toBe(
      '/x/my-abr.ts: ABR algorithm "mine" returned a bad decision for segment 7: {"quality":99,"reason":5} ' +
        '(quality must be an integer rung index from 0 to 3; reason must be a string)',
    );
    expect(decisionError({ quality: NaN, reason: 'r' }).message).toContain('{"quality":NaN,"reason":"r"}');
    expect(decisionError({ quality: 1.5, reason: 'r' }).message).toContain('quality must be an integer');
    expect(decisionError({ quality: -1, reason: 'r' }).message).toContain('quality must be an integer');
    expect(decisionError({ quality: '1', reason: 'r' }).message).toContain('quality must be an integer');
    expect(decisionError({ quality: 1, reason: 'r', delayMs: Infinity }).message).toContain('{"quality":1,"reason":"r","delayMs":Infinity} (delayMs must be');
    expect(decisionError(undefined).message).toContain('segment 7: undefined (expected an object');
    expect(decisionError(2).message).toContain(': 2 (expected an object');
    // A built-in is named as such.
    expect(() => checkAbrDecision({ quality: 9, reason: '' }, 2, 0, { name: 'bola' })).toThrow(/^built-in ABR algorithm "bola" returned a bad decision/);
  });

  it('a run whose user ABR returns a bad decision is recorded as crashed with that message (exit 3), the others go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netqoe-abr-'));
    writeFileSync(join(dir, 'nan-abr.ts'), "export default { name: 'nan', create() { return { name: 'nan', choose() { return { quality: NaN, reason: 'r' }; } }; } };\n");
    const scenario = loadScenario(join(root, 'scenarios', 'step-down-up.yaml'), { abrNames: abrNames() });
    const nan = await loadAbr('./nan-abr.ts', dir);
    const runs = runMatrix([
      { kind: 'abr', scenario, abr: nan, spec: './nan-abr.ts' },
      { kind: 'abr', scenario, abr: getAbr('bba')!, spec: 'bba' },
    ]);
    expect(runs[0].status).toBe('crashed');
    expect(runs[0].error).toContain(`${join(dir, 'nan-abr.ts')}: ABR algorithm "nan" returned a bad decision for segment 0: {"quality":NaN,"reason":"r"}`);
    expect(runs[1].status).toBe('ok');
    expect(exitCodeForRuns(runs)).toBe(EXIT_CRASHED);
  });
});

describe('netqoe validate loads the algorithm files a scenario names', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  /** A copy of a shipped scenario with its algorithms line replaced, next to copies of the given fixtures. */
  function scenarioWith(shipped: string, algorithmsLine: RegExp, replacement: string, files: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'netqoe-validate-'));
    for (const f of files) copyFileSync(join(fixtures, f), join(dir, f));
    const text = readFileSync(join(root, 'scenarios', shipped), 'utf8');
    expect(text).toMatch(algorithmsLine);
    const file = join(dir, 's.yaml');
    writeFileSync(file, text.replace(algorithmsLine, replacement));
    return file;
  }

  it('refuses an ABR file without choose (exit 2, the loader message), accepts a good one', async () => {
    const bad = scenarioWith('step-down-up.yaml', /abr: \[.*\]/, 'abr: [bba, ./abr-without-choose.ts]', ['abr-without-choose.ts']);
    expect(await validateCommand([bad])).toBe(EXIT_BAD_INPUT);
    expect(err.join('')).toMatch(/^FAIL .*abr-without-choose\.ts: the default export is missing a `choose\(ctx\)` function/);
    const good = scenarioWith('step-down-up.yaml', /abr: \[.*\]/, 'abr: [bba, ./greedy-abr.ts]', ['greedy-abr.ts']);
    expect(await validateCommand([good])).toBe(EXIT_OK);
    expect(out.join('')).toMatch(/^ok {3}.*abr: bba, \/.*greedy-abr\.ts/m);
  });

  it('refuses a missing ABR file and a bad BWE file with exit 2', async () => {
    const missing = scenarioWith('step-down-up.yaml', /abr: \[.*\]/, 'abr: [./nowhere.ts]', []);
    expect(await validateCommand([missing])).toBe(EXIT_BAD_INPUT);
    expect(err.join('')).toMatch(/s\.yaml:\d+ algorithms\.abr\[0\]: expected an algorithm file, got "\.\/nowhere\.ts"/);
    const bwe = scenarioWith('bwe/step-profile.yaml', /bwe: \[.*\]/, 'bwe: [gcc, ./bwe-without-decide.ts]', ['bwe-without-decide.ts']);
    expect(await validateCommand([bwe])).toBe(EXIT_BAD_INPUT);
    expect(err.join('')).toMatch(/bwe-without-decide\.ts: .*decide/);
  });

  it('refuses an ICE-restart policy file without onInput with exit 2', async () => {
    const ice = scenarioWith('step-down-up.yaml', /abr: \[.*\]/, 'abr: [bba]\n  iceRestart: [./ice-policy-bad.ts]', ['ice-policy-bad.ts']);
    expect(await validateCommand([ice])).toBe(EXIT_BAD_INPUT);
    expect(err.join('')).toMatch(/ice-policy-bad\.ts: the default export is missing an `onInput\(input\)` function/);
  });
});
