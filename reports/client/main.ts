// Entry point of the report page: reads the embedded results and fills every [data-chart] placeholder.
// One broken chart shows its error in place and on the console; the others still render.
import type { ResultsFile, RunResult } from '../../harness/run/types.ts';
import { renderBweChart } from './bwe-chart.ts';
import { renderCdfChart } from './cdf-chart.ts';
import { renderLiveChart } from './live-chart.ts';
import { algorithmColors, runLabel, runSeries } from './model.ts';
import type { RunSeries } from './model.ts';
import { renderOverlayChart } from './overlay-chart.ts';
import { renderRecoveryChart } from './recovery-chart.ts';
import { renderScoreChart } from './score-chart.ts';
import { renderTimelineChart } from './timeline-chart.ts';

interface PageData {
  results: ResultsFile;
  colors: Map<string, string>;
  series: RunSeries[];
  durationMs: Map<string, number>;
}

function readPageData(): PageData {
  const text = document.getElementById('netqoe-results')?.textContent ?? '';
  const results = JSON.parse(text) as ResultsFile;
  return {
    results,
    colors: algorithmColors(results),
    series: results.runs.map((run) => runSeries(run.timeline)),
    durationMs: new Map((results.scenarios ?? []).map((s) => [s.name, s.durationMs])),
  };
}

/** One time axis per scenario, so that its runs' charts line up one above the other. */
function scenarioEndMs(data: PageData, scenario: string): number {
  let endMs = data.durationMs.get(scenario) ?? 0;
  data.results.runs.forEach((run, i) => {
    if (run.scenario === scenario) endMs = Math.max(endMs, data.series[i].endMs);
  });
  return endMs;
}

function colorOf(data: PageData, run: RunResult): string {
  return data.colors.get(runLabel(run)) ?? '#4e79a7';
}

function runsOfScenario(data: PageData, scenario: string): { run: RunResult; series: RunSeries }[] {
  return data.results.runs
    .map((run, i) => ({ run, series: data.series[i] }))
    .filter((r) => r.run.scenario === scenario && r.run.status !== 'crashed');
}

function renderChart(el: HTMLElement, data: PageData): void {
  const kind = el.dataset.chart;
  if (kind === 'timeline') {
    const index = Number(el.dataset.run);
    const run = data.results.runs[index];
    if (!run) throw new Error(`no run #${index}`);
    renderTimelineChart(el, {
      series: data.series[index],
      durationMs: scenarioEndMs(data, run.scenario),
      algorithm: runLabel(run),
      color: colorOf(data, run),
    });
  } else if (kind === 'bwe') {
    const index = Number(el.dataset.run);
    const run = data.results.runs[index];
    if (!run) throw new Error(`no run #${index}`);
    renderBweChart(el, { series: data.series[index], durationMs: scenarioEndMs(data, run.scenario), algorithm: runLabel(run), color: colorOf(data, run) });
  } else if (kind === 'cdf') {
    const runs = runsOfScenario(data, el.dataset.scenario ?? '');
    renderCdfChart(
      el,
      runs.map((r) => ({ algorithm: runLabel(r.run), color: colorOf(data, r.run), segments: r.series.segments })),
    );
  } else if (kind === 'overlay') {
    const scenario = el.dataset.scenario ?? '';
    const runs = runsOfScenario(data, scenario);
    renderOverlayChart(
      el,
      runs.map((r) => ({ algorithm: runLabel(r.run), color: colorOf(data, r.run), series: r.series })),
      scenarioEndMs(data, scenario),
    );
  } else if (kind === 'live') {
    const run = data.results.runs[Number(el.dataset.run)];
    if (!run) throw new Error(`no run #${el.dataset.run}`);
    renderLiveChart(el, { timeline: run.timeline, durationMs: scenarioEndMs(data, run.scenario), color: colorOf(data, run) });
  } else if (kind === 'score') {
    const run = data.results.runs[Number(el.dataset.run)];
    if (!run) throw new Error(`no run #${el.dataset.run}`);
    renderScoreChart(el, { timeline: run.timeline, durationMs: scenarioEndMs(data, run.scenario) });
  } else if (kind === 'recovery') {
    const scenario = el.dataset.scenario ?? '';
    const runs = data.results.runs.flatMap((run, runIndex) =>
      run.scenario === scenario ? [{ runIndex, policy: run.algorithms?.iceRestart ?? runLabel(run), timeline: run.timeline ?? [], metrics: run.metrics ?? {} }] : [],
    );
    renderRecoveryChart(el, runs, scenarioEndMs(data, scenario));
  } else {
    throw new Error(`unknown chart kind ${String(kind)}`);
  }
}

function renderAll(): void {
  const data = readPageData();
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-chart]'))) {
    try {
      renderChart(el, data);
      el.dataset.rendered = 'true';
    } catch (err) {
      el.dataset.rendered = 'error';
      const p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = `chart failed: ${err instanceof Error ? err.message : String(err)}`;
      el.appendChild(p);
      console.error(err);
    }
  }
  document.body.dataset.chartsReady = 'true';
}

renderAll();
