// The report opened from file:// in headless Chromium: charts render, nothing errors, nothing is fetched,
// hover explains a segment. Also a screenshot to /tmp/report.png for a human look.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../harness/browser/launch.ts';
import type { LaunchedChromium } from '../../harness/browser/launch.ts';
import type { ResultsFile } from '../../harness/run/types.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { renderJunitXml } from '../../reports/junit.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { openReport, type PageProblems } from '../helpers/report-page.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';

const chromiumPath = requireChromium();
const REASON = 'buffer 3.1 s < 5 s: x0.7 </script><b id="injected">bold</b>';

function stallCount(results: ResultsFile, runIndex: number): number {
  return results.runs[runIndex].timeline.filter((e) => e.kind === 'stall').length;
}

describe.skipIf(!chromiumPath)('HTML report in headless Chromium', () => {
  let chromium: LaunchedChromium;
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-report-chromium-'));
  const results = syntheticResults({ crashedAlgorithm: 'broken', injectReason: REASON });

  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('run layout', () => {
    let page: Page;
    let problems: PageProblems;
    beforeAll(async () => {
      const { html } = writeReports(results, join(dir, 'run'), { layout: 'run' });
      ({ page, problems } = await openReport(chromium, html));
    });

    test('no console or page errors, nothing fetched from the network', () => {
      expect(problems.errors).toEqual([]);
      expect(problems.foreignRequests).toEqual([]);
    });

    test('summary table has one row per run', async () => {
      expect(await page.$$eval('table.summary tbody tr.run-row', (rows) => rows.length)).toBe(results.runs.length);
    });

    test('each run with a timeline has a chart with capacity and bitrate paths; the crashed run has none', async () => {
      const okRuns = results.runs.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'ok');
      expect(okRuns.length).toBeGreaterThan(1);
      for (const { i } of okRuns) {
        const counts = await page.$eval(`.chart[data-run="${i}"]`, (el) => ({
          svg: el.querySelectorAll('svg').length,
          capacity: el.querySelectorAll('path.capacity-line').length,
          bitrate: el.querySelectorAll('path.bitrate-line').length,
          buffer: el.querySelectorAll('path.buffer-line').length,
          bitrateD: el.querySelector('path.bitrate-line')?.getAttribute('d')?.length ?? 0,
          network: el.querySelectorAll('.network-band, .network-line').length,
        }));
        expect(counts).toMatchObject({ svg: 1, capacity: 1, bitrate: 1, buffer: 1 });
        expect(counts.bitrateD).toBeGreaterThan(50);
        expect(counts.network).toBeGreaterThan(0);
      }
      const crashed = results.runs.findIndex((r) => r.status === 'crashed');
      expect(await page.$$(`.chart[data-run="${crashed}"]`)).toHaveLength(0);
      expect(await page.$eval(`#run-${crashed} .crash-error`, (el) => el.textContent)).toContain('cannot read properties');
    });

    test('stalls are shaded: one rect per stall event', async () => {
      let total = 0;
      for (let i = 0; i < results.runs.length; i++) {
        const expected = stallCount(results, i);
        total += expected;
        const rects = await page.$$eval(`.chart[data-run="${i}"] rect.stall`, (r) => r.length).catch(() => 0);
        expect(rects).toBe(expected);
      }
      expect(total).toBeGreaterThan(0);
    });

    test('the CDF chart has one curve per algorithm with segments', async () => {
      const algorithms = await page.$$eval('.chart.cdf path.cdf-line', (paths) => paths.map((p) => p.getAttribute('data-algorithm')));
      expect(algorithms.sort()).toEqual(results.runs.filter((r) => r.status === 'ok').map((r) => r.algorithms.abr).sort());
    });

    test('hovering a segment shows its decision reason, as text', async () => {
      await page.hover('.chart[data-run="0"] .segment-hit[data-index="3"]');
      const tooltip = await page.$eval('.tooltip', (el) => ({ hidden: (el as HTMLElement).hidden, text: el.textContent ?? '' }));
      expect(tooltip.hidden).toBe(false);
      expect(tooltip.text).toContain(`reason: ${REASON}`);
      expect(tooltip.text).toMatch(/segment 3 · quality \d · [\d.]+ Mbps/);
      expect(await page.$('#injected')).toBeNull();
      // A later segment shows its own reason.
      const seg = results.runs[1].timeline.find((e) => e.kind === 'segment' && e.index === 10);
      await page.hover('.chart[data-run="1"] .segment-hit[data-index="10"]');
      expect(await page.$eval('.tooltip', (el) => el.textContent)).toContain(seg?.kind === 'segment' ? seg.reason : '?');
      await page.mouse.move(0, 0);
      expect(await page.$eval('.tooltip', (el) => (el as HTMLElement).hidden)).toBe(true);
    });

    test('screenshot for a human look at /tmp/report.png', async () => {
      await page.hover('.chart[data-run="2"] .segment-hit[data-index="14"]');
      await page.screenshot({ path: '/tmp/report.png', fullPage: true });
      expect(existsSync('/tmp/report.png')).toBe(true);
    });
  });

  test('compare layout: overlay with every algorithm, CDF, per-run details, no errors', async () => {
    const { html } = writeReports(results, join(dir, 'compare'), { layout: 'compare' });
    const { page, problems } = await openReport(chromium, html);
    const overlay = await page.$eval('.chart.overlay', (el) => ({
      bitrate: el.querySelectorAll('path.bitrate-line').length,
      capacity: el.querySelectorAll('path.capacity-line').length,
      stalls: el.querySelectorAll('rect.stall').length,
    }));
    const ok = results.runs.filter((r) => r.status === 'ok');
    expect(overlay.bitrate).toBe(ok.length);
    expect(overlay.capacity).toBe(1);
    expect(overlay.stalls).toBe(results.runs.reduce((n, _r, i) => n + stallCount(results, i), 0));
    expect(await page.$$('.chart.cdf path.cdf-line')).toHaveLength(ok.length);
    expect(await page.$$('.details .chart.timeline svg')).toHaveLength(ok.length);
    await page.hover('.chart.overlay .hover-capture');
    const text = await page.$eval('.tooltip', (el) => el.textContent ?? '');
    for (const r of ok) expect(text).toContain(`${r.algorithms.abr}:`);
    expect(problems.errors).toEqual([]);
    expect(problems.foreignRequests).toEqual([]);
    await page.close();
  });

  test('runs with other timeline kinds, or only some kinds, render without errors', async () => {
    const base = syntheticResults({ algorithms: ['throughput'] });
    const run = base.runs[0];
    const odd: ResultsFile = {
      ...base,
      runs: [
        // A live WebRTC-like run: no segments or buffer, kinds the report does not know.
        {
          ...run,
          algorithms: { bwe: 'gcc', iceRestart: 'eager' },
          timeline: [
            ...run.timeline.filter((e) => e.kind === 'capacity' || e.kind === 'network'),
            { kind: 'rtcStats', tMs: 1000, fps: 30 } as never,
            { kind: 'segment', tMs: 'bad' } as never,
            null as never,
          ],
        },
        // Segments only.
        { ...run, algorithms: { abr: 'segments-only' }, timeline: run.timeline.filter((e) => e.kind === 'segment') },
        // Nothing at all.
        { ...run, algorithms: { abr: 'empty' }, timeline: [] },
      ],
    };
    const file = join(dir, 'odd.html');
    writeFileSync(file, renderHtmlReport(odd, { layout: 'compare' }));
    const { page, problems } = await openReport(chromium, file);
    expect(problems.errors).toEqual([]);
    expect(await page.$$eval('[data-chart]', (els) => els.map((e) => (e as HTMLElement).dataset.rendered))).not.toContain('error');
    expect(await page.$$('.chart[data-run="0"] path.capacity-line')).toHaveLength(1);
    expect(await page.$$('.chart[data-run="0"] path.bitrate-line')).toHaveLength(0);
    expect(await page.$$('.chart[data-run="1"] path.bitrate-line')).toHaveLength(1);
    expect(await page.$eval('.chart[data-run="2"]', (el) => el.textContent)).toContain('No timeline data');
    await page.close();
  });

  test('the JUnit XML is well-formed for a browser XML parser', async () => {
    const xml = renderJunitXml({
      ...results,
      runs: results.runs.map((r) => ({ ...r, error: r.error ? `${r.error} & <more> "\u0007"` : undefined })),
    });
    const page = await chromium.browser.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        parseError: doc.querySelector('parsererror')?.textContent ?? null,
        testcases: doc.querySelectorAll('testcase').length,
        error: doc.querySelector('error')?.getAttribute('message') ?? null,
      };
    }, xml);
    expect(parsed.parseError).toBeNull();
    expect(parsed.testcases).toBe(results.runs.length);
    expect(parsed.error).toContain('& <more> "\uFFFD"');
    await page.close();
  });
});

describe.skipIf(!chromiumPath)('launchChromium', () => {
  test('close() ends the browser process and removes the profile directory', async () => {
    const chromium = await launchChromium();
    const pid = chromium.browser.process()?.pid;
    expect(pid).toBeTypeOf('number');
    expect(existsSync(chromium.userDataDir)).toBe(true);
    await chromium.close();
    await chromium.close(); // idempotent
    expect(existsSync(chromium.userDataDir)).toBe(false);
    expect(() => process.kill(pid as number, 0)).toThrow();
  });
});
