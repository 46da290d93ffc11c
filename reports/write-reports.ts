// Writes index.html and junit.xml for a results file; used by `netqoe run/compare` and `netqoe report`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsFile } from '../harness/run/types.ts';
import { renderHtmlReport } from './html-report.ts';
import type { ReportLayout } from './html-report.ts';
import { renderJunitXml } from './junit.ts';

export interface WrittenReports {
  html: string;
  junit: string;
}

export function writeReports(results: ResultsFile, outDir: string, opts: { layout?: ReportLayout } = {}): WrittenReports {
  mkdirSync(outDir, { recursive: true });
  const html = join(outDir, 'index.html');
  const junit = join(outDir, 'junit.xml');
  // JUnit first: it is what CI gates on, and it cannot fail on chart code.
  writeFileSync(junit, renderJunitXml(results));
  writeFileSync(html, renderHtmlReport(results, { layout: opts.layout ?? 'run' }));
  return { html, junit };
}
