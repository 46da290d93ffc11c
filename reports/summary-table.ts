// The report's tables, rendered on the server so they read without JavaScript: one row per run
// (run layout) or algorithms side by side per scenario (compare layout). Best values per scenario marked.
import type { ExpectationOutcome, ResultsFile, RunResult } from '../harness/run/types.ts';
import { algorithmColors, runLabel, scenarioOrder } from './client/model.ts';
import { escapeHtml } from './html-escape.ts';
import { bestValue, expectationMetricKey, metricColumn, metricKeysPresent } from './metric-format.ts';
import type { MetricColumn } from './metric-format.ts';

interface IndexedRun {
  run: RunResult;
  index: number;
}

export function runsByScenario(results: ResultsFile): Map<string, IndexedRun[]> {
  const groups = new Map<string, IndexedRun[]>();
  for (const name of scenarioOrder(results)) groups.set(name, []);
  results.runs.forEach((run, index) => groups.get(run.scenario)?.push({ run, index }));
  return groups;
}

function columnHeader(col: MetricColumn): string {
  const arrow = col.better === 'higher' ? ' ↑' : col.better === 'lower' ? ' ↓' : '';
  const unit = col.unitLabel ? ` <span class="unit">(${escapeHtml(col.unitLabel)})</span>` : '';
  const better = col.better ? ` (${col.better} is better)` : '';
  return `<th class="metric" title="${escapeHtml(col.key + ': ' + col.description + better)}">${escapeHtml(col.label)}${unit}${arrow}</th>`;
}

