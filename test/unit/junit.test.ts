import { describe, expect, test } from 'vitest';
import type { ResultsFile } from '../../harness/run/types.ts';
import { escapeXml, renderJunitXml } from '../../reports/junit.ts';
import { syntheticResults } from '../helpers/synthetic-results.ts';

function count(xml: string, re: RegExp): number {
  return xml.match(re)?.length ?? 0;
}

/** Attribute value of the first element matching `tag` that has `name="..."`. */
function attrOf(xml: string, tag: string, attr: string): string | undefined {
  return new RegExp(`<${tag}\\b[^>]*\\b${attr}="([^"]*)"`).exec(xml)?.[1];
}

describe('renderJunitXml', () => {
  test('one testsuite per scenario, one testcase per run, a failure per failed expectation, an error per crash', () => {
    const results = syntheticResults({ crashedAlgorithm: 'broken' });
    const second = syntheticResults({ algorithms: ['buffer'] });
    const merged: ResultsFile = {
      ...results,
      scenarios: [...results.scenarios, { ...second.scenarios[0], name: 'second' }],
      runs: [...results.runs, ...second.runs.map((r) => ({ ...r, scenario: 'second' }))],
    };
    const xml = renderJunitXml(merged);
    const failedExpectations = merged.runs.flatMap((r) => r.expectations).filter((e) => !e.pass);
    expect(failedExpectations.length).toBeGreaterThan(0);

    expect(count(xml, /<testsuite\b/g)).toBe(2);
    expect(count(xml, /<testcase\b/g)).toBe(merged.runs.length);
    expect(count(xml, /<failure\b/g)).toBe(failedExpectations.length);
    expect(count(xml, /<error\b/g)).toBe(1);
    expect(attrOf(xml, 'testsuites', 'tests')).toBe(String(merged.runs.length));
    expect(attrOf(xml, 'testsuites', 'failures')).toBe(String(failedExpectations.length));
    expect(attrOf(xml, 'testsuites', 'errors')).toBe('1');
    // The failure message carries the expectation text and the actual value.
    const f = failedExpectations[0];
    expect(xml).toContain(`message="${escapeXml(`${f.expr} (actual ${f.actual})`)}"`);
  });

  test('escapes markup and quotes in names, messages and errors, and drops characters XML cannot hold', () => {
    const base = syntheticResults({ algorithms: ['throughput'] });
    const evil = `a<b & "c" 'd' ]]> </testcase>\u0001`;
    const results: ResultsFile = {
      ...base,
      scenarios: [{ ...base.scenarios[0], name: evil }],
      runs: [
        {
          ...base.runs[0],
          scenario: evil,
          algorithms: { abr: evil },
          expectations: [{ expr: `x < 1 && y > "2"`, metric: 'x', actual: 3, pass: false, where: evil }],
        },
        { ...base.runs[0], scenario: evil, algorithms: { abr: 'crashy' }, status: 'crashed', error: `boom <${evil}>`, expectations: [] },
      ],
    };
    const xml = renderJunitXml(results);
    expect(xml).not.toContain('\u0001');
    expect(xml).not.toContain('</testcase>\u0001');
    expect(xml).toContain('name="a&lt;b &amp; &quot;c&quot; &apos;d&apos; ]]&gt; &lt;/testcase&gt;\uFFFD"');
    expect(xml).toContain('message="x &lt; 1 &amp;&amp; y &gt; &quot;2&quot; (actual 3)"');
    // Every & starts an entity, and no raw < sits inside text or attributes: strip the tags and look.
    expect(xml.match(/&(?!(amp|lt|gt|quot|apos);)/g)).toBeNull();
    const text = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<\/?[a-z-]+(\s+[a-z-]+="[^"<]*")*\s*\/?>/g, '');
    expect(text).not.toMatch(/[<>"]/);
  });

  test('a repeated algorithm in one scenario gets distinct testcase names', () => {
    const base = syntheticResults({ algorithms: ['throughput'] });
    const results: ResultsFile = { ...base, runs: [base.runs[0], { ...base.runs[0], seed: 99 }] };
    const names = [...renderJunitXml(results).matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(names).size).toBe(2);
  });
});
