// The connection-recovery chart of live handover runs in headless Chromium: one lane per policy and peer
// coloured by state, the outage shaded across every lane, ICE-restart markers, the moment video came back,
// and the recovery figures side by side ("never recovered" for the baseline). Screenshot: /tmp/report-recovery.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../harness/browser/launch.ts';
import type { LaunchedChromium } from '../../harness/browser/launch.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { openReport } from '../helpers/report-page.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { OUTAGE_MS, OUTAGE_START_MS, RECOVERY_SCENARIO, RESUMED_MS, syntheticRecoveryResults } from '../helpers/synthetic-recovery-run.ts';

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('recovery chart in headless Chromium', () => {
  let chromium: LaunchedChromium;
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-report-recovery-'));

  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const layout of ['run', 'compare'] as const) {
    test(`${layout} layout: lanes per policy and peer, outage across all lanes, restarts, media back, metrics side by side`, async () => {
      const { html } = writeReports(syntheticRecoveryResults(), dir, { layout });
      const { page, problems } = await openReport(chromium, html, { viewport: { width: 1200, height: 900 } });
      const errors = problems.errors;
      expect(problems.foreignRequests).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.$$eval('.chart.recovery', (els) => els.map((el) => (el as HTMLElement).dataset.rendered))).toEqual(['true']);

      const chart = await page.$eval('.chart.recovery', (el) => {
        const plot = el.querySelector('.plot-bg')!.getBoundingClientRect();
        const box = (n: Element) => n.getBoundingClientRect();
        return {
          plot: { x: plot.x, y: plot.y, w: plot.width, h: plot.height },
          lanes: Array.from(el.querySelectorAll('.recovery-lane')).map((l) => ({
            policy: (l as HTMLElement).dataset.policy,
            peer: (l as HTMLElement).dataset.peer,
            states: Array.from(l.querySelectorAll('.recovery-state')).map((r) => (r as HTMLElement).dataset.state),
            top: box(l).y,
            bottom: box(l).y + box(l).height,
          })),
          labels: Array.from(el.querySelectorAll('.recovery-lane-label')).map((t) => t.textContent),
          outages: Array.from(el.querySelectorAll('.recovery-outage')).map((o) => ({ x: box(o).x, w: box(o).width, y: box(o).y, h: box(o).height })),
          restarts: Array.from(el.querySelectorAll('.recovery-restart-ice')).map((m) => ({ t: Number((m as HTMLElement).dataset.tMs), x: box(m).x + box(m).width / 2 })),
          resumed: Array.from(el.querySelectorAll('.recovery-resumed')).map((m) => ({ t: Number((m as HTMLElement).dataset.tMs), peer: (m as HTMLElement).dataset.peer })),
          never: Array.from(el.querySelectorAll('.recovery-never')).map((m) => `${(m as HTMLElement).dataset.run}/${(m as HTMLElement).dataset.peer}`),
          table: Array.from(el.querySelectorAll('table.recovery-metrics tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent)),
          handovers: Array.from(el.querySelectorAll('table.recovery-handovers tr')).map((tr) => Array.from(tr.children).map((c) => (c.className === 'fail-sample' ? `!${c.textContent}` : c.textContent))),
        };
      });
      const xOf = (tMs: number) => chart.plot.x + (chart.plot.w * tMs) / RECOVERY_SCENARIO.durationMs;
      expect(chart.lanes.map((l) => `${l.policy}/${l.peer}`)).toEqual(['seed-resilient/phone', 'seed-resilient/viewer', 'none/phone', 'none/viewer']);
      expect(chart.labels).toEqual(['seed-resilient · phone', 'seed-resilient · viewer', 'none · phone', 'none · viewer']);
      expect(chart.lanes[0].states).toEqual(['checking', 'connected', 'checking', 'connected']);
      expect(chart.lanes[2].states).toEqual(['checking', 'connected', 'disconnected', 'failed']);
      // One outage band, at its time, spanning every lane.
      expect(chart.outages).toHaveLength(1);
      const o = chart.outages[0];
      expect(Math.abs(o.x - xOf(OUTAGE_START_MS))).toBeLessThan(2);
      expect(Math.abs(o.w - (chart.plot.w * OUTAGE_MS) / RECOVERY_SCENARIO.durationMs)).toBeLessThan(2);
      for (const l of chart.lanes) expect(o.y <= l.top && o.y + o.h >= l.bottom).toBe(true);
      expect(chart.restarts.map((r) => r.t)).toEqual([8506]);
      expect(Math.abs(chart.restarts[0].x - xOf(8506))).toBeLessThan(2);
      expect(chart.resumed).toEqual([{ t: RESUMED_MS, peer: 'viewer' }]);
      expect(chart.never).toEqual(['1/viewer']);
      expect(chart.table[0]).toEqual(['recovery', 'seed-resilient', 'none']);
      expect(chart.table.find((r) => r[0] === 'media back')).toEqual(['media back', '2.25 s', 'never recovered (17.5 s without video)']);
      // Every handover x subscriber the runs recorded ('handover-outcome'); never-recovered marked.
      expect(chart.handovers).toEqual([
        ['policy', 'handover', 'subscriber', 'media back', 'frozen', 'bitrate after', 'ramp to 80%'],
        ['seed-resilient', 'phone to lte at 7.0 s', 'viewer', '2.25 s', '2.50 s', '—', '—'],
        ['none', 'phone to lte at 7.0 s', 'viewer', '!never', '13.00 s', '—', '—'],
      ]);
      if (layout === 'run') await page.screenshot({ path: '/tmp/report-recovery.png', fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  test('no recovery chart for runs without connection events', async () => {
    const results = syntheticRecoveryResults();
    for (const r of results.runs) r.timeline = r.timeline.filter((e) => e.kind !== 'connection');
    const { html } = writeReports(results, dir, { layout: 'run' });
    expect(readFileSync(html, 'utf8')).not.toContain('data-chart="recovery"');
  });
});
