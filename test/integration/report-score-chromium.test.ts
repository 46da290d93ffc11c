// The score chart of a scored live run in headless Chromium: per subscriber, VMAF and PSNR lines, freezes shaded,
// worst moments marked and listed (with the run's reference/received thumbnails when stored), latency chart, hover
// text; one series per video for a subscriber of two publishers; PSNR only without VMAF. Screenshots:
// /tmp/report-score.png, /tmp/report-score-thumbs.png, /tmp/report-score-two-videos.png.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../harness/browser/launch.ts';
import type { LaunchedChromium } from '../../harness/browser/launch.ts';
import { i420Size } from '../../harness/media/i420.ts';
import { jpegDataUri, jpegThumbnail } from '../../harness/media/jpeg-thumbnail.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { openReport } from '../helpers/report-page.ts';
import { requireChromium } from '../helpers/require-chromium.ts';
import { requireFfmpeg } from '../helpers/require-ffmpeg.ts';
import { syntheticScoredResults } from '../helpers/synthetic-scored-run.ts';

const chromiumPath = requireChromium();
const ffmpegPath = requireFfmpeg();

/** A 320x180 I420 frame: a luma ramp across (or down) the picture, grey chroma. */
function ramp(vertical: boolean) {
  const width = 320;
  const height = 180;
  const data = new Uint8Array(i420Size(width, height)).fill(128);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = 16 + Math.round((219 * (vertical ? y / height : x / width)));
  return { width, height, data };
}

/** The report opened at 1200x900; errors = console/page errors and foreign requests, as one list. */
async function open(chromium: LaunchedChromium, file: string): Promise<{ page: Page; errors: string[] }> {
  const { page, problems } = await openReport(chromium, file, { viewport: { width: 1200, height: 900 } });
  return { page, errors: [...problems.errors, ...problems.foreignRequests.map((u) => `request: ${u}`)] };
}

