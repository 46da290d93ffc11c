// Every shipped scenario's `expect:` lines are a real gate: they hold for the sensible built-ins and
// fail for a bad algorithm (always the top rung).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { abrNames, getAbr } from '../../algorithms/abr/registry.ts';
import { loadAbr } from '../../algorithms/abr/load-user.ts';
import { runSimScenario } from '../../harness/run/run-sim.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import { projectRoot } from '../helpers/run-cli.ts';

const dir = join(projectRoot, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('shipped scenarios as CI gates', () => {
  it('ships the five scenarios of the foundation', () => {
    expect(files.sort()).toEqual(['3g-jitter-loss.yaml', 'congested-wifi.yaml', 'lte-driving.yaml', 'step-down-up.yaml', 'wifi-to-4g-handover.yaml']);
  });

  for (const f of files) {
    it(`${f}: expectations hold for every listed built-in and fail for an always-top-rung algorithm`, async () => {
      const scenario = loadScenario(join(dir, f), { abrNames: abrNames() });
      expect(scenario.expect.length).toBeGreaterThan(0);
      for (const name of scenario.algorithms.abr) {
        const run = runSimScenario(scenario, getAbr(name)!);
        const failed = run.expectations.filter((e) => !e.pass).map((e) => `${e.expr} (got ${e.actual})`);
        expect(failed, `${f} / ${name}`).toEqual([]);
      }
      const greedy = await loadAbr(join(projectRoot, 'test', 'fixtures', 'greedy-abr.ts'));
      const bad = runSimScenario(scenario, greedy);
      expect(bad.expectations.some((e) => !e.pass), `${f} / greedy should fail a gate`).toBe(true);
    });
  }
});
