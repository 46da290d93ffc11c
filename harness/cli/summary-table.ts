// The plain-text summary printed after a run: one row per scenario x algorithm.
import type { RunResult } from '../run/types.ts';

interface Column {
  title: string;
  cell(run: RunResult): string;
}

const fixed = (key: string, digits: number, scale = 1) => (run: RunResult) => {
  const v = run.metrics[key];
  return v === undefined ? '-' : (v * scale).toFixed(digits);
};

const COLUMNS: Column[] = [
  { title: 'scenario', cell: (r) => r.scenario },
  { title: 'abr', cell: (r) => r.algorithms.abr ?? '-' },
  { title: 'bitrate kbps', cell: fixed('avgBitrateKbps', 0) },
  { title: 'rebuffer %', cell: fixed('rebufferRatio', 2, 100) },
  { title: 'stalls', cell: fixed('rebufferCount', 0) },
  { title: 'startup s', cell: fixed('startupDelayS', 2) },
  { title: 'switches', cell: fixed('switchCount', 0) },
  { title: 'QoE', cell: fixed('qoeLinear', 1) },
  { title: 'net score', cell: fixed('networkScore', 0) },
  {
    title: 'expect',
    cell: (r) => {
      if (r.status === 'crashed') return 'CRASHED';
      const failed = r.expectations.filter((e) => !e.pass).length;
      if (r.expectations.length === 0) return '-';
      return failed === 0 ? `ok (${r.expectations.length})` : `FAIL ${failed}/${r.expectations.length}`;
    },
  },
];

export function formatSummaryTable(runs: RunResult[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...runs.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const failures = runs.flatMap((r) =>
    r.status === 'crashed'
      ? [`  ${r.scenario} / ${r.algorithms.abr}: crashed: ${firstLine(r.error ?? '')}`]
      : r.expectations
          .filter((e) => !e.pass)
          .map((e) => `  ${r.scenario} / ${r.algorithms.abr}: expected ${e.expr}, got ${formatActual(e.actual)} (${e.where})`),
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