describe.skipIf(!chromiumPath)('score chart in headless Chromium', () => {
  let chromium: LaunchedChromium;
  const dir = mkdtempSync(join(tmpdir(), 'netqoe-report-score-'));

  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('VMAF/PSNR per second, freezes, worst moments and latency for each subscriber', async () => {
    const results = syntheticScoredResults();
    const { html } = writeReports(results, join(dir, 'vmaf'), { layout: 'run' });
    const { page, errors } = await open(chromium, html);
    expect(errors).toEqual([]);
    expect(await page.$eval('.chart.score', (el) => (el as HTMLElement).dataset.rendered)).toBe('true');
    const peers = await page.$$eval('.chart.score .score-peer', (els) =>
      els.map((el) => ({
        peer: (el as HTMLElement).dataset.peer,
        vmafD: el.querySelector('path.score-vmaf')?.getAttribute('d')?.length ?? 0,
        psnr: el.querySelectorAll('path.score-psnr').length,
        freezes: el.querySelectorAll('rect.freeze').length,
        worst: Array.from(el.querySelectorAll('.worst-moment')).map((w) => Number((w as HTMLElement).dataset.tMs)),
        latency: el.querySelectorAll('.score-latency path.latency-median').length,
        list: el.querySelectorAll('.worst-moments-list li').length,
      })),
    );
    expect(peers.map((p) => p.peer)).toEqual(['sub-a', 'sub-b']);
    for (const p of peers) {
      expect(p.vmafD).toBeGreaterThan(100);
      expect(p.psnr).toBe(1);
      expect(p.latency).toBe(1);
      expect(p.list).toBe(p.worst.length);
    }
    expect(peers[0].freezes).toBe(0);
    expect(peers[1].freezes).toBe(1);
    expect(peers[1].worst).toEqual([8000, 20_000, 23_000]);
    // The freeze band covers the outage second on the time axis: its x is where 20.05 s falls.
    const band = await page.$eval('.score-peer[data-peer="sub-b"] rect.freeze', (r) => ({ x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) }));
    expect(band.w).toBeGreaterThan(0);
    expect(await page.$eval('.score-peer[data-peer="sub-b"] .worst-moments-list', (el) => el.textContent)).toContain('(during a freeze)');

    // Hover the frozen second: the tooltip names the freeze and the second's scores.
    const box = await page.$eval('.score-peer[data-peer="sub-b"] .score-quality .hover-capture', (r) => {
      r.scrollIntoView({ block: 'center' });
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, w: b.width, h: b.height };
    });
    await page.mouse.move(box.x + (box.w * 20.5) / 40, box.y + box.h / 2);
    const tip = await page.$eval('.tooltip', (el) => el.textContent ?? '');
    expect(tip).toContain('frozen: 1020 ms');
    expect(tip).toMatch(/VMAF 3\d\.\d, PSNR 2\d\.\d dB/);
    expect(tip).toMatch(/video MOS 1\.\d\d/); // the frozen second, pulled to ~1
    // The per-second video MOS has its own chart (1-5): its line dips in the frozen second.
    const mos = await page.$eval('.score-peer[data-peer="sub-b"] .score-mos', (el) => ({
      d: el.querySelector('path.score-mos-line')?.getAttribute('d') ?? '',
      freezes: el.querySelectorAll('rect.mos-freeze').length,
      text: el.textContent ?? '',
    }));
    expect(mos.d.length).toBeGreaterThan(100);
    expect(mos.freezes).toBe(1);
    expect(mos.text).toContain('video MOS');
    // The path's y (SVG: down is larger) is highest at the 21st point (20 s).
    const ys = [...mos.d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]));
    expect(ys).toHaveLength(40);
    expect(ys.indexOf(Math.max(...ys))).toBe(20);
    await page.screenshot({ path: '/tmp/report-score.png', fullPage: true });
    expect(existsSync('/tmp/report-score.png')).toBe(true);
    // MOS columns in the summary table.
    const headers = await page.$$eval('table.summary th', (ths) => ths.map((t) => t.textContent ?? ''));
    expect(headers.join('|')).toMatch(/r factor/i);
    expect(headers.join('|')).toMatch(/video/i);
    await page.close();
  });

  test.skipIf(!ffmpegPath)('stored worst moments: a row each with time, scores, the reference next to the received image, rendered', async () => {
    const size = { width: 160, height: 90 };
    const reference = jpegDataUri((await jpegThumbnail(ffmpegPath!, ramp(false), size)).jpeg);
    const received = jpegDataUri((await jpegThumbnail(ffmpegPath!, ramp(true), size)).jpeg);
    const { html } = writeReports(syntheticScoredResults({ thumbnails: { reference, received } }), join(dir, 'thumbs'), { layout: 'run' });
    const { page, errors } = await open(chromium, html);
    expect(errors).toEqual([]);
    const rows = await page.$$eval('.score-peer[data-peer="sub-b"] .worst-thumb-row', (els) =>
      els.map((el) => ({
        tMs: Number((el as HTMLElement).dataset.tMs),
        text: el.querySelector('.worst-thumb-text')?.textContent ?? '',
        images: Array.from(el.querySelectorAll('figure')).map((f) => {
          const img = f.querySelector('img') as HTMLImageElement;
          return { cls: f.className, caption: f.querySelector('figcaption')?.textContent ?? '', complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight };
        }),
      })),
    );
    expect(rows.map((r) => r.tMs)).toEqual([8400, 20_400, 23_400]);
    for (const r of rows) {
      expect(r.images.map((i) => i.cls)).toEqual(['worst-thumb thumb-reference', 'worst-thumb thumb-received']);
      for (const i of r.images) expect(i).toMatchObject({ complete: true, naturalWidth: 160, naturalHeight: 90 });
    }
    expect(rows[1].text).toContain('20.4 s');
    expect(rows[1].text).toContain('VMAF 31.5, PSNR 24.5 dB');
    expect(rows[1].text).toContain('frame 590 still shown, 620 was due');
    expect(rows[1].images.map((i) => i.caption)).toEqual(['reference, frame 620', 'received, frame 590']);
    // The reference sits left of the received picture, on one row.
    const boxes = await page.$$eval('.score-peer[data-peer="sub-b"] .worst-thumb-row:nth-child(2) img', (imgs) => imgs.map((i) => i.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes[0].right).toBeLessThanOrEqual(boxes[1].left);
    expect(Math.abs(boxes[0].top - boxes[1].top)).toBeLessThan(1);
    // sub-a stored none: its list stays text; the chart marks the stored moments.
    expect(await page.$$('.score-peer[data-peer="sub-a"] .worst-thumb-row')).toHaveLength(0);
    const marks = await page.$$eval('.score-peer[data-peer="sub-b"] .worst-moment', (els) => els.map((el) => Number((el as HTMLElement).dataset.tMs)));
    expect(marks).toEqual([8000, 20_000, 23_000]);
    await page.$eval('.score-peer[data-peer="sub-b"] .worst-thumbnails', (el) => el.scrollIntoView());
    await page.screenshot({ path: '/tmp/report-score-thumbs.png' });
    await page.close();
  });

  test("a subscriber of two publishers: one coloured, named series per video; one video keeps the plain chart", async () => {
    const { html } = writeReports(syntheticScoredResults({ secondVideo: true, publishers: true }), join(dir, 'two'), { layout: 'run' });
    const { page, errors } = await open(chromium, html);
    expect(errors).toEqual([]);
    const block = (peer: string) =>
      page.$eval(`.score-peer[data-peer="${peer}"]`, (el) => {
        const byVideo = (sel: string) => Array.from(el.querySelectorAll(sel)).map((p) => ({ video: p.getAttribute('data-video'), stroke: p.getAttribute('stroke'), d: p.getAttribute('d')?.length ?? 0 }));
        return {
          heading: el.querySelector('h4')?.textContent ?? '',
          legend: el.querySelector('.score-quality .legend')?.textContent ?? '',
          vmaf: byVideo('.score-quality path.score-vmaf'),
          psnr: byVideo('.score-quality path.score-psnr'),
          mos: byVideo('.score-mos path.score-mos-line'),
          latency: byVideo('.score-latency path.latency-median'),
          freezes: Array.from(el.querySelectorAll('.score-quality rect.freeze')).map((r) => r.getAttribute('data-video')),
          lists: Array.from(el.querySelectorAll('.worst-list')).map((l) => ({ video: l.getAttribute('data-video'), name: l.querySelector('.video-name')?.textContent ?? null, items: l.querySelectorAll('li').length })),
        };
      });
    const a = await block('sub-a');
    expect(a.heading).toBe('What sub-a saw: 2 videos');
    expect(a.legend).toContain('pub-a');
    expect(a.legend).toContain('pub-b');
    for (const series of [a.vmaf, a.psnr, a.mos, a.latency]) {
      expect(series.map((p) => p.video)).toEqual(['0', '1']);
      expect(series[0].stroke).not.toBe(series[1].stroke);
      for (const p of series) expect(p.d).toBeGreaterThan(100);
    }
    // One video's colour across its lines.
    expect(a.psnr.map((p) => p.stroke)).toEqual(a.vmaf.map((p) => p.stroke));
    expect(a.freezes).toEqual(['1']);
    expect(a.lists.map((l) => [l.video, l.name])).toEqual([
      ['0', 'pub-a:'],
      ['1', 'pub-b:'],
    ]);
    for (const l of a.lists) expect(l.items).toBeGreaterThan(0);
    // pub-b's VMAF line sits lower (larger y) than pub-a's over the call.
    const meanY = (sel: string) =>
      page.$eval(sel, (p) => {
        const ys = [...(p.getAttribute('d') ?? '').matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[2]));
        return ys.reduce((x, y) => x + y, 0) / ys.length;
      });
    expect(await meanY('.score-peer[data-peer="sub-a"] path.score-vmaf[data-video="1"]')).toBeGreaterThan(await meanY('.score-peer[data-peer="sub-a"] path.score-vmaf[data-video="0"]'));
    // Hovering 10.5 s: both videos' seconds, each named, and pub-b's freeze.
    const box = await page.$eval('.score-peer[data-peer="sub-a"] .score-quality .hover-capture', (r) => {
      r.scrollIntoView({ block: 'center' });
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, w: b.width, h: b.height };
    });
    await page.mouse.move(box.x + (box.w * 10.5) / 40, box.y + box.h / 2);
    const tip = await page.$eval('.tooltip', (el) => el.textContent ?? '');
    expect(tip).toMatch(/pub-a.*VMAF \d+\.\d.*pub-b.*VMAF 40\.0, PSNR 28\.0 dB.*frozen: 700 ms/);
    // sub-b saw one video: the chart as before, no per-video names.
    const b = await block('sub-b');
    expect(b.heading).toBe('What sub-b saw');
    expect(b.legend).not.toContain('video');
    expect(b.vmaf.map((p) => p.stroke)).toEqual(['#1f77b4']);
    expect(b.lists.map((l) => l.name)).toEqual([null]);
    await page.$eval('.score-peer[data-peer="sub-a"]', (el) => el.scrollIntoView());
    await page.screenshot({ path: '/tmp/report-score-two-videos.png' });
    await page.close();
  });

  test('without VMAF: PSNR on the left axis, a note, worst moments on PSNR', async () => {
    const { html } = writeReports(syntheticScoredResults({ withoutVmaf: true, vmafMissing: 'NETQOE_VMAF_MODEL /nope.json: no such file' }), join(dir, 'psnr'), { layout: 'run' });
    const { page, errors } = await open(chromium, html);
    expect(errors).toEqual([]);
    expect(await page.$$('.chart.score path.score-vmaf')).toHaveLength(0);
    expect(await page.$$('.chart.score path.score-psnr')).toHaveLength(2);
    // The run's own reason, not a fixed guess.
    expect(await page.$eval('.chart.score .vmaf-missing', (el) => el.textContent)).toBe('No VMAF for this run (NETQOE_VMAF_MODEL /nope.json: no such file): PSNR only.');
    expect(await page.$eval('.chart.score', (el) => el.textContent)).not.toContain('libvmaf');
    expect(await page.$$('.chart.score .score-mos')).toHaveLength(0);
    expect(await page.$eval('.score-peer[data-peer="sub-b"] .worst-moment title', (el) => el.textContent)).toContain('PSNR');
    await page.close();
  });
});