function failedExpectationsByKey(run: RunResult, keys: readonly string[]): Map<string, ExpectationOutcome[]> {
  const byKey = new Map<string, ExpectationOutcome[]>();
  for (const e of run.expectations ?? []) {
    if (e.pass) continue;
    const key = expectationMetricKey(e.metric, keys);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  return byKey;
}

function metricCell(col: MetricColumn, run: RunResult, best: number | null, failed: ExpectationOutcome[] | undefined): string {
  const v = run.metrics?.[col.key];
  if (typeof v !== 'number' || !Number.isFinite(v)) return '<td class="num missing">—</td>';
  const classes = ['num'];
  const titles: string[] = [];
  if (best !== null && v === best) {
    classes.push('best');
    titles.push(`best in this scenario (${col.better} is better)`);
  }
  if (failed?.length) {
    classes.push('expect-failed');
    titles.push(...failed.map((e) => `failed: ${e.expr}`));
  }
  const title = titles.length ? ` title="${escapeHtml(titles.join('; '))}"` : '';
  return `<td class="${classes.join(' ')}"${title}>${escapeHtml(col.format(v))}</td>`;
}

export function formatActual(actual: number | null): string {
  if (actual === null || actual === undefined) return 'no value';
  return Number.isInteger(actual) ? String(actual) : String(Number(actual.toPrecision(6)));
}

export function expectationsCell(run: RunResult): string {
  const all = run.expectations ?? [];
  if (!all.length) return '<td class="expectations none">—</td>';
  const failed = all.filter((e) => !e.pass);
  const held = `<span class="${failed.length ? 'held-some' : 'held-all'}">${all.length - failed.length}/${all.length} held</span>`;
  const items = failed
    .map(
      (e) =>
        `<li class="failed-expectation"><code>${escapeHtml(e.expr)}</code>: actual ${escapeHtml(formatActual(e.actual))}` +
        `${e.where ? ` <span class="where">(${escapeHtml(e.where)})</span>` : ''}</li>`,
    )
    .join('');
  return `<td class="expectations">${held}${items ? `<ul>${items}</ul>` : ''}</td>`;
}

export function statusBadge(run: RunResult): string {
  if (run.status === 'crashed') return '<span class="badge badge-crashed">crashed</span>';
  if ((run.expectations ?? []).some((e) => !e.pass)) return '<span class="badge badge-failed">failed</span>';
  return '<span class="badge badge-ok">ok</span>';
}

function algorithmCell(run: RunResult, index: number, colors: Map<string, string>): string {
  const label = runLabel(run);
  const color = colors.get(label) ?? '#999';
  return `<td class="algorithm"><span class="swatch-dot" style="background:${escapeHtml(color)}"></span><a href="#run-${index}">${escapeHtml(label)}</a></td>`;
}

/** Run layout: every run of every scenario in one table, grouped by scenario. */
export function renderSummaryTable(results: ResultsFile): string {
  const keys = metricKeysPresent(results.runs);
  const columns = keys.map(metricColumn);
  const colors = algorithmColors(results);
  const head = `<tr><th>scenario</th><th>algorithm</th><th>status</th>${columns.map(columnHeader).join('')}<th>expectations</th></tr>`;
  const rows: string[] = [];
  for (const [scenario, runs] of runsByScenario(results)) {
    const okRuns = runs.filter((r) => r.run.status !== 'crashed');
    const best = columns.map((col) => bestValue(col, okRuns.map((r) => r.run.metrics?.[col.key])));
    runs.forEach(({ run, index }, i) => {
      const scenarioCell = i === 0 ? `<th scope="rowgroup" class="scenario-cell" rowspan="${runs.length}">${escapeHtml(scenario)}</th>` : '';
      const failedByKey = failedExpectationsByKey(run, keys);
      const metricCells =
        run.status === 'crashed'
          ? `<td class="crash" colspan="${Math.max(1, columns.length)}">crashed: ${escapeHtml(run.error ?? 'no error message')}</td>`
          : columns.map((col, c) => metricCell(col, run, best[c], failedByKey.get(col.key))).join('');
      rows.push(
        `<tr class="run-row${i === 0 ? ' group-start' : ''}" data-run="${index}" data-scenario="${escapeHtml(scenario)}">` +
          `${scenarioCell}${algorithmCell(run, index, colors)}<td>${statusBadge(run)}</td>${metricCells}${expectationsCell(run)}</tr>`,
      );
    });
  }
  return `<div class="table-wrap"><table class="summary"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

/** Compare layout: one scenario, metrics as rows, its algorithms side by side as columns. */
export function renderCompareTable(results: ResultsFile, scenario: string): string {
  const runs = runsByScenario(results).get(scenario) ?? [];
  const keys = metricKeysPresent(runs.map((r) => r.run));
  const colors = algorithmColors(results);
  const okRuns = runs.filter((r) => r.run.status !== 'crashed');
  const head = `<tr><th>metric</th>${runs
    .map(({ run, index }) => {
      const color = colors.get(runLabel(run)) ?? '#999';
      return `<th class="algorithm" data-run="${index}"><span class="swatch-dot" style="background:${escapeHtml(color)}"></span><a href="#run-${index}">${escapeHtml(runLabel(run))}</a></th>`;
    })
    .join('')}</tr>`;
  const rows: string[] = [`<tr><th>status</th>${runs.map(({ run }) => `<td>${statusBadge(run)}</td>`).join('')}</tr>`];
  for (const key of keys) {
    const col = metricColumn(key);
    const best = bestValue(col, okRuns.map((r) => r.run.metrics?.[key]));
    const cells = runs.map(({ run }) =>
      run.status === 'crashed' ? '<td class="num missing">—</td>' : metricCell(col, run, best, failedExpectationsByKey(run, keys).get(key)),
    );
    const header = columnHeader(col).replace(/^<th class="metric"/, '<th class="metric row-header"');
    rows.push(`<tr class="metric-row" data-metric="${escapeHtml(key)}">${header}${cells.join('')}</tr>`);
  }
  rows.push(`<tr><th>expectations</th>${runs.map(({ run }) => expectationsCell(run)).join('')}</tr>`);
  const crashes = runs.filter(({ run }) => run.status === 'crashed');
  const crashNotes = crashes
    .map(({ run }) => `<p class="crash">${escapeHtml(runLabel(run))} crashed: ${escapeHtml(run.error ?? 'no error message')}</p>`)
    .join('');
  return `<div class="table-wrap"><table class="summary compare" data-scenario="${escapeHtml(scenario)}"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>${crashNotes}`;
}
