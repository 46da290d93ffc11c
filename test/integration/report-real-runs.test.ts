// The report of real simulator output (an ABR scenario and a BWE scenario in one results.json),
// opened in headless Chromium: every chart renders with its lines, and nothing errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { abrNames } from '../../algorithms/abr/registry.ts';
import { bweNames } from '../../algorithms/bwe/registry.ts';
import { launchChromium } from '../../harness/browser/launch.ts';
import { planMatrix, runMatrix } from '../../harness/run/run-matrix.ts';
import { RESULTS_SCHEMA_VERSION, type ResultsFile } from '../../harness/run/types.ts';
import { loadScenario } from '../../harness/scenario/parse.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { projectRoot } from '../helpers/run-cli.ts';

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('report of real runs in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-real-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the ABR timeline and the BWE chart from simulator output', async () => {
    const names = { abrNames: abrNames(), bweNames: bweNames() };
    const scenarios = [
      loadScenario(join(projectRoot, 'scenarios', 'wifi-to-4g-handover.yaml'), names),
      loadScenario(join(projectRoot, 'scenarios', 'bwe', 'step-profile.yaml'), names),
    ];
    scenarios[0].algorithms.abr = ['bba', 'robust-mpc'];
    scenarios[1].algorithms.bwe = ['gcc'];
    const runs = runMatrix(await planMatrix(scenarios));
    const results: ResultsFile = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: { name: 'netqoe', version: 'test' },
      createdAt: new Date(0).toISOString(),
      command: 'test',
      scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, description: s.description, durationMs: s.durationMs, seed: s.seed })),
      runs,
    };
    const { html } = writeReports(results, dir, { layout: 'run' });

    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 15_000 });
      const counts = await page.evaluate(() => ({
        timelines: document.querySelectorAll('[data-chart="timeline"][data-rendered="true"] svg').length,
        bwe: document.querySelectorAll('[data-chart="bwe"][data-rendered="true"] svg').length,
        bweTargetPath: document.querySelector('[data-chart="bwe"] path.bwe-target')?.getAttribute('d')?.length ?? 0,
        bweQueuePath: document.querySelector('[data-chart="bwe"] path.bwe-queue')?.getAttribute('d')?.length ?? 0,
        failedCharts: document.querySelectorAll('[data-rendered="error"]').length,
        handoverMarks: document.querySelectorAll('[data-chart="timeline"] .network-handover').length,
      }));
      expect(errors).toEqual([]);
      expect(counts.failedCharts).toBe(0);
      expect(counts.timelines).toBe(2);
      expect(counts.bwe).toBe(1);
      expect(counts.bweTargetPath).toBeGreaterThan(100);
      expect(counts.bweQueuePath).toBeGreaterThan(100);
      expect(counts.handoverMarks).toBe(2);
    } finally {
      await chromium.close();
    }
  });
});
