// `netqoe run --bwe/--layer/--ice-restart`: what each override leaves in the scenarios the runs read
// (the live runs themselves are covered by the live tests; here nothing starts).
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyAlgorithmOverrides } from '../../harness/cli/commands/run.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';

const root = join(import.meta.dirname, '..', '..');
const live = () => loadScenario(join(root, 'test/fixtures/handover-live.yaml'));
const bweSim = () => loadScenario(join(root, 'scenarios/bwe/step-profile.yaml'));
const abrSim = () => loadScenario(join(root, 'scenarios/step-down-up.yaml'));

describe('applyAlgorithmOverrides', () => {
  it('--bwe and --layer replace a live scenario\'s lists: built-ins by name, files as absolute paths (cwd-relative)', async () => {
    const s = live();
    expect(s.algorithms.bwe).toEqual([]);
    await applyAlgorithmOverrides({ bwe: ['seed-smooth', 'test/fixtures/bwe-class.ts'], layer: ['abr:bba', './test/fixtures/layer-middle.ts'] }, [s], []);
    expect(s.algorithms.bwe).toEqual(['seed-smooth', resolve('test/fixtures/bwe-class.ts')]);
    expect(s.algorithms.layer).toEqual(['abr:bba', resolve('test/fixtures/layer-middle.ts')]);
    expect(s.algorithms.iceRestart).toEqual(['seed-resilient']); // untouched without --ice-restart
  });

  it('--bwe replaces a BWE simulation\'s estimators, and leaves a streaming (ABR) simulation alone', async () => {
    const bwe = bweSim();
    const abr = abrSim();
    expect(bwe.algorithms.bwe).toEqual(['gcc', 'seed-smooth', 'seed-jitter-cap']);
    await applyAlgorithmOverrides({ bwe: ['seed-jitter-cap'] }, [], [bwe, abr]);
    expect(bwe.algorithms.bwe).toEqual(['seed-jitter-cap']);
    expect(abr.algorithms.bwe).toEqual([]);
  });

  it('refuses before changing anything: an unknown name (did you mean), a missing file, a flag that applies to no scenario', async () => {
    const s = live();
    await expect(applyAlgorithmOverrides({ bwe: ['seed-smoth'] }, [s], [])).rejects.toThrow('--bwe: unknown bandwidth estimator "seed-smoth" (did you mean "seed-smooth"?)');
    await expect(applyAlgorithmOverrides({ layer: ['higest-fit'] }, [s], [])).rejects.toThrow('--layer: unknown layer selector "higest-fit" (did you mean "highest-fit"?)');
    await expect(applyAlgorithmOverrides({ layer: ['./no-such-selector.ts'] }, [s], [])).rejects.toThrow('./no-such-selector.ts: layer selector file not found');
    expect(s.algorithms.bwe).toEqual([]);
    expect(s.algorithms.layer ?? []).not.toContain('higest-fit');
    await expect(applyAlgorithmOverrides({ bwe: ['gcc'] }, [], [abrSim()])).rejects.toThrow('--bwe applies to live runs');
    await expect(applyAlgorithmOverrides({ layer: ['highest-fit'] }, [], [bweSim()])).rejects.toThrow('--layer applies to live runs');
  });
});
