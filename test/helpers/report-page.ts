// Opens a written report from file:// in headless Chromium and collects what would make it untrustworthy offline:
// console errors and warnings, page errors, and any request that is not file:// or data:.
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import type { LaunchedChromium } from '../../harness/browser/launch.ts';

export interface PageProblems {
  errors: string[];
  foreignRequests: string[];
}

/** Resolves once every chart says it is ready (body[data-charts-ready="true"]). */
export async function openReport(
  chromium: LaunchedChromium,
  file: string,
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await chromium.browser.newPage();
  if (opts.viewport) await page.setViewport(opts.viewport);
  const problems: PageProblems = { errors: [], foreignRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${String(e)}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.foreignRequests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 10_000 });
  return { page, problems };
}
