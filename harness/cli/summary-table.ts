// The plain-text summary printed after a run: one row per scenario x algorithm, one table per kind of
// run (ABR streaming sessions, BWE simulations), since they report different metrics.
import { runLabel } from '../run/run-matrix.ts';
import type { RunResult } from '../run/types.ts';

interface Column {
  title: string;
  cell(run: RunResult): string;
}

const fixed = (key: string, digits: number, scale = 1) => (run: RunResult) => {
  const v = run.metrics[key];
  return v === undefined ? '-' : (v * scale).toFixed(digits);
};

const expectColumn: Column = {
  title: 'expect',
  cell: (r) => {
    if (r.status === 'crashed') return 'CRASHED';
    const failed = r.expectations.filter((e) => !e.pass).length;
    // A run cut short is not a verdict on the scenario, whatever its partial figures say.
    const cut = r.interruptedAtMs !== undefined ? ` (interrupted at ${(r.interruptedAtMs / 1000).toFixed(1)} s)` : '';
    if (r.expectations.length === 0) return `-${cut}`;
    return (failed === 0 ? `ok (${r.expectations.length})` : `FAIL ${failed}/${r.expectations.length}`) + cut;
  },
};

const ABR_COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario },
  { title: 'abr', cell: runLabel },
  { title: 'bitrate kbps', cell: fixed('avgBitrateKbps', 0) },
  { title: 'rebuffer %', cell: fixed('rebufferRatio', 2, 100) },
  { title: 'stalls', cell: fixed('rebufferCount', 0) },
  { title: 'startup s', cell: fixed('startupDelayS', 2) },
  { title: 'switches', cell: fixed('switchCount', 0) },
  { title: 'QoE', cell: fixed('qoeLinear', 1) },
  { title: 'P.1203', cell: fixed('p1203Mos', 2) },
  { title: 'net score', cell: fixed('networkScore', 0) },
  expectColumn,
];

const BWE_COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario },
  { title: 'bwe', cell: runLabel },
  { title: 'util %', cell: fixed('utilisationRatio', 1, 100) },
  { title: 'p95 queue ms', cell: fixed('queueDelayP95Ms', 1) },
  { title: 'loss %', cell: fixed('lossRatio', 2, 100) },
  { title: 'delivered kbps', cell: fixed('avgDeliveredKbps', 0) },
  { title: 'MMSys /70', cell: fixed('mmsysNetworkScore', 1) },
  expectColumn,
];

/** Live runs with an ICE-restart policy: the handover recovery figures (harness/recovery). */
const HANDOVER_COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario },
  { title: 'ice restart', cell: (r) => r.algorithms.iceRestart ?? '-' },
  { title: 'detect s', cell: fixed('iceDetectS', 2) },
  { title: '1st restart s', cell: fixed('iceFirstRestartS', 2) },
  { title: 'restarts', cell: fixed('iceRestarts', 0) },
  { title: 'reconnects', cell: fixed('fullReconnects', 0) },
  { title: 'media back s', cell: (r) => (r.metrics.iceRecoveryS !== undefined ? r.metrics.iceRecoveryS.toFixed(2) : r.metrics.iceUnrecoveredS !== undefined ? `never (${r.metrics.iceUnrecoveredS.toFixed(0)} s dark)` : '-') },
  { title: 'frozen s', cell: fixed('frozenS', 2) },
  { title: 'after kbps', cell: fixed('postRecoveryKbps', 0) },
  expectColumn,
];

function table(columns: Column[], runs: RunResult[]): string[] {
  const rows = [columns.map((c) => c.title), ...runs.map((r) => columns.map((c) => c.cell(r)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

const LIVE_COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario },
  { title: 'layer / bwe', cell: (r) => [r.algorithms.layer, r.algorithms.bwe ?? 'default'].join(' / ') },
  { title: 'pub top s', cell: fixed('publisherTopLayerS', 1) },
  { title: 'down s', cell: fixed('layerDownAfterDropS', 1) },
  { title: 'up s', cell: fixed('layerUpAfterReturnS', 1) },
  { title: 'switches', cell: fixed('layerSwitchCount', 0) },
  { title: 'switch errs', cell: fixed('switchDecodeErrors', 0) },
  { title: 'freezes', cell: fixed('freezeCount', 0) },
  { title: 'recv kbps', cell: fixed('avgReceivedKbps', 0) },
  { title: 'E-model MOS', cell: fixed('eModelMos', 2) },
  { title: 'P.1203', cell: fixed('p1203LiveMos', 2) },
  expectColumn,
];

/** Scored live runs (--score, docs/scoring.md): shown when any live run has the metric, '-' in the others. */
const SCORE_COLUMNS: { metric: string; column: Column }[] = [
  { metric: 'vmaf', column: { title: 'VMAF', cell: fixed('vmaf', 1) } },
  { metric: 'glassToGlassMs', column: { title: 'g2g ms', cell: fixed('glassToGlassMs', 0) } },
];

function liveColumns(liveRuns: RunResult[]): Column[] {
  const scored = SCORE_COLUMNS.filter((c) => liveRuns.some((r) => r.metrics[c.metric] !== undefined)).map((c) => c.column);
  return [...LIVE_COLUMNS.slice(0, -1), ...scored, LIVE_COLUMNS[LIVE_COLUMNS.length - 1]];
}

export function formatSummaryTable(runs: RunResult[]): string {
  const liveRuns = runs.filter((r) => r.mode === 'live');
  const abrRuns = runs.filter((r) => r.mode !== 'live' && r.algorithms.bwe === undefined);
  const bweRuns = runs.filter((r) => r.mode !== 'live' && r.algorithms.bwe !== undefined);
  const out: string[] = [];
  if (abrRuns.length) out.push(...table(ABR_COLUMNS, abrRuns));
  if (bweRuns.length) out.push(...(out.length ? [''] : []), ...table(BWE_COLUMNS, bweRuns));
  if (liveRuns.length) out.push(...(out.length ? [''] : []), ...table(liveColumns(liveRuns), liveRuns));
  const handoverRuns = liveRuns.filter((r) => r.algorithms.iceRestart !== undefined);
  if (handoverRuns.length) out.push('', ...table(HANDOVER_COLUMNS, handoverRuns));
  const failures = runs.flatMap((r) =>
    r.status === 'crashed'
      ? [`  ${r.scenario} / ${runLabel(r)}: crashed: ${firstLine(r.error ?? '')}`]
      : r.expectations
          .filter((e) => !e.pass)
          .map((e) => `  ${r.scenario} / ${runLabel(r)}: expected ${e.expr}, got ${formatActual(e.actual)} (${e.where})`),
  );
  if (failures.length) out.push('', 'Failed:', ...failures);
  return out.join('\n');
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function formatActual(v: number | null): string {
  if (v === null) return 'no value';
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
