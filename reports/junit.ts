// JUnit XML for CI dashboards: a testsuite per scenario, a testcase per run, a <failure> per failed
// expectation (text + actual value), an <error> for a crashed run.
import type { ResultsFile, RunResult } from '../harness/run/types.ts';
import { runLabel } from './client/model.ts';
import { runsByScenario } from './summary-table.ts';

/** XML 1.0 forbids most control characters even when escaped; they are replaced, not encoded. */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(s: string): string {
  return s
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function attr(name: string, value: string | number): string {
  return `${name}="${escapeXml(String(value))}"`;
}

function seconds(ms: number): string {
  return (Number.isFinite(ms) ? ms / 1000 : 0).toFixed(3);
}

export function expectationFailureMessage(e: { expr: string; actual: number | null; where?: string }): string {
  const actual = e.actual === null || e.actual === undefined ? 'no value' : String(e.actual);
  return `${e.expr} (actual ${actual})`;
}

function testcase(run: RunResult, name: string): string {
  const open = `    <testcase ${attr('name', name)} ${attr('classname', `netqoe.${run.scenario}`)} ${attr('time', seconds(run.wallMs))}`;
  const children: string[] = [];
  if (run.status === 'crashed') {
    const message = run.error ?? 'run crashed';
    children.push(`      <error ${attr('message', message)} type="crash">${escapeXml(message)}</error>`);
  }
  for (const e of run.expectations ?? []) {
    if (e.pass) continue;
    const message = expectationFailureMessage(e);
    const body = `${message}${e.where ? `\nwhere: ${e.where}` : ''}\nmetric: ${e.metric}`;
    children.push(`      <failure ${attr('message', message)} type="expectation">${escapeXml(body)}</failure>`);
  }
  const metrics = Object.entries(run.metrics ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  if (metrics) children.push(`      <system-out>${escapeXml(metrics)}</system-out>`);
  return children.length ? `${open}>\n${children.join('\n')}\n    </testcase>` : `${open}/>`;
}

/** Testcase names are unique per suite: a repeated algorithm (other seed) gets its seed appended. */
function caseNames(runs: readonly RunResult[]): string[] {
  const labels = runs.map(runLabel);
  return labels.map((label, i) => (labels.indexOf(label) !== labels.lastIndexOf(label) ? `${label} (seed ${runs[i].seed})` : label));
}

export function renderJunitXml(results: ResultsFile): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let timeMs = 0;
  for (const [scenario, indexed] of runsByScenario(results)) {
    const runs = indexed.map((r) => r.run);
    const names = caseNames(runs);
    const suiteFailures = runs.reduce((n, r) => n + (r.expectations ?? []).filter((e) => !e.pass).length, 0);
    const suiteErrors = runs.filter((r) => r.status === 'crashed').length;
    const suiteMs = runs.reduce((t, r) => t + (Number.isFinite(r.wallMs) ? r.wallMs : 0), 0);
    tests += runs.length;
    failures += suiteFailures;
    errors += suiteErrors;
    timeMs += suiteMs;
    const head = `  <testsuite ${attr('name', scenario)} ${attr('tests', runs.length)} ${attr('failures', suiteFailures)} ${attr('errors', suiteErrors)} skipped="0" ${attr('time', seconds(suiteMs))} ${attr('timestamp', String(results.createdAt ?? '').replace(/Z$/, ''))}`;
    suites.push(runs.length ? `${head}>\n${runs.map((r, i) => testcase(r, names[i])).join('\n')}\n  </testsuite>` : `${head}/>`);
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites ${attr('name', 'netqoe')} ${attr('tests', tests)} ${attr('failures', failures)} ${attr('errors', errors)} ${attr('time', seconds(timeMs))}>\n` +
    suites.map((s) => `${s}\n`).join('') +
    `</testsuites>\n`
  );
}
