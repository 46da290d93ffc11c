import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ResultsFile } from '../../harness/run/types.ts';
import { bundleClient, clientBundle, d3Source } from '../../reports/client-bundle.ts';
import { renderHtmlReport } from '../../reports/html-report.ts';
import { writeReports } from '../../reports/write-reports.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';

const EVIL_REASON = `buffer low </script><script>window.pwned=1</script> <!-- & "quoted" 'single' \u2028 </SCRIPT >`;

function embeddedJson(html: string): unknown {
  const m = /<script type="application\/json" id="netqoe-results">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded results');
  return JSON.parse(m[1]);
}

const tmp = mkdtempSync(join(tmpdir(), 'netqoe-report-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('renderHtmlReport', () => {
  const results = syntheticResults({ crashedAlgorithm: 'broken', injectReason: EVIL_REASON });
  const html = renderHtmlReport(results);

  test('is self-contained: no external src/href, no stylesheet links, no remote url()', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    // d3 and the client code are inlined, and the CSP forbids any fetch at all.
    expect(html).toContain(d3Source().slice(0, 200));
    expect(html).toContain("default-src 'none'");
  });

  test('embeds the results so that they parse back unchanged', () => {
    expect(embeddedJson(html)).toEqual(JSON.parse(JSON.stringify(results)));
  });

  test('a reason containing </script> cannot close the script element', () => {
    // Exactly our three scripts: the JSON, d3, the client.
    expect(html.match(/<script\b/gi)?.length).toBe(3);
    expect(html.match(/<\/script/gi)?.length).toBe(3);
    expect(html).not.toContain('<script>window.pwned');
    expect(html).not.toContain('<!--');
    const parsed = embeddedJson(html) as ResultsFile;
    const seg = parsed.runs[0].timeline.find((e) => e.kind === 'segment' && e.index === 3);
    expect(seg && seg.kind === 'segment' && seg.reason).toBe(EVIL_REASON);
  });

  test('summary table: one row per run, crash error shown, failed expectation text, best value marked per column', () => {
    expect(html.match(/<tr class="run-row/g)?.length).toBe(results.runs.length);
    expect(html).toContain('crashed: TypeError: cannot read properties of undefined (reading &#39;bitrate&#39;) &lt;in broken&gt;');
    const failed = results.runs.flatMap((r) => r.expectations).filter((e) => !e.pass);
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(html).toMatch(new RegExp(`class="failed-expectation"><code>${e.expr.replace(/</g, '&lt;')}</code>`));
    const ok = results.runs.filter((r) => r.status === 'ok');
    const bestBitrate = Math.max(...ok.map((r) => r.metrics.avgBitrateKbps));
    const formatted = Math.round(bestBitrate).toLocaleString('en-US');
    expect(html).toMatch(new RegExp(`<td class="num best"[^>]*>${formatted}</td>`));
    expect(html.match(/<td class="num best"/g)?.length ?? 0).toBeGreaterThan(0);
  });

  test('header carries scenario, description, duration, seed, mode, time and command; text is escaped', () => {
    const r = syntheticResults({ algorithms: ['throughput'] });
    r.scenarios[0].description = 'drops <b>hard</b> & fast';
    const out = renderHtmlReport(r);
    expect(out).toContain('drops &lt;b&gt;hard&lt;/b&gt; &amp; fast');
    expect(out).toContain(r.scenarios[0].name);
    expect(out).toContain('60 s');
    expect(out).toContain(`<dd>${r.scenarios[0].seed}</dd>`);
    expect(out).toContain('<dd>sim</dd>');
    expect(out).toContain('2025-01-02 03:04:05 UTC');
    expect(out).toContain(r.command);
  });

  test('run layout has a timeline placeholder per run with a timeline and a CDF per scenario', () => {
    const withTimeline = results.runs.filter((r) => r.timeline.length > 0).length;
    expect(html.match(/data-chart="timeline"/g)?.length).toBe(withTimeline);
    expect(html.match(/data-chart="cdf"/g)?.length).toBe(1);
    expect(html).not.toContain('data-chart="overlay"');
  });

  test('compare layout leads with the side-by-side table and overlay, then per-run details', () => {
    const out = renderHtmlReport(results, { layout: 'compare' });
    const table = out.indexOf('<table class="summary compare"');
    const overlay = out.indexOf('data-chart="overlay"');
    const details = out.indexOf('Per-run details');
    expect(table).toBeGreaterThan(0);
    expect(overlay).toBeGreaterThan(table);
    expect(out.indexOf('data-chart="cdf"')).toBeGreaterThan(overlay);
    expect(details).toBeGreaterThan(overlay);
    expect(out.indexOf('data-chart="timeline"')).toBeGreaterThan(details);
    // One column per run of the scenario.
    expect(out.match(/<th class="algorithm" data-run=/g)?.length).toBe(results.runs.length);
  });
});

describe('client bundle', () => {
  test('is plain JS: no module syntax left, and it parses', () => {
    const js = clientBundle();
    expect(js).not.toMatch(/^\s*(import|export)\s/m);
    expect(() => new Function(js)).not.toThrow();
    expect(js).toContain('function renderTimelineChart');
  });

  test('rejects two client files declaring the same top-level name (they share one scope)', () => {
    const dir = mkdtempSync(join(tmp, 'client-'));
    writeFileSync(join(dir, 'a.ts'), "export const shared: number = 1;\n");
    writeFileSync(join(dir, 'main.ts'), "import { shared } from './a.ts';\nconst other: number = shared;\nfunction shared2(): void {}\nexport const shared = 2;\n");
    expect(() => bundleClient(dir, 'main.ts')).toThrow(/shared is declared in both a\.ts and main\.ts/);
  });

  test('orders files by their imports and erases types', () => {
    const dir = mkdtempSync(join(tmp, 'client-'));
    writeFileSync(join(dir, 'leaf.ts'), 'export interface P { x: number }\nexport function leaf(p: P): number { return p.x; }\n');
    writeFileSync(join(dir, 'main.ts'), "import { leaf } from './leaf.ts';\nimport type { P } from './leaf.ts';\nconst p: P = { x: 41 };\n(globalThis as any).out = leaf(p) + 1;\n");
    const js = bundleClient(dir, 'main.ts');
    expect(js.indexOf('function leaf')).toBeLessThan(js.indexOf('const p'));
    const g: { out?: number } = {};
    new Function('globalThis', js)(g);
    expect(g.out).toBe(42);
  });
});

describe('writeReports', () => {
  test('writes index.html and junit.xml and returns their paths', () => {
    const results = syntheticResults({ algorithms: ['buffer'] });
    const out = join(tmp, 'nested', 'out');
    const written = writeReports(results, out, { layout: 'compare' });
    expect(written).toEqual({ html: join(out, 'index.html'), junit: join(out, 'junit.xml') });
    expect(readFileSync(written.html, 'utf8')).toContain('<body data-layout="compare">');
    expect(readFileSync(written.junit, 'utf8')).toMatch(/^<\?xml/);
  });
});
