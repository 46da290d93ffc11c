// The live charts of a live SFU run in headless Chromium: per subscriber the estimate / capacity / received
// chart and the layer lane with switch markers (reason on hover), per publisher the bitrate sent per layer and
// availableOutgoingBitrate. Screenshot: /tmp/report-live.png.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../harness/browser/launch.ts';
import type { LaunchedChromium } from '../../harness/browser/launch.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { openReport } from '../helpers/report-page.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { DROP_MS, LIVE_SCENARIO, syntheticLiveResults } from '../helpers/synthetic-live-run.ts';

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('live charts in headless Chromium', () => {
  let chromium: LaunchedChromium;
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-report-live-'));

  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('estimate vs capacity vs received, layer over time with switch reasons, publisher layers', async () => {
    const results = syntheticLiveResults();
    const { html } = writeReports(results, dir, { layout: 'run' });
    const { page, problems } = await openReport(chromium, html, { viewport: { width: 1200, height: 900 } });
    const errors = [...problems.errors, ...problems.foreignRequests.map((u) => `request: ${u}`)];
    expect(errors).toEqual([]);
    expect(await page.$eval('.chart.live', (el) => (el as HTMLElement).dataset.rendered)).toBe('true');

    const subs = await page.$$eval('.chart.live .live-subscriber', (els) =>
      els.map((el) => ({
        sub: (el as HTMLElement).dataset.subscriber,
        capacity: el.querySelector('.live-rates path.live-capacity')?.getAttribute('d')?.length ?? 0,
        estimate: el.querySelector('.live-rates path.live-estimate')?.getAttribute('d')?.length ?? 0,
        received: el.querySelector('.live-rates path.live-received')?.getAttribute('d')?.length ?? 0,
        layer: el.querySelector('.live-layers path.live-layer')?.getAttribute('d')?.length ?? 0,
        switches: Array.from(el.querySelectorAll('.live-layers .live-switch')).map((s) => Number((s as HTMLElement).dataset.tMs)),
        down: el.querySelectorAll('.live-layers .live-switch-down').length,
        ticks: Array.from(el.querySelectorAll('.live-layers .axis-y .tick text')).map((t) => t.textContent),
      })),
    );
    expect(subs.map((s) => s.sub)).toEqual(['s1', 's2']);
    const timeline = results.runs[0].timeline;
    for (const s of subs) {
      for (const d of [s.capacity, s.estimate, s.received, s.layer]) expect(d).toBeGreaterThan(50);
      const expected = timeline.flatMap((e) => (e.kind === 'layer-switch' && e.change.subscriberId === s.sub ? [e.tMs] : []));
      expect(s.switches).toEqual(expected);
      expect(s.ticks.sort()).toEqual(['h', 'l', 'm']);
    }
    expect(subs[0].down).toBe(0);
    expect(subs[1].down).toBe(1);

    // The down switch of s2 sits at its time on the x axis and at the m row; hovering it shows the reason.
    const marker = await page.$eval(`.live-subscriber[data-subscriber="s2"] .live-switch-down`, (m) => {
      m.scrollIntoView({ block: 'center' });
      const b = m.getBoundingClientRect();
      const plot = m.closest('svg')!.querySelector('.plot-bg')!.getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2, plotX: plot.x, plotW: plot.width, t: Number((m as HTMLElement).dataset.tMs) };
    });
    expect(marker.t).toBeGreaterThan(DROP_MS);
    expect(Math.abs(marker.x - (marker.plotX + (marker.plotW * marker.t) / LIVE_SCENARIO.durationMs))).toBeLessThan(3);
    await page.mouse.move(marker.x, marker.y);
    const switchTip = await page.$eval('.tooltip', (el) => el.textContent ?? '');
    expect(switchTip).toContain('h -> m at');
    expect(switchTip).toMatch(/estimate \d+ kbps x0.9 -> m/);

    // Hovering the rate chart in the low phase: the estimate's reason and the 600 kbps capacity.
    const rates = await page.$eval('.live-subscriber[data-subscriber="s2"] .live-rates .hover-capture', (r) => {
      r.scrollIntoView({ block: 'center' });
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, w: b.width, h: b.height };
    });
    await page.mouse.move(rates.x + (rates.w * 20_500) / LIVE_SCENARIO.durationMs, rates.y + rates.h / 2);
    const rateTip = await page.$eval('.tooltip', (el) => el.textContent ?? '');
    expect(rateTip).toContain('capacity 0.60 Mbps');
    expect(rateTip).toContain('delay-based');

    const pub = await page.$eval('.live-publisher[data-publisher="pub"]', (el) => ({
      sent: Array.from(el.querySelectorAll('path.live-sent')).map((p) => (p as HTMLElement).dataset.rid),
      available: el.querySelectorAll('path.live-available').length,
      capacity: el.querySelectorAll('path.live-capacity').length,
    }));
    expect(pub).toEqual({ sent: ['l', 'm', 'h'], available: 1, capacity: 1 });
    await page.screenshot({ path: '/tmp/report-live.png', fullPage: true });
    expect(existsSync('/tmp/report-live.png')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
