// The regression gate on a live handover, through the real CLI: `expect: { iceRecoveryS: "< 5s" }`
// holds for seed-resilient (exit 0) and fails for the browser's defaults (none: exit 1), with the
// figures in results.json and the summary table.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ResultsFile } from '../../harness/run/types.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { projectRoot, runCli, tempDir } from '../helpers/run-cli.ts';

const chromiumPath = requireChromium();
const FIXTURE = join(projectRoot, 'test/fixtures/handover-live.yaml');

function runPolicy(policy: string) {
  const dir = tempDir('netqoe-handover-');
  const file = join(dir, 'handover.yaml');
  writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace('iceRestart: seed-resilient', `iceRestart: ${policy}`));
  const r = runCli(['run', file, '--out', join(dir, 'out')]);
  const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as ResultsFile;
  return { ...r, results };
}

describe.skipIf(!chromiumPath)('netqoe run: the iceRecoveryS gate on a live handover', () => {
  test('seed-resilient meets "< 5s": exit 0', () => {
    const r = runPolicy('seed-resilient');
    expect(r.code, r.stderr).toBe(0);
    const run = r.results.runs[0];
    expect(run.algorithms.iceRestart).toBe('seed-resilient');
    expect(run.metrics.iceRecoveryS).toBeLessThan(5);
    expect(run.expectations).toEqual([expect.objectContaining({ metric: 'iceRecoveryS', pass: true })]);
    expect(run.timeline.some((e) => e.kind === 'connection' && e.event === 'restart-ice')).toBe(true);
    expect(r.stdout).toMatch(/ice restart .*media back s/);
    console.log(r.stdout.split('\n').filter((l) => l.includes('seed-resilient')).join('\n'));
  }, 60_000);

  test('none misses it (media never comes back): exit 1, the failure names the gate', () => {
    const r = runPolicy('none');
    expect(r.code, r.stderr).toBe(1);
    const run = r.results.runs[0];
    expect(run.metrics.iceRecovered).toBe(0);
    expect(run.expectations).toEqual([expect.objectContaining({ metric: 'iceRecoveryS', pass: false, actual: null })]);
    expect(r.stdout).toContain('expected iceRecoveryS < 5s, got no value');
    expect(r.stdout).toMatch(/none .*never \(\d+ s dark\)/);
  }, 60_000);
});
